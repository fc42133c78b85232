import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncModel
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` of `calsyncd --once` in the middle of a long sync, again and again: no page
/// is ever half-applied, and a clean run afterwards leaves the store equal to the server.
@Suite(.serialized) struct DaemonCrashTests {
    static let calendar = "user@example.com"

    @Test func killedTenTimesMidSyncThenACleanRunEqualsTheServer() async throws {
        var options = EmulatorOptions()
        options.googleMaximumPageSize = 100
        let emulator = try await ProviderEmulator.start(options: options)
        defer { Task { await emulator.stop() } }
        // 5,000 events in pages of 100: a 50-page full sync, slowed a little per page.
        try await emulator.state.generateGoogleEvents(calendarID: Self.calendar, count: 5000, seed: 21)
        await emulator.state.injectFault(
            Fault(pathPrefix: "/calendar/v3/calendars/", count: 1_000_000, delay: .milliseconds(15), outcome: .none))

        let scratch = try Scratch()
        try scratch.write("secret", "crash-test-secret")
        let config = try scratch.write(
            "calsync.toml",
            """
            [store]
            path = "\(scratch.path("calsync.db"))"
            tokens_path = "\(scratch.path("tokens.json"))"

            [[account]]
            name = "work"
            provider = "google"
            client_id = "crash-client"
            client_secret_file = "\(scratch.path("secret"))"
            calendars = ["primary"]
            api_url = "\(emulator.baseURL)/calendar/v3"
            token_url = "\(emulator.baseURL)/token"
            """)
        let refresh = await emulator.state.issueTokens(provider: .google, clientID: "crash-client").refreshToken
        let login = try await CommandRunner.run(
            "calsyncctl", ["login", "work", "--config", config, "--refresh-token-file", "-"], input: refresh + "\n")
        #expect(login.status == 0, "\(login.all)")

        var random = SeededRandom(seed: 99)
        var killedMidway = 0
        for round in 0..<10 {
            let daemon = CommandRunner.start("calsyncd", ["--once", "--config", config])
            daemon.process.standardOutput = FileHandle.nullDevice
            daemon.process.standardError = FileHandle.nullDevice
            try daemon.process.run()
            try await Task.sleep(for: .milliseconds(Int.random(in: 150...1500, using: &random)))
            if daemon.process.isRunning {
                kill(daemon.process.processIdentifier, SIGKILL)
                killedMidway += 1
            }
            daemon.process.waitUntilExit()
            // The server keeps changing between crashes.
            if round % 3 == 1 {
                let ids = try await emulator.state.googleEvents(calendarID: Self.calendar).compactMap {
                    $0["id"]?.stringValue
                }.filter { !$0.contains("_") }
                let edited = ids[Int.random(in: 0..<ids.count, using: &random)]
                try await emulator.state.editGoogleEvent(
                    calendarID: Self.calendar, eventID: edited,
                    .object([("summary", .string("Edited in round \(round)"))]))
                try await emulator.state.deleteGoogleEvent(
                    calendarID: Self.calendar, eventID: ids[Int.random(in: 0..<ids.count, using: &random)])
            }
        }
        #expect(killedMidway >= 5, "most runs must be killed mid-sync, not after it")

        await emulator.state.clearFaults()
        let clean = try await CommandRunner.run("calsyncd", ["--once", "--config", config])
        #expect(clean.status == 0, "\(clean.all)")

        let queue = try DatabaseQueue(path: scratch.path("calsync.db"))
        let stored = try await queue.read { db in
            try Row.fetchAll(db, sql: "SELECT id, etag FROM events WHERE account_id = 'work'").map {
                (String($0["id"] as String), String($0["etag"] as String))
            }
        }
        let truth = try await emulator.state.googleEvents(calendarID: Self.calendar).map {
            ($0["id"]?.stringValue ?? "", $0["etag"]?.stringValue ?? "")
        }
        #expect(stored.count == Set(stored.map(\.0)).count, "no duplicate rows")
        #expect(Dictionary(uniqueKeysWithValues: stored) == Dictionary(uniqueKeysWithValues: truth))
        let integrity = try await queue.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
        // Every change recorded refers to an event that exists or was deleted.
        let orphanChanges = try await queue.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM changes c WHERE c.op != 'delete'
                      AND NOT EXISTS (SELECT 1 FROM events e WHERE e.account_id = c.account_id
                                      AND e.calendar_id = c.calendar_id AND e.id = c.event_id)
                      AND NOT EXISTS (SELECT 1 FROM changes d WHERE d.account_id = c.account_id
                                      AND d.calendar_id = c.calendar_id AND d.event_id = c.event_id
                                      AND d.op = 'delete' AND d.seq > c.seq)
                    """) ?? -1
        }
        #expect(orphanChanges == 0)
    }
}
