import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncGoogle
import CalSyncModel
import Foundation
import GRDB
import Testing

/// `calsyncctl event add --wait` with the service running: the row is queued, the daemon
/// woken through its control socket sends it, the journal logs the write with its
/// MESSAGE_ID, and `--wait` answers with how it ended: done (exit 0, the event in the
/// agenda and at the provider) once the providers write, until then failed (exit 1).
@Suite(.serialized) struct DaemonWriteBackTests {
    static let providersWrite = (GoogleProvider.self as Any.Type) is any CalendarWriting.Type

    @Test func eventAddWaitsForTheRunningDaemonsAnswer() async throws {
        let emulator = try await ProviderEmulator.start()
        defer { Task { await emulator.stop() } }
        let scratch = try Scratch()
        try scratch.write("secret", "write-back-secret")
        let config = try scratch.write(
            "calsync.toml",
            """
            [store]
            path = "\(scratch.path("calsync.db"))"
            tokens_path = "\(scratch.path("tokens.json"))"

            [sync]
            interval = "1h"

            [[account]]
            name = "work"
            provider = "google"
            client_id = "write-client"
            client_secret_file = "\(scratch.path("secret"))"
            calendars = ["primary"]
            api_url = "\(emulator.baseURL)/calendar/v3"
            token_url = "\(emulator.baseURL)/token"
            write = true

            """)
        let refresh = await emulator.state.issueTokens(provider: .google, clientID: "write-client").refreshToken
        let login = try await CommandRunner.run(
            "calsyncctl", ["login", "work", "--config", config, "--refresh-token-file", "-"], input: refresh + "\n")
        #expect(login.status == 0, "\(login.all)")

        let daemon = try DaemonServiceTests.Daemon.start(config: config, scratch: scratch)
        let synced = await daemon.notify.wait { message in
            message.assignments.contains { $0.hasPrefix("STATUS=1 account, 1 calendar ok · last sync") }
        }
        #expect(synced != nil, "\(daemon.notify.messages.map(\.text))")

        let start = Timestamp.string(from: Date().addingTimeInterval(86_400))
        let end = Timestamp.string(from: Date().addingTimeInterval(86_400 + 1800))
        let added = try await CommandRunner.run(
            "calsyncctl",
            [
                "event", "add", "work/user@example.com", "--summary", "From the CLI", "--start", start, "--end", end,
                "--wait", "--config", config,
            ], environment: daemon.environment)
        let written = await daemon.journal.wait {
            $0.journalFields["MESSAGE_ID"] == MessageID.eventWritten
        }
        #expect(written?.journalFields["CALSYNC_OUTBOX_ID"] == "1")
        if Self.providersWrite {
            #expect(added.status == 0, "\(added.all)")
            #expect(added.stdout.contains("outbox #1 create work/user@example.com: done"), "\(added.all)")
            let inAgenda = try await DatabaseQueue(path: scratch.path("calsync.db")).read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM agenda WHERE summary = 'From the CLI'")
            }
            #expect(inAgenda == 1)
            #expect(written?.journalFields["CALSYNC_STATE"] == "done")
        } else {
            #expect(added.status == 1, "\(added.all)")
            #expect(added.stdout.contains("failed: work's provider cannot write events"), "\(added.all)")
            #expect(written?.journalFields["CALSYNC_STATE"] == "failed")
        }
        #expect(await daemon.terminate() == 0)
    }
}
