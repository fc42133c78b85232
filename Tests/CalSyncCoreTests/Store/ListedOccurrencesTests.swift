import Foundation
import GRDB
import Testing

@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncStore

/// Occurrences of calendars whose provider lists them (``OccurrenceSource/listed``, Graph):
/// stored as listed, removed exactly, never expanded (PageWriter+ListedOccurrences).
struct ListedOccurrencesTests {
    static func rows(_ store: CalendarStore, _ sql: String) async throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        return try await DatabaseQueue(path: store.path, configuration: configuration).read { db in
            try String.fetchAll(db, sql: sql)
        }
    }

    static func instanceIDs(_ store: CalendarStore) async throws -> [String] {
        try await rows(store, "SELECT instance_id FROM occurrences ORDER BY start_ts, instance_id")
    }

    /// A daily series of five from 2 March 08:00 (the store would expand it to five rows).
    static var master: CalendarEvent {
        var master = StoreFixtures.timed("m", "2026-03-02T08:00:00Z")
        master.kind = .series
        master.recurrence = ["RRULE:FREQ=DAILY;COUNT=5"]
        return master
    }

    static func occurrence(_ id: String, _ start: String, series: String? = "m", event: String = "m") -> Occurrence {
        let begin = Timestamp.parse(start)!
        return Occurrence(
            instanceID: id, eventID: event, seriesID: series, start: .instant(begin),
            end: .instant(begin.addingTimeInterval(1800)))
    }

    static func apply(
        _ store: CalendarStore, upserts: [CalendarEvent] = [], deletions: [String] = [], listed: [Occurrence] = [],
        removed: [String] = [], mode: PageMode = .incremental, cursor: SyncCursor = .page("p"),
        window: SyncWindow = StoreFixtures.window, source: OccurrenceSource = .listed
    ) async throws -> PageOutcome {
        var page = ChangePage(upserts: upserts, deletions: deletions)
        page.listedOccurrences = listed
        page.removedOccurrences = removed
        return try await store.applyPage(
            page, accountID: "a", calendarID: "c", cursor: cursor, fingerprint: "f", mode: mode, window: window,
            now: StoreFixtures.now, occurrenceSource: source)
    }

    @Test func listedOccurrencesAreStoredAsListedReplacedAndRemovedExactly() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let single = StoreFixtures.timed("s", "2026-03-03T12:00:00Z")
        _ = try await Self.apply(
            store, upserts: [Self.master, single],
            listed: [
                Self.occurrence("AAo1", "2026-03-02T08:00:00Z"), Self.occurrence("AAo2", "2026-03-03T08:00:00Z"),
                Self.occurrence("s", "2026-03-03T12:00:00Z", series: nil, event: "s"),
            ])
        // Nothing expanded: the three rows listed, under their ids.
        #expect(try await Self.instanceIDs(store) == ["AAo1", "AAo2", "s"])
        // A moved occurrence replaces its row; an unknown removed id is ignored.
        _ = try await Self.apply(
            store, listed: [Self.occurrence("AAo2", "2026-03-04T09:00:00Z")], removed: ["AAo1", "never-listed"])
        #expect(try await Self.instanceIDs(store) == ["s", "AAo2"])
        #expect(
            try await Self.rows(store, "SELECT start FROM occurrences WHERE instance_id = 'AAo2'") == [
                "2026-03-04T09:00:00Z"
            ])
        #expect(try await Self.rows(store, "SELECT occurrences_count FROM sync_state") == ["2"])
    }

    @Test func deletingAnEventTakesItsOccurrencesAndTheLastOccurrenceTakesItsSeries() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        var exception = StoreFixtures.timed("AAx", "2026-03-04T10:00:00Z")
        exception.kind = .exception
        exception.seriesID = "m"
        exception.originalStart = .instant(Timestamp.parse("2026-03-04T08:00:00Z")!)
        _ = try await Self.apply(
            store, upserts: [Self.master, exception, StoreFixtures.timed("s", "2026-03-03T12:00:00Z")],
            listed: [
                Self.occurrence("AAo1", "2026-03-02T08:00:00Z"),
                Self.occurrence("AAx", "2026-03-04T10:00:00Z", event: "AAx"),
                Self.occurrence("s", "2026-03-03T12:00:00Z", series: nil, event: "s"),
            ])
        // Graph's @removed of a single: the event and its occurrence.
        _ = try await Self.apply(store, deletions: ["s"], removed: ["s"])
        #expect(try await Self.instanceIDs(store) == ["AAo1", "AAx"])
        // The series' instances removed one by one (Graph never names the master): the
        // master goes with the last, as calendarView no longer shows the series.
        _ = try await Self.apply(store, deletions: ["AAx"], removed: ["AAx"])
        #expect(try await Self.rows(store, "SELECT id FROM events") == ["m"])
        _ = try await Self.apply(store, deletions: ["AAo1"], removed: ["AAo1"])
        #expect(try await Self.rows(store, "SELECT id FROM events").isEmpty)
        #expect(try await Self.instanceIDs(store).isEmpty)
        #expect(
            try await Self.rows(store, "SELECT event_id FROM changes WHERE op = 'delete' ORDER BY seq") == [
                "s", "AAx", "m",
            ])
    }

    @Test func theDailySlideOnlyDropsWhatLeftTheWindow() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        _ = try await Self.apply(
            store, upserts: [Self.master],
            listed: [
                Self.occurrence("AAo1", "2026-02-01T08:00:00Z"), Self.occurrence("AAo2", "2026-03-03T08:00:00Z"),
            ])
        #expect(try await Self.instanceIDs(store) == ["AAo1", "AAo2"])
        let later = SyncWindow(
            start: StoreFixtures.window.start.addingTimeInterval(10 * 86_400),
            end: StoreFixtures.window.end.addingTimeInterval(10 * 86_400))
        try await store.rebuildOccurrences(
            accountID: "a", calendarID: "c", window: later, now: StoreFixtures.now, occurrenceSource: .listed)
        // The rule would give the series more instances: none is made up.
        #expect(try await Self.instanceIDs(store) == ["AAo2"])
        #expect(try await store.storedWindow(accountID: "a", calendarID: "c") == later)
    }

    @Test func aFullReSyncSweepsTheOccurrencesItDidNotListAtItsEndOnly() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let listed = [
            Self.occurrence("AAo1", "2026-03-02T08:00:00Z"), Self.occurrence("AAo2", "2026-03-03T08:00:00Z"),
            Self.occurrence("AAo3", "2026-03-04T08:00:00Z"),
        ]
        _ = try await Self.apply(store, upserts: [Self.master], listed: listed)
        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        _ = try await Self.apply(store, upserts: [Self.master], listed: [listed[0]], mode: .fullSync)
        // Mid-round, readers keep what they had.
        #expect(try await Self.instanceIDs(store) == ["AAo1", "AAo2", "AAo3"])
        let end = try await Self.apply(
            store, listed: [listed[1]], mode: .fullSyncEnd(maxDeleteRatio: 0.5, force: false), cursor: .delta("d"))
        #expect(end.sweep == .applied(deleted: 0))
        #expect(try await Self.instanceIDs(store) == ["AAo1", "AAo2"])
    }

    /// A store the former Graph code wrote: the master's instances expanded under
    /// `<master>_<time>` ids and cancelled exceptions it made up for instances Outlook no
    /// longer listed. The new cursor fingerprint starts a full re-sync; its sweep leaves
    /// only Graph's rows, and the made-up rows do not count towards the safety valve.
    @Test func aStoreTheFormerGraphCodeWroteIsReSyncedOnceWithoutTrippingTheSafetyValve() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        var synthesised: [CalendarEvent] = []
        for day in ["03", "04", "05"] {
            let id = "m_202603\(day)T080000Z"
            var cancelled = StoreFixtures.timed(id, "2026-03-\(day)T08:00:00Z")
            cancelled.kind = .exception
            cancelled.seriesID = "m"
            cancelled.status = .cancelled
            cancelled.summary = nil
            cancelled.originalStart = cancelled.start
            cancelled.raw = #"{"@removed":{"reason":"notListedByInstances"},"id":"\#(id)","seriesMasterId":"m"}"#
            synthesised.append(cancelled)
        }
        _ = try await Self.apply(
            store, upserts: [Self.master, StoreFixtures.timed("s", "2026-03-03T12:00:00Z")] + synthesised,
            cursor: .delta("old"), source: .expanded)
        #expect(
            try await Self.rows(store, "SELECT count(*) FROM occurrences WHERE instance_id LIKE 'm\\_%' ESCAPE '\\'")
                != ["0"])

        let provider = GraphProvider(
            configuration: .init(apiBaseURL: "https://graph.test/v1.0"), tokens: GraphProviderTests.CountingTokens(),
            transport: ScriptedTransport([]))
        let former = SHA256.hexDigest(
            ["https://graph.test/v1.0", "c", "2026-01-26T00:00:00Z", "2026-05-07T00:00:00Z"].joined(separator: "\n"))
        #expect(provider.cursorFingerprint(calendarID: "c", window: StoreFixtures.window) != former)

        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        let end = try await Self.apply(
            store, upserts: [Self.master, StoreFixtures.timed("s", "2026-03-03T12:00:00Z")],
            listed: [
                Self.occurrence("AAo1", "2026-03-02T08:00:00Z"),
                Self.occurrence("s", "2026-03-03T12:00:00Z", series: nil, event: "s"),
            ], mode: .fullSyncEnd(maxDeleteRatio: 0.5, force: false), cursor: .delta("d"))
        // 3 of 5 events were made up: over 0.5, yet nothing is held.
        #expect(end.sweep == .applied(deleted: 0))
        #expect(try await Self.rows(store, "SELECT id FROM events ORDER BY id") == ["m", "s"])
        #expect(try await Self.instanceIDs(store) == ["AAo1", "s"])
        #expect(try await Self.rows(store, "SELECT count(*) FROM internal_held_deletions") == ["0"])
    }
}
