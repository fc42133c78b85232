import Foundation
import GRDB
import Testing

@testable import CalSyncModel
@testable import CalSyncStore

/// A listed calendar's first listing (Graph's, issue 18): its occurrences are staged page by
/// page and published by its last page, as an expanded calendar's are; removals during the
/// round reach the stage (PageWriter+ListedOccurrences).
struct ListedFirstListingTests {
    typealias Listed = ListedOccurrencesTests

    static let end = PageMode.fullSyncEnd(maxDeleteRatio: 0.9, force: false)

    static func count(_ store: CalendarStore, _ sql: String) async throws -> Int {
        try await StoreSyncTests.count(store, sql)
    }

    /// The staged rows a publish would copy (those no drop mark of their event voids). The
    /// count the writer keeps for the cap counts every row appended until the publish, so
    /// it is never below them.
    static func staged(_ store: CalendarStore) async throws -> Int {
        let rows = try await count(
            store,
            """
            SELECT COUNT(*) FROM internal_listed_staged s WHERE drops_event = 0
            AND NOT EXISTS (SELECT 1 FROM internal_listed_staged d
                WHERE d.calendar = s.calendar AND d.drops_event = 1 AND d.event = s.event AND d.seq > s.seq)
            """)
        let kept = try await count(store, "SELECT COALESCE(MAX(staged_occurrences), 0) FROM internal_full_syncs")
        #expect(rows <= kept)
        return rows
    }

    /// A store whose calendar's first listing has applied its first page: a series master
    /// with two listed occurrences (opaque ids) and a single, three rows staged.
    static func firstPageStaged(in directory: TemporaryDirectory) async throws -> CalendarStore {
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        _ = try await Listed.apply(
            store, upserts: [Listed.master, StoreFixtures.timed("s", "2026-03-03T12:00:00Z")],
            listed: [
                Listed.occurrence("AAo1", "2026-03-02T08:00:00Z"), Listed.occurrence("AAo2", "2026-03-03T08:00:00Z"),
                Listed.occurrence("s", "2026-03-03T12:00:00Z", series: nil, event: "s"),
            ], mode: .fullSync)
        return store
    }

    static var exception: CalendarEvent {
        var exception = StoreFixtures.timed("AAx", "2026-03-04T10:00:00Z")
        exception.kind = .exception
        exception.seriesID = "m"
        exception.originalStart = .instant(Timestamp.parse("2026-03-04T08:00:00Z")!)
        return exception
    }

    @Test func aFirstListingStagesItsOccurrencesAndItsLastPagePublishesThemAsListed() async throws {
        let directory = try TemporaryDirectory()
        let store = try await Self.firstPageStaged(in: directory)
        // Readers see the events, no occurrence yet: never half an agenda.
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM occurrences") == 0)
        #expect(try await Self.staged(store) == 3)
        _ = try await Listed.apply(
            store, upserts: [Self.exception],
            listed: [
                Listed.occurrence("AAx", "2026-03-04T10:00:00Z", event: "AAx"),
                Listed.occurrence("AAo5", "2026-03-06T08:00:00Z"),
            ], mode: .fullSync)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM occurrences") == 0)
        #expect(try await Self.staged(store) == 5)
        _ = try await Listed.apply(store, mode: Self.end, cursor: .delta("d"))
        // Everything at once, under the ids Graph listed; only the opaque ones stored.
        #expect(try await Listed.instanceIDs(store) == ["AAo1", "AAo2", "s", "AAx", "AAo5"])
        #expect(
            try await Listed.rows(
                store, "SELECT instance_id FROM internal_occurrences WHERE instance_id IS NOT NULL ORDER BY 1")
                == ["AAo1", "AAo2", "AAo5"])
        #expect(try await Self.count(store, "SELECT occurrences_count FROM sync_state") == 5)
        #expect(try await Self.staged(store) == 0)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM internal_full_syncs") == 0)
        let check = try DatabaseQueue(path: store.path)
        #expect(try await check.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
        // Then increments write live again.
        _ = try await Listed.apply(store, listed: [Listed.occurrence("AAo2", "2026-03-03T09:00:00Z")])
        #expect(
            try await Listed.rows(store, "SELECT start FROM occurrences WHERE instance_id = 'AAo2'") == [
                "2026-03-03T09:00:00Z"
            ])
        #expect(try await Self.count(store, "SELECT occurrences_count FROM sync_state") == 5)
    }

    @Test func removalsDuringAFirstListingReachItsStagedOccurrences() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        let other = {
            var other = Listed.master
            other.id = "n"
            return other
        }()
        _ = try await Listed.apply(
            store, upserts: [Listed.master, other, Self.exception, StoreFixtures.timed("s", "2026-03-03T12:00:00Z")],
            listed: [
                Listed.occurrence("AAo1", "2026-03-02T08:00:00Z"), Listed.occurrence("AAo2", "2026-03-03T08:00:00Z"),
                Listed.occurrence("AAx", "2026-03-04T10:00:00Z", event: "AAx"),
                Listed.occurrence("AAn1", "2026-03-02T08:00:00Z", series: "n", event: "n"),
                Listed.occurrence("s", "2026-03-03T12:00:00Z", series: nil, event: "s"),
            ], mode: .fullSync)
        #expect(try await Self.staged(store) == 5)
        // `@removed`: an opaque id, and a single's derived one (staged as NULL) with its event.
        _ = try await Listed.apply(store, deletions: ["s"], removed: ["AAo1", "s"], mode: .fullSync)
        #expect(try await Self.staged(store) == 3)
        // A deleted series takes its staged rows; the last instance of another takes its master.
        _ = try await Listed.apply(store, deletions: ["m"], removed: ["AAn1"], mode: .fullSync)
        #expect(try await Self.staged(store) == 0)
        #expect(try await Listed.rows(store, "SELECT id FROM events").isEmpty)
        _ = try await Listed.apply(
            store, upserts: [StoreFixtures.timed("t", "2026-03-05T12:00:00Z")],
            listed: [Listed.occurrence("t", "2026-03-05T12:00:00Z", series: nil, event: "t")], mode: Self.end,
            cursor: .delta("d"))
        #expect(try await Listed.instanceIDs(store) == ["t"])
        #expect(try await Self.count(store, "SELECT occurrences_count FROM sync_state") == 1)
        #expect(try await Self.staged(store) == 0)
    }

    @Test func aFirstListingCutShortGoesOnOrStartsOverWithItsStagedOccurrences() async throws {
        let directory = try TemporaryDirectory()
        let store = try await Self.firstPageStaged(in: directory)
        // Resumed at the next page (its own transaction): the stage is kept and added to.
        _ = try await Listed.apply(
            store, listed: [Listed.occurrence("AAo3", "2026-03-04T08:00:00Z")], mode: .fullSync)
        #expect(try await Self.staged(store) == 4)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM occurrences") == 0)
        // Started over (the calendar has events now, so this round marks and sweeps): it
        // no longer lists the single nor AAo1, and moves AAo2; the stage follows.
        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        _ = try await Listed.apply(
            store, upserts: [Listed.master],
            listed: [
                Listed.occurrence("AAo2", "2026-03-03T09:00:00Z"), Listed.occurrence("AAo3", "2026-03-04T08:00:00Z"),
            ], mode: .fullSync)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM occurrences") == 0)
        _ = try await Listed.apply(store, mode: Self.end, cursor: .delta("d"))
        #expect(try await Listed.instanceIDs(store) == ["AAo2", "AAo3"])
        #expect(
            try await Listed.rows(store, "SELECT start FROM occurrences WHERE instance_id = 'AAo2'") == [
                "2026-03-03T09:00:00Z"
            ])
        #expect(try await Listed.rows(store, "SELECT id FROM events") == ["m"])
        #expect(try await Self.count(store, "SELECT occurrences_count FROM sync_state") == 2)
        #expect(try await Self.staged(store) == 0)
    }

    /// The stage is only appended to (StoreSchema v8): an id listed again, a single moved,
    /// an event deleted whose rowid comes back for a new one, all settle at the publish.
    @Test func aFirstListingsLaterRowsWinAndADroppedEventsRowsStayOut() async throws {
        let directory = try TemporaryDirectory()
        let store = try await Self.firstPageStaged(in: directory)
        let singleKey = try await Self.count(store, "SELECT rowid FROM events WHERE id = 's'")
        #expect(try await Self.count(store, "SELECT MAX(rowid) FROM events") == singleKey)
        // Graph lists AAo2 again, moved, and the single, moved, while the round runs.
        _ = try await Listed.apply(
            store, upserts: [StoreFixtures.timed("s", "2026-03-03T13:00:00Z")],
            listed: [
                Listed.occurrence("AAo2", "2026-03-03T09:00:00Z"),
                Listed.occurrence("s", "2026-03-03T13:00:00Z", series: nil, event: "s"),
            ], mode: .fullSync)
        // The single is deleted; a new one takes its rowid (the largest) on the next page.
        _ = try await Listed.apply(store, deletions: ["s"], mode: .fullSync)
        _ = try await Listed.apply(
            store, upserts: [StoreFixtures.timed("t", "2026-03-05T12:00:00Z")],
            listed: [Listed.occurrence("t", "2026-03-05T12:00:00Z", series: nil, event: "t")], mode: .fullSync)
        #expect(try await Self.count(store, "SELECT rowid FROM events WHERE id = 't'") == singleKey)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM occurrences") == 0)
        _ = try await Listed.apply(store, mode: Self.end, cursor: .delta("d"))
        #expect(try await Listed.instanceIDs(store) == ["AAo1", "AAo2", "t"])
        #expect(
            try await Listed.rows(store, "SELECT start FROM occurrences ORDER BY start_ts") == [
                "2026-03-02T08:00:00Z", "2026-03-03T09:00:00Z", "2026-03-05T12:00:00Z",
            ])
        #expect(try await Self.count(store, "SELECT occurrences_count FROM sync_state") == 3)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM internal_listed_staged") == 0)
    }

    /// A store of version 7 in the middle of a Microsoft calendar's first listing: its
    /// staged rows move to the listed stage (v8) and are published by the listing's end; a
    /// Google calendar's stay where they were.
    @Test func aVersionSevenStoreMovesAMicrosoftCalendarsStagedRows() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("calsync.db")
        try await StoreFixtures.olderStore(
            path, upTo: "v7",
            sql: """
                INSERT INTO accounts(id, provider, auth, updated_at) VALUES ('g', 'google', 'oauth', 'now');
                INSERT INTO calendars(account_id, id, name, access, updated_at) VALUES ('g', 'c', 'Home', 'owner', 'now');
                INSERT INTO internal_full_syncs(account_id, calendar_id, started_at, existing_events,
                    occurrences_deferred, staged_occurrences) VALUES ('a', 'c', 'now', 0, 1, 2);
                INSERT INTO internal_occurrences_staged(calendar, event, start_ts, end_ts, instance_id) VALUES
                    (1, 1, 1772438400, 1772440200, 'AAo1'), (1, 1, 1772524800, 1772526600, 'AAo2'),
                    (2, 9, 1772438400, 1772440200, NULL);
                """)
        let store = try StoreFixtures.openStore(path)
        #expect(
            try await Listed.rows(
                store, "SELECT seq || '|' || instance_id FROM internal_listed_staged WHERE calendar = 1 ORDER BY seq")
                == ["1|AAo1", "2|AAo2"])
        #expect(try await Listed.rows(store, "SELECT calendar FROM internal_occurrences_staged") == ["2"])
        _ = try await Listed.apply(
            store, listed: [Listed.occurrence("AAo3", "2026-03-04T08:00:00Z")], mode: Self.end, cursor: .delta("d"))
        #expect(try await Listed.instanceIDs(store) == ["AAo1", "AAo2", "AAo3"])
    }

    @Test func onlyIDsOfTheDerivedFormAreLookedUpAsDerived() {
        #expect(ListedPageRows.hasStampSuffix("m_20260302"))
        #expect(ListedPageRows.hasStampSuffix("m_20260302T080000Z"))
        #expect(ListedPageRows.hasStampSuffix("AAMk_x_20260302T080000Z"))
        #expect(!ListedPageRows.hasStampSuffix("_20260302"))
        #expect(!ListedPageRows.hasStampSuffix("AAMkAGI2TG93AAA="))
        #expect(!ListedPageRows.hasStampSuffix("m_2026030"))
        #expect(!ListedPageRows.hasStampSuffix("m_20260302T0800Z"))
        #expect(!ListedPageRows.hasStampSuffix("m_20260302X080000Z"))
        #expect(!ListedPageRows.hasStampSuffix("m_2026030a"))
        #expect(!ListedPageRows.hasStampSuffix("_20260302T080000Z") && !ListedPageRows.hasStampSuffix("m_20260302_x"))
        #expect(ListedPageRows.hasStampSuffix("réunion_20260302") && !ListedPageRows.hasStampSuffix(""))
        #expect(
            ListedPageRows.hasStampSuffix("x_1_20260302T080000Z") && !ListedPageRows.hasStampSuffix("20260302T080000Z"))
    }
}
