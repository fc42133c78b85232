import CalSyncAuth
import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncGraph
import CalSyncModel
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `calsyncctl login` and `logout` for Google, end to end against the emulator's consent
/// page and token endpoint: PKCE, the loopback redirect, the pasted redirect address,
/// revocation.
@Suite(.serialized) struct LoginAgainstEmulatorTests {
    struct Setup {
        let emulator: ProviderEmulator
        let scratch: Scratch
        let config: String
    }

    static func setUp() async throws -> Setup {
        let emulator = try await ProviderEmulator.start()
        let scratch = try Scratch()
        try scratch.write("secret", "login-test-secret")
        let config = try scratch.write(
            "calsync.toml",
            """
            [store]
            path = "\(scratch.path("calsync.db"))"
            tokens_path = "\(scratch.path("tokens.json"))"

            [[account]]
            name = "work"
            provider = "google"
            client_id = "login-client"
            client_secret_file = "\(scratch.path("secret"))"
            api_url = "\(emulator.baseURL)/calendar/v3"
            token_url = "\(emulator.baseURL)/token"
            authorize_url = "\(emulator.baseURL)/o/oauth2/v2/auth"
            revoke_url = "\(emulator.baseURL)/revoke"
            """)
        return Setup(emulator: emulator, scratch: scratch, config: config)
    }

    /// Reads the process's output until the sign-in address appears.
    static func signInAddress(_ pipe: Pipe) async throws -> (url: String, output: String) {
        try await Task.detached {
            var output = ""
            while true {
                let data = pipe.fileHandleForReading.availableData
                if data.isEmpty {
                    throw CalSyncError(.transport, "calsyncctl ended before printing the address:\n\(output)")
                }
                output += String(decoding: data, as: UTF8.self)
                if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("  http") }),
                    output.contains("ssh -L")
                {
                    return (line.trimmingCharacters(in: .whitespaces), output)
                }
            }
        }.value
    }

    /// What the browser would do: ask the consent page, return where it redirects.
    static func consent(_ url: String, emulator: ProviderEmulator) async throws -> String {
        let components = try #require(URLComponents(string: url))
        let response = await emulator.state.respond(
            to: EmulatorRequest(
                method: "GET", path: components.path,
                query: (components.queryItems ?? []).map { (name: $0.name, value: $0.value ?? "") }))
        #expect(response.status == 302)
        return try #require(response.headers.first { $0.name == "Location" }?.value)
    }

    /// The rest of the login's output once it has exited (it talks to the in-process
    /// emulator meanwhile, so the wait is off the cooperative threads).
    static func finish(_ login: (process: Process, stdout: Pipe, stderr: Pipe, input: Pipe?)) async throws -> String {
        let process = login.process
        let stdout = login.stdout
        return try await CommandRunner.offCooperativeThreads {
            let rest = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: rest, as: UTF8.self)
        }
    }

    @Test func pastedRedirectAddressSignsInWithPKCE() async throws {
        let setup = try await Self.setUp()
        let emulator = setup.emulator
        defer { Task { await emulator.stop() } }
        let login = CommandRunner.start("calsyncctl", ["login", "work", "--no-browser", "--config", setup.config])
        try login.process.run()
        let (url, output) = try await Self.signInAddress(login.stdout)
        #expect(url.contains("code_challenge_method=S256"))
        #expect(url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A"))
        #expect(output.contains("ssh -L"))
        let redirect = try await Self.consent(url, emulator: setup.emulator)
        login.input?.fileHandleForWriting.write(Data((redirect + "\n").utf8))
        let rest = try await Self.finish(login)
        #expect(login.process.terminationStatus == 0, "\(rest)")
        let tokens = try #require(try TokenStore(path: setup.scratch.path("tokens.json")).tokens(for: "work"))
        #expect(tokens.refreshToken?.hasPrefix("1//emu") == true)
        // The email scope's ID token names the account.
        #expect(tokens.email == "user@example.com")
        // The code exchange sent the client secret and the verifier (the emulator checks both).
        let exchange = await setup.emulator.state.requests(pathPrefix: "/token")
        #expect(exchange.map(\.status) == [200])
    }

    /// `--no-browser` reads a pasted address and listens for the redirect at once; when
    /// the redirect wins, the login ends although standard input stays open (it used to
    /// wait for standard input to close).
    @Test func noBrowserLoginEndsWhenTheRedirectArrivesWhileStandardInputStaysOpen() async throws {
        let setup = try await Self.setUp()
        let emulator = setup.emulator
        defer { Task { await emulator.stop() } }
        let login = CommandRunner.start("calsyncctl", ["login", "work", "--no-browser", "--config", setup.config])
        try login.process.run()
        let (url, _) = try await Self.signInAddress(login.stdout)
        let redirect = try await Self.consent(url, emulator: setup.emulator)
        let browser = try await CommandRunner.runSystem("/usr/bin/curl", ["-fsS", "--max-time", "10", redirect])
        #expect(browser.status == 0, "\(browser.all)")
        // Standard input (login.input) is never written to nor closed. A bounded wait, not
        // a timing assertion: a login still waiting after it fails the test instead of
        // hanging it.
        let process = login.process
        let ended = try await CommandRunner.offCooperativeThreads {
            for _ in 0..<1200 where process.isRunning { usleep(50_000) }
            return !process.isRunning
        }
        if !ended { kill(login.process.processIdentifier, SIGKILL) }
        #expect(ended, "calsyncctl login still waits for standard input after the redirect arrived")
        let rest = try await Self.finish(login)
        #expect(login.process.terminationStatus == 0, "\(rest)")
        #expect(try TokenStore(path: setup.scratch.path("tokens.json")).tokens(for: "work")?.refreshToken != nil)
        _ = login.input
    }

    @Test func loopbackRedirectThenLogoutRevokes() async throws {
        let setup = try await Self.setUp()
        let emulator = setup.emulator
        defer { Task { await emulator.stop() } }
        let login = CommandRunner.start("calsyncctl", ["login", "work", "--config", setup.config])
        try login.process.run()
        let (url, _) = try await Self.signInAddress(login.stdout)
        let redirect = try await Self.consent(url, emulator: setup.emulator)
        // The browser follows the redirect to calsyncctl's loopback listener.
        let browser = try await CommandRunner.runSystem("/usr/bin/curl", ["-fsS", "--max-time", "10", redirect])
        #expect(browser.status == 0, "\(browser.all)")
        let rest = try await Self.finish(login)
        #expect(login.process.terminationStatus == 0, "\(rest)")
        let refresh = try #require(
            try TokenStore(path: setup.scratch.path("tokens.json")).tokens(for: "work")?.refreshToken)

        let logout = try await CommandRunner.run("calsyncctl", ["logout", "work", "--config", setup.config])
        #expect(logout.status == 0, "\(logout.all)")
        #expect(try TokenStore(path: setup.scratch.path("tokens.json")).tokens(for: "work") == nil)
        // The grant is gone at the provider too.
        let refreshAfter = await setup.emulator.state.respond(
            to: EmulatorRequest(
                method: "POST", path: "/token",
                headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded")],
                body: Data(
                    "client_id=login-client&client_secret=x&grant_type=refresh_token&refresh_token=\(refresh)".utf8)))
        #expect(refreshAfter.bodyJSON?["error"] == "invalid_grant")
    }
}

extension CommandRunner {
    /// Runs a system tool (not one of calsync's products).
    static func runSystem(_ path: String, _ arguments: [String]) async throws -> Result {
        try await offCooperativeThreads { try runSystemBlocking(path, arguments) }
    }

    private static func runSystemBlocking(_ path: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }
}
