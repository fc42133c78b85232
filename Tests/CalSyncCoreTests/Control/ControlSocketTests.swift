import Foundation
import Logging
import Testing

@testable import CalSyncEngine
@testable import CalSyncModel

#if canImport(Glibc)
import Glibc
#endif

/// The control socket on its own: one request line, one answer line; mode 0660; a stale
/// socket file replaced, a live one left to its daemon.
struct ControlSocketTests {
    static let logger = Logger(label: "control-tests") { _ in SwiftLogNoOpLogHandler() }

    /// Runs blocking socket calls on a thread of their own: the server answers from Swift's
    /// cooperative threads, which a test blocked in `recv` on one of them would starve.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    @Test func answersOneRequestPerConnectionAndRemovesItsFileOnStop() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("run/control.sock")
        let server = try ControlServer(path: path, logger: Self.logger) { request in
            ControlResponse(ok: true, status: "asked \(request.command.rawValue) for \(request.account ?? "all")")
        }
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)
        // A generous limit: the answer comes from Swift's two cooperative threads, which the
        // suites running beside this one keep busy (5 s was missed under CI-like load).
        let answer = try await Self.offPool {
            try ControlClient.send(ControlRequest(command: .sync, account: "work"), to: path, timeout: .seconds(30))
        }
        #expect(answer == ControlResponse(ok: true, status: "asked sync for work"))
        server.stop()
        #expect(!FileManager.default.fileExists(atPath: path))
        let gone = #expect(throws: CalSyncError.self) {
            try ControlClient.send(ControlRequest(command: .status), to: path, timeout: .seconds(5))
        }
        #expect(gone?.message.contains("calsyncd is not running") == true)
    }

    @Test func aStaleSocketIsReplacedAndALiveOneIsNot() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("control.sock")
        // What a daemon killed with SIGKILL leaves: a socket file nobody listens on.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
            raw[path.utf8.count] = 0
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        close(stale)
        #expect(FileManager.default.fileExists(atPath: path))

        let live = try ControlServer(path: path, logger: Self.logger) { _ in ControlResponse(ok: true, pid: 1) }
        defer { live.stop() }
        let second = try await Self.offPool { () -> String? in
            do {
                _ = try ControlServer(path: path, logger: Self.logger) { _ in ControlResponse(ok: true, pid: 2) }
                return nil
            } catch {
                return (error as? CalSyncError)?.message ?? "\(error)"
            }
        }
        #expect(second?.contains("another calsyncd already answers") == true)
        let answer = try await Self.offPool {
            try ControlClient.send(ControlRequest(command: .status), to: path, timeout: .seconds(5))
        }
        #expect(answer.pid == 1)
    }

    @Test func aGarbledRequestIsRefusedWithAReason() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("control.sock")
        let server = try ControlServer(path: path, logger: Self.logger) { _ in ControlResponse(ok: true) }
        defer { server.stop() }
        let line = try await Self.offPool { () -> Data? in
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            let address = try UnixSocketAddress(path: path)
            guard address.withSockaddr({ connect(fd, $0, $1) }) == 0,
                SocketLines.write(Data("{\"command\":\"explode\"}\n".utf8), to: fd)
            else { return nil }
            return SocketLines.readLine(from: fd)
        }
        let answer = try JSONDecoder().decode(ControlResponse.self, from: try #require(line))
        #expect(!answer.ok)
        #expect(answer.error?.contains("not a calsyncctl request") == true)
    }
}
