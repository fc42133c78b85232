import Foundation
import GRDB
import Testing

@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncStore

/// The first listing of a calendar leaves its occurrences to its last page, which loads
/// them in one transaction (dropping and re-creating the secondary indexes when the
/// calendar brings most of the table's rows): readers see the agenda empty, then whole.
struct FirstListingBulkLoadTests {
    static func series(_ id: String, _ start: String, days: Int) -> CalendarEvent {
        var master = StoreFixtures.timed(id, start)
        master.kind = .series
        master.recurrence = ["RRULE:FREQ=DAILY;COUNT=\(days)"]
        return master
    }

    static func indexes(_ store: CalendarStore) async throws -> [String] {
        let queue = try DatabaseQueue(
            path: store.path,
            configuration: {
                var c = Configuration(); c.readonly = true; return c
            }())
        return try await queue.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'internal_occurrences'
                    ORDER BY name
                    """)
        }
    }

    @Test func theFirstListingPublishesEveryOccurrenceWithItsLastPage() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        _ = try await StoreFixtures.apply(
            store,
            upserts: [
                StoreFixtures.timed("single", "2026-03-05T10:00:00Z"),
                Self.series("m", "2026-03-02T08:00:00Z", days: 3),
            ],
            mode: .fullSync)
        // Mid-way the events are there, the occurrences not yet: never a partial agenda.
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM events") == 2)
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM occurrences") == 0)
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM changes") == 2)

        var moved = StoreFixtures.timed("m_moved", "2026-03-03T15:00:00Z")
        moved.kind = .exception
        moved.seriesID = "m"
        moved.originalStart = .instant(Timestamp.parse("2026-03-03T08:00:00Z")!)
        _ = try await StoreFixtures.apply(
            store, upserts: [moved, StoreFixtures.timed("late", "2026-03-20T10:00:00Z")], cursor: .delta("d"),
            mode: .fullSyncEnd(maxDeleteRatio: 0.5, force: false))
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM agenda") == 5)
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM agenda WHERE event_id = 'm_moved'") == 1)
        #expect(try await StoreSyncTests.count(store, "SELECT occurrences_count FROM sync_state") == 5)
        #expect(try await Self.indexes(store) == StoreSchema.occurrenceIndexes.map(\.name).sorted())
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM internal_full_syncs") == 0)
        let check = try DatabaseQueue(path: store.path)
        #expect(try await check.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])

        // Later pages are incremental: occurrences follow each page again.
        _ = try await StoreFixtures.apply(store, upserts: [StoreFixtures.timed("next", "2026-03-21T10:00:00Z")])
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM agenda") == 6)
    }

    @Test func aFirstListingStartedOverStillLoadsWhatItsEarlierPagesBrought() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        let early = [
            StoreFixtures.timed("early", "2026-03-05T10:00:00Z"), Self.series("m", "2026-03-02T08:00:00Z", days: 2),
        ]
        _ = try await StoreFixtures.apply(store, upserts: early, mode: .fullSync)
        // The resume page failed (an expired page token): the listing starts over, and the
        // calendar is no longer empty; the events of the first pages come again unchanged.
        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        _ = try await StoreFixtures.apply(store, upserts: early, mode: .fullSync)
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM occurrences") == 0)
        _ = try await StoreFixtures.apply(
            store, upserts: [StoreFixtures.timed("late", "2026-03-20T10:00:00Z")], cursor: .delta("d"),
            mode: .fullSyncEnd(maxDeleteRatio: 0.5, force: false))
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM agenda") == 4)
    }

    @Test func aSmallFirstListingBesideALargeCalendarKeepsTheIndexes() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        try await store.replaceCalendars(
            accountID: "a",
            calendars: [
                RemoteCalendar(id: "c", name: "Work", timeZone: "Europe/Berlin", access: .owner, isPrimary: true),
                RemoteCalendar(id: "small", name: "Small", timeZone: "Europe/Berlin", access: .owner, isPrimary: false),
            ],
            enabledIDs: ["c", "small"], now: StoreFixtures.now)
        // 40 occurrences elsewhere against one event: inserting beats re-indexing the table.
        _ = try await StoreFixtures.apply(store, upserts: [Self.series("big", "2026-03-02T08:00:00Z", days: 40)])
        try await store.beginFullSync(accountID: "a", calendarID: "small", now: StoreFixtures.now)
        _ = try await store.applyPage(
            ChangePage(upserts: [Self.series("s", "2026-03-02T09:00:00Z", days: 3)], deletions: []), accountID: "a",
            calendarID: "small", cursor: .delta("d"), fingerprint: "f",
            mode: .fullSyncEnd(maxDeleteRatio: 0.5, force: false), window: StoreFixtures.window, now: StoreFixtures.now)
        #expect(
            try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM occurrences WHERE calendar_id = 'small'") == 3)
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM occurrences WHERE calendar_id = 'c'") == 40)
        #expect(try await Self.indexes(store) == StoreSchema.occurrenceIndexes.map(\.name).sorted())
    }
}
