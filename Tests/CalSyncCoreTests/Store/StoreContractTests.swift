import Foundation
import GRDB
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncStore

/// Every table, view, column and index named in the store contract (docs/store.md) exists, and
/// values are written in the documented formats.
struct StoreContractTests {
    /// The contract, column by column, written from docs/store.md "Tables".
    static let contract: [String: [String]] = [
        "meta": ["key", "value"],
        "accounts": ["id", "provider", "email", "auth", "state", "state_detail", "updated_at"],
        "calendars": [
            "account_id", "id", "name", "description", "time_zone", "color", "access", "is_primary", "sync_enabled",
            "updated_at",
        ],
        "events": [
            "account_id", "calendar_id", "id", "ical_uid", "etag", "kind", "series_id", "original_start", "status",
            "summary", "description", "location", "all_day", "start", "end", "start_ts", "end_ts", "time_zone",
            "recurrence", "transparency", "visibility", "organizer", "attendees", "url", "conference_url", "event_type",
            "created", "updated", "raw", "synced_at",
        ],
        "occurrences": [
            "account_id", "calendar_id", "instance_id", "event_id", "series_id", "start", "end", "all_day", "start_ts",
            "end_ts",
        ],
        "agenda": [
            "account_id", "calendar_id", "calendar_name", "event_id", "instance_id", "summary", "location",
            "description", "start", "end", "all_day", "start_ts", "end_ts", "status", "transparency", "conference_url",
            "url",
        ],
        "changes": ["seq", "account_id", "calendar_id", "event_id", "op", "at"],
        "sync_state": [
            "account_id", "calendar_id", "last_attempt", "last_success", "last_full_sync", "next_run", "last_error",
            "consecutive_failures", "window_start", "window_end", "events_count", "occurrences_count",
            "quarantined_count",
        ],
        "outbox": [
            "id", "account_id", "calendar_id", "op", "event_id", "payload", "if_etag", "client_key", "state",
            "attempts", "result_event_id", "error", "created_at", "updated_at",
        ],
    ]

    @Test func everyContractColumnExists() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("calsync.db")
        _ = try StoreFixtures.openStore(path)
        let reader = try DatabaseQueue(
            path: path,
            configuration: {
                var c = Configuration(); c.readonly = true; return c
            }())
        try await reader.read { db in
            for (table, columns) in Self.contract {
                let present = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String }
                for column in columns {
                    #expect(present.contains(column), "\(table).\(column) is missing")
                }
            }
            #expect(try Int.fetchOne(db, sql: "PRAGMA user_version") == StoreSchema.version)
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            #expect(
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'")
                    == String(StoreSchema.version))
            #expect(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'writer'") == "calsync-tests")
            #expect(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'changes_min_seq'") == "1")
            // `occurrences` is a view over `internal_occurrences` (v6): its time index serves
            // the range queries, (start_ts) and, with the event's calendar, the calendar's.
            let indexes = try Row.fetchAll(db, sql: "PRAGMA index_list(internal_occurrences)").map {
                $0["name"] as String
            }
            var indexed: [[String]] = []
            for index in indexes {
                indexed.append(try Row.fetchAll(db, sql: "PRAGMA index_info(\(index))").map { $0["name"] as String })
            }
            #expect(indexed.contains(["start_ts", "end_ts"]))
            #expect(try String.fetchOne(db, sql: "SELECT type FROM sqlite_master WHERE name = 'occurrences'") == "view")
            // The bulk load re-creates the occurrence indexes from StoreSchema.occurrenceIndexes:
            // they must be exactly what the migrations made.
            let made = try Row.fetchAll(
                db,
                sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'internal_occurrences'"
                    + " AND sql IS NOT NULL ORDER BY name"
            ).map { "\($0["name"] as String): \($0["sql"] as String)" }
            #expect(made == StoreSchema.occurrenceIndexes.map { "\($0.name): \($0.sql)" }.sorted())
        }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
    }

    @Test func valuesAreWrittenInTheDocumentedFormats() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        var timed = StoreFixtures.timed("t1", "2026-03-10T09:30:00Z")
        // Provider milliseconds are truncated, never rounded.
        timed.start = .instant(Timestamp.parse("2026-03-10T09:30:00.999Z")!)
        timed.updated = Timestamp.parse("2026-02-01T10:00:00.123Z")
        timed.organizer = .init(email: "ada@example.com", name: nil)
        timed.attendees = [
            .init(email: "bob@example.com", name: "Bob \"B\"", response: .needsAction, optional: true, organizer: false)
        ]
        timed.summary = ""
        timed.transparency = .transparent
        let allDay = CalendarEvent(
            id: "d1", etag: "e", summary: "Holiday", start: .date(CalendarDate("2026-03-29")!),
            end: .date(CalendarDate("2026-03-30")!), raw: "{}")
        var series = StoreFixtures.timed("s1", "2026-03-02T08:00:00Z")
        series.kind = .series
        series.recurrence = ["RRULE:FREQ=DAILY;COUNT=3"]
        _ = try await StoreFixtures.apply(store, upserts: [timed, allDay, series], cursor: .delta("tok"))

        let reader = try StoreReader(path: store.path)
        _ = reader
        let queue = try DatabaseQueue(
            path: store.path,
            configuration: {
                var c = Configuration(); c.readonly = true; return c
            }())
        try await queue.read { db in
            let t = try #require(try Row.fetchOne(db, sql: "SELECT * FROM events WHERE id = 't1'"))
            #expect(t["start"] == "2026-03-10T09:30:00Z")
            #expect(t["start_ts"] == Int64(Timestamp.parse("2026-03-10T09:30:00Z")!.timeIntervalSince1970))
            #expect(t["updated"] == "2026-02-01T10:00:00Z")
            #expect(t["all_day"] == 0)
            #expect(t["summary"] == nil as String?)
            #expect(t["transparency"] == "transparent")
            #expect(t["organizer"] == #"{"email":"ada@example.com","name":null}"#)
            #expect(
                t["attendees"]
                    == #"[{"email":"bob@example.com","name":"Bob \"B\"","response":"needs_action","optional":true,"organizer":false}]"#
            )
            #expect(t["recurrence"] == nil as String?)
            let d = try #require(try Row.fetchOne(db, sql: "SELECT * FROM events WHERE id = 'd1'"))
            #expect(d["start"] == "2026-03-29")
            #expect(d["end"] == "2026-03-30")
            #expect(d["all_day"] == 1)
            // Midnight in the calendar's zone (Europe/Berlin, still CET on March 29 at 00:00).
            #expect(d["start_ts"] == Int64(Timestamp.parse("2026-03-28T23:00:00Z")!.timeIntervalSince1970))
            let s = try #require(try Row.fetchOne(db, sql: "SELECT * FROM events WHERE id = 's1'"))
            #expect(s["recurrence"] == #"["RRULE:FREQ=DAILY;COUNT=3"]"#)
            #expect(s["kind"] == "series")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM occurrences WHERE series_id = 's1'") == 3)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM agenda") == 5)
            let state = try #require(try Row.fetchOne(db, sql: "SELECT * FROM sync_state"))
            #expect(state["events_count"] == 3)
            #expect(state["occurrences_count"] == 5)
            #expect(state["window_start"] == "2026-01-30T00:00:00Z")
            let at: String = try #require(try String.fetchOne(db, sql: "SELECT at FROM changes LIMIT 1"))
            #expect(Timestamp.parse(at) != nil && at.hasSuffix("Z") && at.count == 20)
            #expect(try String.fetchOne(db, sql: "SELECT token FROM internal_cursors") == "tok")
        }
    }

    @Test func noSecretColumnExists() async throws {
        let directory = try TemporaryDirectory()
        _ = try StoreFixtures.openStore(directory.path("calsync.db"))
        let queue = try DatabaseQueue(path: directory.path("calsync.db"))
        let columns = try await queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'").flatMap { table in
                try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String }
            }
        }
        #expect(!columns.contains { $0.contains("secret") || $0.contains("refresh") || $0.contains("access_token") })
    }
}
