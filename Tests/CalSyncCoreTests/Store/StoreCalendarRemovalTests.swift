import Foundation
import GRDB
import Testing

@testable import CalSyncModel
@testable import CalSyncStore

/// Removing a calendar removes every row of it, whichever table holds it, and nothing of
/// another calendar; the store's list of per-calendar tables names them all.
struct StoreCalendarRemovalTests {
    /// Tables with both `account_id` and `calendar_id` that are not rows of a calendar:
    /// `changes` is the log that records the removal, `outbox` is keyed by its own id.
    static let notCalendarRows: Set<String> = ["changes", "outbox"]

    static func tablesKeyedByCalendar(_ db: Database) throws -> Set<String> {
        var keyed = Set<String>()
        let tables = try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        for table in tables {
            let columns = Set(try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String })
            if columns.isSuperset(of: ["account_id", "calendar_id"]) { keyed.insert(table) }
        }
        return keyed.subtracting(notCalendarRows)
    }

    /// One row in each internal table for calendar `calendar` of account `a`.
    static func fillInternalTables(_ db: Database, calendar: String) throws {
        try db.execute(
            sql: """
                INSERT INTO internal_cursors VALUES ('a', :calendar, 't', 'f', 'now');
                INSERT INTO internal_full_syncs(account_id, calendar_id, started_at, existing_events)
                    VALUES ('a', :calendar, 'now', 1);
                INSERT INTO internal_full_sync_seen VALUES ('a', :calendar, 'x');
                INSERT INTO internal_held_deletions VALUES ('a', :calendar, 1, 2, 'now');
                INSERT INTO internal_quarantine VALUES ('a', :calendar, 'q', 'unreadable', NULL, 'now');
                INSERT INTO internal_provider_notes VALUES ('a', :calendar, 'k', 'v');
                """,
            arguments: ["calendar": calendar])
    }

    static func rows(_ db: Database, calendar: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in try tablesKeyedByCalendar(db) {
            counts[table] =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM \(table) WHERE account_id = 'a' AND calendar_id = :calendar",
                    arguments: ["calendar": calendar]) ?? -1
        }
        return counts
    }

    @Test func theListOfCalendarTablesNamesEveryTableKeyedByCalendar() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let queue = try DatabaseQueue(path: store.path)
        let keyed = try await queue.read { db in try Self.tablesKeyedByCalendar(db) }
        #expect(keyed == Set(StoreSchema.calendarTables.map(\.name)))
        for (table, cascades) in StoreSchema.calendarTables {
            let cascading = try await queue.read { db in try Self.cascadesFromCalendars(db, table) }
            #expect(cascading == cascades, "\(table)")
        }
    }

    /// Whether `table` has a foreign key (account_id, calendar_id) → calendars ON DELETE CASCADE.
    static func cascadesFromCalendars(_ db: Database, _ table: String) throws -> Bool {
        let keys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_list(\(table))")
        let toCalendars = keys.filter { ($0["table"] as String) == "calendars" }
        return Set(toCalendars.map { $0["from"] as String }) == ["account_id", "calendar_id"]
            && toCalendars.allSatisfy { ($0["on_delete"] as String) == "CASCADE" }
    }

    @Test func removingACalendarEmptiesEveryTableOfItAndKeepsTheOthers() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let calendars = ["c", "d"].map {
            RemoteCalendar(id: $0, name: $0, timeZone: "Europe/Berlin", access: .owner, isPrimary: $0 == "c")
        }
        try await store.replaceCalendars(accountID: "a", calendars: calendars, enabledIDs: ["c", "d"], now: .now)
        for calendar in ["c", "d"] {
            _ = try await store.applyPage(
                ChangePage(upserts: [StoreFixtures.timed("e-\(calendar)", "2026-03-05T10:00:00Z")]), accountID: "a",
                calendarID: calendar, cursor: .page("p"), fingerprint: "f", mode: .incremental,
                window: StoreFixtures.window, now: StoreFixtures.now)
        }
        let queue = try DatabaseQueue(path: store.path)
        try await queue.write { db in
            for calendar in ["c", "d"] { try Self.fillInternalTables(db, calendar: calendar) }
        }
        let before = try await queue.read { db in try Self.rows(db, calendar: "c") }
        #expect(before.values.allSatisfy { $0 > 0 }, "\(before)")

        try await store.replaceCalendars(
            accountID: "a", calendars: [calendars[1]], enabledIDs: ["d"], now: StoreFixtures.now)

        let (removed, kept, deletions) = try await queue.read { db in
            (
                try Self.rows(db, calendar: "c"), try Self.rows(db, calendar: "d"),
                try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM changes WHERE calendar_id = 'c' AND op = 'delete' AND event_id = 'e-c'")
            )
        }
        #expect(removed.values.allSatisfy { $0 == 0 }, "\(removed)")
        #expect(kept == before, "\(kept)")
        #expect(deletions == 1)
    }
}
