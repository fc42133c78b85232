import CalSyncModel
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs the built executables as a user would, capturing output and exit status.
enum CommandRunner {
    /// The directory holding the built products (`calsyncd`, `calsyncctl`, …): the test
    /// bundle's own directory.
    static let productsDirectory: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug"),
        ]
        return candidates.first {
            FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("calsyncctl").path)
        }
            ?? candidates[0]
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var all: String { stdout + stderr }
    }

    /// Runs `executable arguments…` with `environment` added to a minimal environment.
    ///
    /// The wait happens on a thread of its own, never on one of Swift's few cooperative
    /// threads: a command that talks to the test's in-process emulator would otherwise
    /// block the very threads the emulator needs to answer it.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil
    ) async throws -> Result {
        try await offCooperativeThreads {
            try runBlocking(executable, arguments, environment: environment, input: input)
        }
    }

    /// Runs blocking work (reading a pipe to its end, waiting for a process) on a thread
    /// of its own and awaits its result.
    static func offCooperativeThreads<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Swift.Result { try work() }) }.start()
        }
    }

    private static func runBlocking(
        _ executable: String, _ arguments: [String], environment: [String: String], input: String?
    ) throws -> Result {
        let process = start(executable, arguments, environment: environment, input: input)
        try process.process.run()
        if let input {
            process.input?.fileHandleForWriting.write(Data(input.utf8))
        }
        try? process.input?.fileHandleForWriting.close()
        let out = process.stdout.fileHandleForReading.readDataToEndOfFile()
        let err = process.stderr.fileHandleForReading.readDataToEndOfFile()
        process.process.waitUntilExit()
        return Result(
            status: process.process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }

    /// A configured, not yet started process (for daemons a test stops itself).
    static func start(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil
    ) -> (process: Process, stdout: Pipe, stderr: Pipe, input: Pipe?) {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent(executable)
        process.arguments = arguments
        var base = ["PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path, "LANG": "C.UTF-8"]
        base.merge(environment) { $1 }
        process.environment = base
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let input = Pipe()
        process.standardInput = input
        return (process, stdout, stderr, input)
    }
}

/// A `calsync-emulator` process on a free port, killed when the test is done with it.
final class EmulatorProcess {
    let process: Process
    /// `http://127.0.0.1:PORT`.
    let baseURL: String

    /// Starts it with `arguments` (besides the port) and waits, up to 30 s on a busy
    /// machine, for it to say its port.
    init(_ arguments: [String], scratch: Scratch) async throws {
        let portFile = scratch.path("emulator.port")
        let started = CommandRunner.start("calsync-emulator", ["--port", "0", "--port-file", portFile] + arguments)
        started.process.standardOutput = FileHandle.nullDevice
        started.process.standardError = FileHandle.nullDevice
        try started.process.run()
        process = started.process
        var port: String?
        for _ in 0..<1200 where port == nil && process.isRunning {
            port = try? String(contentsOfFile: portFile, encoding: .utf8)
            if port == nil { try await Task.sleep(for: .milliseconds(25)) }
        }
        guard let port else {
            kill(process.processIdentifier, SIGKILL)
            throw CalSyncError(.transport, "calsync-emulator \(arguments) did not start within 30 s")
        }
        baseURL = "http://127.0.0.1:\(port.trimmingCharacters(in: .whitespacesAndNewlines))"
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// A temporary directory removed at the end of the test.
final class Scratch {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("calsync-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
