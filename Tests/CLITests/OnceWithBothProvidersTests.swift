import Foundation
import GRDB
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A Google and a Microsoft account in one configuration, against a `calsync-emulator`
/// process, signed in as the demo does (`POST /_emulator/tokens` piped into `calsyncctl
/// login NAME --refresh-token-file -`): one `calsyncd --once` syncs both (issue 6).
@Suite(.serialized) struct OnceWithBothProvidersTests {
    @Test func onceSyncsAGoogleAndAMicrosoftAccountSideBySide() async throws {
        let scratch = try Scratch()
        let emulator = try await EmulatorProcess(["--generate", "300", "--seed", "7"], scratch: scratch)
        let base = emulator.baseURL
        func curl(_ arguments: [String]) async throws -> [String: Any] {
            let result = try await CommandRunner.runSystem("/usr/bin/curl", ["-fsS", "--max-time", "30"] + arguments)
            #expect(result.status == 0, "\(result.all)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }

        try scratch.write("client_secret", "once-both-secret")
        let config = try scratch.write(
            "calsync.toml",
            """
            [store]
            path = "\(scratch.path("calsync.db"))"
            tokens_path = "\(scratch.path("tokens.json"))"

            [sync]
            window_past = "400d"
            window_future = "400d"

            [[account]]
            name = "home"
            provider = "google"
            client_id = "once-client.apps.googleusercontent.com"
            client_secret_file = "\(scratch.path("client_secret"))"
            calendars = ["primary"]
            api_url = "\(base)/calendar/v3"
            token_url = "\(base)/token"

            [[account]]
            name = "office"
            provider = "microsoft"
            client_id = "once-public-client"
            graph_url = "\(base)/v1.0"
            login_url = "\(base)"
            """)
        for (name, provider, client) in [
            ("home", "google", "once-client.apps.googleusercontent.com"), ("office", "microsoft", "once-public-client"),
        ] {
            let tokens = try await curl([
                "-X", "POST", "\(base)/_emulator/tokens", "-d",
                "{\"provider\": \"\(provider)\", \"client_id\": \"\(client)\"}",
            ])
            let refresh = try #require(tokens["refresh_token"] as? String)
            let login = try await CommandRunner.run(
                "calsyncctl", ["login", name, "--config", config, "--refresh-token-file", "-"], input: refresh + "\n")
            #expect(login.status == 0, "\(login.all)")
        }

        let once = try await CommandRunner.run("calsyncd", ["--once", "--config", config])
        #expect(once.status == 0, "\(once.all)")

        // The truth: Google's live events (cancelled exceptions included), Graph's singles,
        // masters and live exceptions.
        let googleTruth = Set(
            (try await curl(["\(base)/_emulator/google/calendars/user@example.com/events"])["items"] as? [[String: Any]]
                ?? [])
                .compactMap { $0["id"] as? String })
        let graphCalendars = try await curl(["\(base)/_emulator/graph/calendars"])["calendars"] as? [String] ?? []
        var graphTruth: Set<String> = []
        for calendar in graphCalendars {
            let events =
                try await curl(["\(base)/_emulator/graph/calendars/\(calendar)/events"])["value"] as? [[String: Any]]
            graphTruth.formUnion((events ?? []).compactMap { $0["id"] as? String })
        }
        #expect(googleTruth.count > 250)
        #expect(graphTruth.count > 150)

        let queue = try DatabaseQueue(path: scratch.path("calsync.db"))
        let (home, office, states) = try await queue.read { db in
            (
                Set(try String.fetchAll(db, sql: "SELECT id FROM events WHERE account_id = 'home'")),
                Set(
                    try String.fetchAll(
                        db, sql: "SELECT id FROM events WHERE account_id = 'office' AND status != 'cancelled'")),
                try String.fetchAll(db, sql: "SELECT id || ':' || state FROM accounts ORDER BY id")
            )
        }
        #expect(home == googleTruth)
        // The window covers everything generated (180 days back to 365 ahead).
        #expect(office == graphTruth)
        #expect(states == ["home:ok", "office:ok"])
    }
}
