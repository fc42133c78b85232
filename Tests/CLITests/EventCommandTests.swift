import CalSyncModel
import CalSyncRecurrence
import CalSyncStore
import Foundation
import GRDB
import Logging
import Testing

/// `calsyncctl event add|update|delete` and `outbox`, run as processes against a store
/// with one calendar: rows are queued before anything is sent, checked first, refused for a
/// read-only account, and `--wait` without a daemon says so with exit 69.
struct EventCommandTests {
    /// A configuration with `work` (write = true) and `reader` (read-only), and a store in
    /// which `work` has calendar `primary` ("Work") with event `x`.
    static func prepared() async throws -> (scratch: Scratch, configuration: String, store: String) {
        let scratch = try Scratch()
        let secret = try scratch.write("secret", "s")
        let storePath = scratch.path("state/calsync.db")
        let configuration = try scratch.write(
            "calsync.toml",
            """
            [store]
            path = "\(storePath)"

            [[account]]
            name = "work"
            provider = "google"
            client_id = "id.apps.googleusercontent.com"
            client_secret_file = "\(secret)"
            write = true

            [[account]]
            name = "reader"
            provider = "google"
            client_id = "id.apps.googleusercontent.com"
            client_secret_file = "\(secret)"

            """)
        let now = Date()
        let store = try CalendarStore(
            path: storePath, writerName: "tests", expander: RecurrenceExpander(), logger: Logger(label: "test"))
        for account in ["work", "reader"] {
            try await store.upsertAccount(
                id: account, provider: "google", auth: "oauth", email: nil, state: .ok, stateDetail: nil, now: now)
            try await store.replaceCalendars(
                accountID: account,
                calendars: [
                    RemoteCalendar(id: "primary", name: "Work", timeZone: "UTC", access: .owner, isPrimary: true)
                ],
                enabledIDs: ["primary"], now: now)
        }
        let start = Timestamp.parse("2026-03-05T10:00:00Z")!
        _ = try await store.applyPage(
            ChangePage(upserts: [
                CalendarEvent(
                    id: "x", etag: "\"etag-x\"", summary: "Standup", start: .instant(start),
                    end: .instant(start.addingTimeInterval(900)), raw: #"{"id":"x"}"#)
            ]), accountID: "work", calendarID: "primary", cursor: .page("p"), fingerprint: "f", mode: .incremental,
            window: SyncWindow.around(now, past: .seconds(86_400 * 400), future: .seconds(86_400 * 400)), now: now)
        return (scratch, configuration, storePath)
    }

    static func outbox(_ store: String) throws -> [Row] {
        try DatabaseQueue(path: store).read { db in try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY id") }
    }

    /// No daemon answers on this socket.
    static func environment(_ scratch: Scratch) -> [String: String] {
        ["CALSYNC_CONTROL_SOCKET": scratch.path("no-daemon.sock")]
    }

    @Test func addQueuesARowBeforeAnythingIsSentAndWaitWithoutADaemonIs69() async throws {
        let (scratch, configuration, store) = try await Self.prepared()
        let env = Self.environment(scratch)
        let added = try await CommandRunner.run(
            "calsyncctl",
            [
                "event", "add", "work/primary", "--summary", "Lunch", "--start", "2026-03-06T12:00:00+01:00", "--end",
                "2026-03-06T13:00:00+01:00", "--json", "--config", configuration,
            ], environment: env)
        #expect(added.status == 0, "\(added.all)")
        #expect(added.stdout.contains(#""state":"pending""#))
        var rows = try Self.outbox(store)
        #expect(rows.count == 1)
        #expect(
            rows.first?["payload"] as String?
                == #"{"all_day":false,"end":"2026-03-06T12:00:00Z","start":"2026-03-06T11:00:00Z","summary":"Lunch"}"#)
        #expect(ClientKey.isValid(rows.first?["client_key"] as String? ?? ""))

        // --config before the command; by the calendar's name; all-day; --wait without a daemon.
        let waited = try await CommandRunner.run(
            "calsyncctl",
            [
                "--config", configuration, "event", "add", "work/Work", "--summary", "Off", "--all-day", "--start",
                "2026-03-09", "--end", "2026-03-10", "--wait",
            ], environment: env)
        #expect(waited.status == 69, "\(waited.all)")
        #expect(waited.stderr.contains("calsyncd is not running: the write stays queued"))
        rows = try Self.outbox(store)
        #expect(rows.count == 2)
        #expect(rows.last?["state"] as String? == "pending")
        #expect(rows.last?["calendar_id"] as String? == "primary")
    }

    @Test func updateAndDeleteCarryTheStoredEtagAndBadRequestsQueueNothing() async throws {
        let (scratch, configuration, store) = try await Self.prepared()
        let env = Self.environment(scratch)
        let updated = try await CommandRunner.run(
            "calsyncctl", ["event", "update", "work/primary", "x", "--location", "Room 2", "--config", configuration],
            environment: env)
        #expect(updated.status == 0, "\(updated.all)")
        let forced = try await CommandRunner.run(
            "calsyncctl", ["event", "delete", "work/primary", "x", "--force", "--config", configuration],
            environment: env)
        #expect(forced.status == 0, "\(forced.all)")
        let piped = try await CommandRunner.run(
            "calsyncctl", ["event", "update", "work/primary", "x", "--json-input", "-", "--config", configuration],
            environment: env, input: #"{"description":"From a script","transparency":"transparent"}"#)
        #expect(piped.status == 0, "\(piped.all)")
        let rows = try Self.outbox(store)
        #expect(rows.map { $0["if_etag"] as String? } == ["\"etag-x\"", "*", "\"etag-x\""])
        #expect(rows.last?["payload"] as String? == #"{"description":"From a script","transparency":"transparent"}"#)

        let unknown = try await CommandRunner.run(
            "calsyncctl", ["event", "delete", "work/primary", "nope", "--config", configuration], environment: env)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains(#"no event or occurrence "nope""#))
        let typo = try await CommandRunner.run(
            "calsyncctl", ["event", "update", "work/primary", "x", "--json-input", "-", "--config", configuration],
            environment: env, input: #"{"colour":"red"}"#)
        #expect(typo.status == 2)
        #expect(typo.stderr.contains(#"unknown member "colour""#))
        let readOnly = try await CommandRunner.run(
            "calsyncctl",
            [
                "event", "add", "reader/primary", "--summary", "No", "--start", "2026-03-06T12:00:00Z", "--end",
                "2026-03-06T13:00:00Z", "--config", configuration,
            ], environment: env)
        #expect(readOnly.status == 1)
        #expect(readOnly.stderr.contains("account reader is read-only: set write = true"))
        #expect(try Self.outbox(store).count == 3)
    }

    @Test func outboxListsRetriesAndDropsAndStatusCountsTheWrites() async throws {
        let (scratch, configuration, store) = try await Self.prepared()
        let env = Self.environment(scratch)
        for id in ["x", "x"] {
            let queued = try await CommandRunner.run(
                "calsyncctl", ["event", "delete", "work/primary", id, "--config", configuration], environment: env)
            #expect(queued.status == 0, "\(queued.all)")
        }
        try await DatabaseQueue(path: store).write { db in
            try db.execute(sql: "UPDATE outbox SET state = 'failed', error = 'HTTP 400 bad' WHERE id = 1")
        }
        let listed = try await CommandRunner.run("calsyncctl", ["outbox", "--config", configuration], environment: env)
        #expect(listed.status == 0, "\(listed.all)")
        #expect(listed.stdout.contains("#1 failed delete work/primary x"))
        #expect(listed.stdout.contains("HTTP 400 bad"))
        let json = try await CommandRunner.run(
            "calsyncctl", ["--config", configuration, "outbox", "--json"], environment: env)
        #expect(json.stdout.contains(#""state" : "pending""#), "\(json.all)")

        let status = try await CommandRunner.run(
            "calsyncctl", ["status", "--json", "--config", configuration], environment: env)
        #expect(status.stdout.contains(#""writes" : {"#), "\(status.all)")
        #expect(status.stdout.contains(#""failed" : 1"#))

        let pendingRetry = try await CommandRunner.run(
            "calsyncctl", ["outbox", "retry", "2", "--config", configuration], environment: env)
        #expect(pendingRetry.status == 2)
        let retried = try await CommandRunner.run(
            "calsyncctl", ["outbox", "retry", "1", "--force", "--config", configuration], environment: env)
        #expect(retried.status == 0, "\(retried.all)")
        let dropped = try await CommandRunner.run(
            "calsyncctl", ["outbox", "drop", "2", "--config", configuration], environment: env)
        #expect(dropped.status == 0, "\(dropped.all)")
        let rows = try Self.outbox(store)
        #expect(rows.map { $0["id"] as Int64 } == [1])
        #expect(rows.first?["state"] as String? == "pending")
        #expect(rows.first?["if_etag"] as String? == "*")
    }
}

/// `calsyncd --once` sends the outbox after syncing: a row it cannot send yet (the account
/// is not signed in) stays pending with the reason, and the run exits 1 at once, without
/// waiting out the retries.
struct OnceOutboxCommandTests {
    @Test func onceSendsTheOutboxAndLeavesARowItCannotSendPending() async throws {
        let (scratch, configuration, store) = try await EventCommandTests.prepared()
        let env = EventCommandTests.environment(scratch)
        let queued = try await CommandRunner.run(
            "calsyncctl",
            [
                "event", "add", "work/primary", "--summary", "Lunch", "--start", "2026-03-06T12:00:00Z", "--end",
                "2026-03-06T13:00:00Z", "--config", configuration,
            ], environment: env)
        #expect(queued.status == 0, "\(queued.all)")
        let once = try await CommandRunner.run("calsyncd", ["--once", "--config", configuration], environment: env)
        #expect(once.status == 1, "\(once.all)")
        #expect(once.stdout.contains("outbox #1 create work/primary: still pending"), "\(once.all)")
        let rows = try EventCommandTests.outbox(store)
        #expect(rows.first?["state"] as String? == "pending")
        #expect(rows.first?["attempts"] as Int? == 1)
        #expect((rows.first?["error"] as String?)?.contains("not signed in") == true)
    }
}
