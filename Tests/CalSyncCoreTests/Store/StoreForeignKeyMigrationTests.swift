import Foundation
import GRDB
import Testing

@testable import CalSyncModel
@testable import CalSyncStore

/// Version 5 rebuilds the internal tables with foreign keys to `calendars`: a store written
/// at version 4 keeps every row of its calendars, and removing a calendar afterwards
/// removes its internal rows by cascade.
struct StoreForeignKeyMigrationTests {
    static let internalTables = [
        "internal_cursors", "internal_full_syncs", "internal_full_sync_seen", "internal_held_deletions",
        "internal_quarantine", "internal_provider_notes",
    ]

    /// A version-4 store: account `a` with calendars `c` and `d`, an event and its
    /// occurrence in each, a row in every internal table for each, and one quarantine row
    /// of a calendar that is no longer in `calendars`.
    static func versionFourStore(_ path: String) async throws {
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v4")
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO meta(key, value) VALUES ('schema_version', '4');
                    INSERT INTO accounts(id, provider, auth, updated_at) VALUES ('a', 'google', 'oauth', 'now');
                    """)
            for calendar in ["c", "d"] {
                try db.execute(
                    sql: """
                        INSERT INTO calendars(account_id, id, name, access, updated_at) VALUES ('a', :calendar, :calendar, 'owner', 'now');
                        INSERT INTO events(account_id, calendar_id, id, kind, status, all_day, start, "end", start_ts, end_ts,
                            transparency, visibility, raw, synced_at)
                            VALUES ('a', :calendar, 'x', 'single', 'confirmed', 0, '2026-03-05T10:00:00Z', '2026-03-05T11:00:00Z',
                            1772704800, 1772708400, 'opaque', 'default', '{}', 'now');
                        INSERT INTO occurrences(account_id, calendar_id, instance_id, event_id, start, "end", all_day,
                            start_ts, end_ts)
                            VALUES ('a', :calendar, 'x', 'x', '2026-03-05T10:00:00Z', '2026-03-05T11:00:00Z', 0, 1772704800, 1772708400);
                        INSERT INTO sync_state(account_id, calendar_id, events_count) VALUES ('a', :calendar, 1);
                        INSERT INTO internal_cursors VALUES ('a', :calendar, 'token-' || :calendar, 'f', 'now');
                        INSERT INTO internal_full_syncs(account_id, calendar_id, started_at, existing_events, next_page,
                            next_page_fingerprint, occurrences_deferred)
                            VALUES ('a', :calendar, 'then', 7, 'page-' || :calendar, 'g', 1);
                        INSERT INTO internal_full_sync_seen VALUES ('a', :calendar, 'x'), ('a', :calendar, 'y');
                        INSERT INTO internal_held_deletions VALUES ('a', :calendar, 3, 4, 'now');
                        INSERT INTO internal_quarantine VALUES ('a', :calendar, 'q', 'unreadable', '{"id":"q"}', 'now');
                        INSERT INTO internal_provider_notes VALUES ('a', :calendar, 'k1', 'v1'), ('a', :calendar, 'k2', 'v2');
                        """,
                    arguments: ["calendar": calendar])
            }
            try db.execute(sql: "INSERT INTO internal_quarantine VALUES ('a', 'gone', 'q', 'unreadable', NULL, 'now')")
        }
    }

    /// Every row of the internal tables, as text, in a stable order.
    static func internalRows(_ db: Database) throws -> [String: [String]] {
        var rows: [String: [String]] = [:]
        for table in internalTables {
            // Version 6 adds `staged_occurrences` to `internal_full_syncs`: the columns v5 knew.
            let columns =
                table == "internal_full_syncs"
                ? "account_id, calendar_id, started_at, existing_events, next_page, next_page_fingerprint, occurrences_deferred"
                : "*"
            rows[table] = try Row.fetchAll(db, sql: "SELECT \(columns) FROM \(table) ORDER BY 1, 2, 3").map(
                \.description)
        }
        return rows
    }

    @Test func aVersionFourStoreKeepsEveryRowOfItsCalendarsAndThenCascades() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("calsync.db")
        try await Self.versionFourStore(path)
        let before = try await DatabaseQueue(path: path).read { db in try Self.internalRows(db) }
        #expect(before["internal_quarantine"]?.count == 3)

        let store = try StoreFixtures.openStore(path)
        let queue = try DatabaseQueue(path: path)
        let (version, after, events, keys) = try await queue.read { db in
            (
                try Int.fetchOne(db, sql: "PRAGMA user_version"), try Self.internalRows(db),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM events"),
                try Self.internalTables.map { try StoreCalendarRemovalTests.cascadesFromCalendars(db, $0) }
            )
        }
        #expect(version == StoreSchema.version)
        #expect(events == 2)
        #expect(keys.allSatisfy { $0 }, "\(keys)")
        // Every row of `c` and `d`, column for column; the row of the calendar that is gone
        // could never be read or removed and is not copied.
        var expected = before
        expected["internal_quarantine"]?.removeAll { $0.contains("\"gone\"") }
        #expect(after == expected)

        try await store.replaceCalendars(
            accountID: "a", calendars: [RemoteCalendar(id: "d", name: "d", access: .owner)], enabledIDs: ["d"],
            now: StoreFixtures.now)
        let (left, others) = try await queue.read { db in
            (
                try Self.internalTables.map {
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0) WHERE calendar_id = 'c'") ?? -1
                },
                try Self.internalRows(db)
            )
        }
        #expect(left.allSatisfy { $0 == 0 }, "\(left)")
        for table in Self.internalTables {
            #expect(others[table] == expected[table]?.filter { $0.contains("calendar_id:\"d\"") }, "\(table)")
        }
    }
}
