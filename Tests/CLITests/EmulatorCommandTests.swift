import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `calsync-emulator` as a user starts it: help, start-up, both APIs, clean stop.
@Suite(.serialized) struct EmulatorCommandTests {
    @Test func helpDocumentsTheControlAPI() async throws {
        let help = try await CommandRunner.run("calsync-emulator", ["--help"])
        #expect(help.status == 0)
        for endpoint in ["/_emulator/faults", "/_emulator/tokens", "/_emulator/google/calendars", "/_emulator/graph"] {
            #expect(help.stdout.contains(endpoint), "--help should document \(endpoint)")
        }
        let bad = try await CommandRunner.run("calsync-emulator", ["--generate", "-3"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--generate"))
        let missing = try await CommandRunner.run(
            "calsync-emulator", ["--port", "0", "--data", "/nonexistent/data.json"])
        #expect(missing.status == 78)
        #expect(missing.stderr.contains("/nonexistent/data.json"))
    }

    @Test func servesBothProvidersWithGeneratedEventsAndStopsOnSIGTERM() async throws {
        let scratch = try Scratch()
        let emulator = try await EmulatorProcess(["--generate", "1000"], scratch: scratch)
        let base = emulator.baseURL

        func curl(_ arguments: [String]) async throws -> String {
            let result = try await CommandRunner.runSystem("/usr/bin/curl", ["-fsS", "--max-time", "10"] + arguments)
            #expect(result.status == 0, "\(result.all)")
            return result.stdout
        }
        func token(_ provider: String) async throws -> String {
            let body = try await curl([
                "-X", "POST", "\(base)/_emulator/tokens", "-d", "{\"provider\":\"\(provider)\"}",
            ])
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            return try #require(object?["access_token"] as? String)
        }
        let googleToken = try await token("google")
        let google = try await curl([
            "-H", "Authorization: Bearer \(googleToken)",
            "\(base)/calendar/v3/calendars/primary/events?maxResults=2500",
        ])
        let googleItems = (try JSONSerialization.jsonObject(with: Data(google.utf8)) as? [String: Any])?["items"]
        #expect((googleItems as? [Any])?.count == 1000)
        let graphToken = try await token("microsoft")
        let graph = try await curl([
            "-H", "Authorization: Bearer \(graphToken)", "\(base)/v1.0/me/calendars",
        ])
        #expect(graph.contains("\"isDefaultCalendar\":true"))

        kill(emulator.process.processIdentifier, SIGTERM)
        emulator.process.waitUntilExit()
        #expect(emulator.process.terminationReason == .exit)
        #expect(emulator.process.terminationStatus == 0)
    }
}
