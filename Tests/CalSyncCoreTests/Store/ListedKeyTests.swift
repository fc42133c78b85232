import Foundation
import GRDB
import Testing

@testable import CalSyncModel
@testable import CalSyncStore

/// Stored occurrence ids found by their integer key (``ListedKey``, StoreSchema v9): the
/// key itself, the migration that keys a version 8 store's ids, and ids that share a key.
struct ListedKeyTests {
    typealias Listed = ListedOccurrencesTests

    @Test func theKeyIsFNV1aCutToFortyEightBits() {
        // FNV-1a 64's published test vectors, cut to their low 48 bits.
        #expect(ListedKey.of("") == 0x9ce4_8422_2325)
        #expect(ListedKey.of("a") == 0xdc4c_8601_ec8c)
        #expect(ListedKey.of("foobar") == 0x4171_f739_67e8)
        // Never negative, so SQLite stores it in six bytes.
        for id in ["AAMkAGI2TG93AAA=", "x_20260302T080000Z", "réunion", String(repeating: "A", count: 300)] {
            #expect((0..<(1 << 48)).contains(ListedKey.of(id)))
        }
    }

    @Test func aVersionEightStoreKeysEveryStoredIDAndKeepsFindingThem() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("calsync.db")
        try await StoreFixtures.olderStore(
            path, upTo: "v8",
            sql: """
                INSERT INTO internal_occurrences(event, start_ts, end_ts, instance_id) VALUES
                    (1, 1772438400, 1772440200, 'AAo1'), (1, 1772524800, 1772526600, 'AAo2'),
                    (1, 1772611200, 1772613000, NULL);
                INSERT INTO internal_listed_staged(calendar, seq, event, start_ts, end_ts, instance_id) VALUES
                    (1, 1, 1, 1772697600, 1772699400, 'AAo4');
                """)
        let store = try StoreFixtures.openStore(path)
        let keys = try await DatabaseQueue(path: path).read { db in
            (
                try Row.fetchAll(db, sql: "SELECT instance_id, listed_key FROM internal_occurrences ORDER BY start_ts")
                    .map { [$0["instance_id"] as String?, ($0["listed_key"] as Int64?).map(String.init)] },
                try Row.fetchAll(db, sql: "SELECT instance_id, listed_key FROM internal_listed_staged")
                    .map { [$0["instance_id"] as String?, ($0["listed_key"] as Int64?).map(String.init)] },
                try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE tbl_name = 'internal_occurrences' AND type = 'index'"
                ),
                try Int.fetchOne(db, sql: "PRAGMA user_version")
            )
        }
        let key = { (id: String) in String(ListedKey.of(id)) }
        #expect(keys.0 == [["AAo1", key("AAo1")], ["AAo2", key("AAo2")], [nil, nil]])
        #expect(keys.1 == [["AAo4", key("AAo4")]])
        #expect(
            Set(keys.2)
                == ["internal_occurrences_by_time", "internal_occurrences_by_listed_key"])
        #expect(keys.3 == 9)
        // The ids stored before the migration are found by their keys: moved, removed.
        _ = try await Listed.apply(
            store, listed: [Listed.occurrence("AAo2", "2026-03-06T09:00:00Z")], removed: ["AAo1"])
        #expect(
            try await Listed.rows(store, "SELECT instance_id || ' ' || start FROM occurrences ORDER BY start_ts") == [
                "m_20260304T080000Z 2026-03-04T08:00:00Z", "AAo2 2026-03-06T09:00:00Z",
            ])
    }

    /// Two ids of one key (found by a birthday search over random ids: about 17 million
    /// keys in, as 48 bits let one expect).
    static let sharing = ("AAixscuFI8oJMA", "AA8UsZ7tnNwGBA")

    @Test func idsThatShareAKeyStayApart() async throws {
        let (first, second) = Self.sharing
        #expect(ListedKey.of(first) == ListedKey.of(second))
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        _ = try await Listed.apply(
            store, upserts: [Listed.master],
            listed: [
                Listed.occurrence(first, "2026-03-02T08:00:00Z"), Listed.occurrence(second, "2026-03-03T08:00:00Z"),
                Listed.occurrence("AAo3", "2026-03-04T08:00:00Z"),
            ])
        // The first moves and AAo3 goes: the second, under the same key, stays where it was.
        _ = try await Listed.apply(store, listed: [Listed.occurrence(first, "2026-03-05T08:00:00Z")], removed: ["AAo3"])
        #expect(try await Listed.instanceIDs(store) == [second, first])
        let etag = { (id: String) in
            try await DatabaseQueue(path: store.path).read { db in
                try String.fetchOne(
                    db, sql: OccurrenceByInstanceID.etag,
                    arguments: OccurrenceByInstanceID.arguments(accountID: "a", calendarID: "c", instanceID: id))
            }
        }
        #expect(try await etag(second) == "e1")
        // And goes when it is removed, the first staying.
        _ = try await Listed.apply(store, removed: [second])
        #expect(try await Listed.instanceIDs(store) == [first])
        #expect(try await etag(second) == nil)
        #expect(try await etag(first) == "e1")
    }

    @Test func aFirstListingThatListsAnIDTwiceKeepsItsNewestRowBesideAnIDOfTheSameKey() async throws {
        let (first, second) = Self.sharing
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        _ = try await Listed.apply(
            store, upserts: [Listed.master],
            listed: [
                Listed.occurrence(first, "2026-03-02T08:00:00Z"), Listed.occurrence(second, "2026-03-03T08:00:00Z"),
            ], mode: .fullSync)
        // The round lists the first again, moved: its newest row wins at the publish, and
        // the second (same key, listed once) stays.
        _ = try await Listed.apply(
            store, listed: [Listed.occurrence(first, "2026-03-06T08:00:00Z")], mode: ListedFirstListingTests.end,
            cursor: .delta("d"))
        #expect(
            try await Listed.rows(store, "SELECT instance_id || ' ' || start FROM occurrences ORDER BY start_ts") == [
                "\(second) 2026-03-03T08:00:00Z", "\(first) 2026-03-06T08:00:00Z",
            ])
    }

    @Test func removalsFindTheirRowsByKeys() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let statements: [(sql: String, arguments: StatementArguments)] = [
            (PageWriter.seriesOfStoredID(in: .live), ["a", "c", "AAo1", ListedKey.of("AAo1")]),
            (PageWriter.eventsNamingEvent, ["a", "c", "m"]),
        ]
        let plans: [[String]] = try await DatabaseQueue(path: store.path).read { db in
            try statements.map { statement in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(statement.sql)", arguments: statement.arguments)
                    .map { $0["detail"] as String }
            }
        }
        // A stored id: its key's index first, then its event by rowid.
        #expect(
            plans[0].first?.contains("USING INDEX internal_occurrences_by_listed_key (listed_key=?)") == true,
            "\(plans[0])")
        #expect(plans[0].contains { $0.contains("SEARCH e USING INTEGER PRIMARY KEY (rowid=?)") }, "\(plans[0])")
        // A removed series: the event by its key, its exceptions by the series index;
        // never the calendar's events one by one.
        #expect(plans[1].contains { $0.contains("(account_id=? AND calendar_id=? AND id=?)") }, "\(plans[1])")
        #expect(
            plans[1].contains { $0.contains("events_by_series (account_id=? AND calendar_id=? AND series_id=?)") },
            "\(plans[1])")
        #expect(!plans[1].contains { $0.hasSuffix("(account_id=? AND calendar_id=?)") }, "\(plans[1])")
    }
}
