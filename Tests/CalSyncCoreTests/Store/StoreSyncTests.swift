import Foundation
import GRDB
import Testing

@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncStore

/// The write API's guarantees: the changes feed, deletions, mark and sweep, the safety
/// valve, quarantine, occurrences rebuilt for what changed.
struct StoreSyncTests {
    static func count(_ store: CalendarStore, _ sql: String) async throws -> Int {
        let queue = try DatabaseQueue(
            path: store.path,
            configuration: {
                var c = Configuration(); c.readonly = true; return c
            }())
        return try await queue.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    @Test func changesRecordInsertsEtagChangesAndDeletesOnly() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let first = try await StoreFixtures.apply(store, upserts: [StoreFixtures.timed("x", "2026-03-05T10:00:00Z")])
        #expect(first.inserted == 1)
        let same = try await StoreFixtures.apply(store, upserts: [StoreFixtures.timed("x", "2026-03-05T10:00:00Z")])
        #expect(same.unchanged == 1)
        let edited = try await StoreFixtures.apply(
            store, upserts: [StoreFixtures.timed("x", "2026-03-05T11:00:00Z", etag: "e2")])
        #expect(edited.updated == 1)
        let gone = try await StoreFixtures.apply(store, deletions: ["x", "never-seen"])
        #expect(gone.deleted == 1)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM changes") == 3)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM changes WHERE op = 'delete'") == 1)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM events") == 0)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM occurrences") == 0)
    }

    @Test func exceptionsReplaceAndCancelInstancesAndGoWithTheirMaster() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let master = StoreFixtures.dailySeries("m", "2026-03-02T08:00:00Z", count: 5)
        _ = try await StoreFixtures.apply(store, upserts: [master])
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM agenda WHERE event_id = 'm'") == 5)

        var moved = StoreFixtures.timed("m_20260303T080000Z", "2026-03-03T15:00:00Z")
        moved.kind = .exception
        moved.seriesID = "m"
        moved.originalStart = .instant(Timestamp.parse("2026-03-03T08:00:00Z")!)
        var cancelled = StoreFixtures.timed("m_20260304T080000Z", "2026-03-04T08:00:00Z")
        cancelled.kind = .exception
        cancelled.seriesID = "m"
        cancelled.status = .cancelled
        cancelled.originalStart = .instant(Timestamp.parse("2026-03-04T08:00:00Z")!)
        _ = try await StoreFixtures.apply(store, upserts: [moved, cancelled])
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM agenda") == 4)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM agenda WHERE event_id = 'm_20260303T080000Z'") == 1)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM events WHERE status = 'cancelled'") == 1)

        _ = try await StoreFixtures.apply(store, deletions: ["m"])
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM events") == 0)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM occurrences") == 0)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM changes WHERE op = 'delete'") == 3)
    }

    @Test func anExceptionWithoutItsMasterStandsAlone() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        var orphan = StoreFixtures.timed("m_1", "2026-03-03T15:00:00Z")
        orphan.kind = .exception
        orphan.seriesID = "m"
        _ = try await StoreFixtures.apply(store, upserts: [orphan])
        #expect(
            try await Self.count(store, "SELECT COUNT(*) FROM occurrences WHERE event_id = 'm_1' AND series_id = 'm'")
                == 1)
    }

    @Test func onlyTouchedSeriesAreRebuilt() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        var good = StoreFixtures.timed("good", "2026-03-02T08:00:00Z")
        good.kind = .series
        good.recurrence = ["RRULE:FREQ=DAILY;COUNT=2"]
        _ = try await StoreFixtures.apply(store, upserts: [good])
        // A series the expander cannot read is quarantined; the other series is untouched.
        var bad = StoreFixtures.timed("bad", "2026-03-02T08:00:00Z")
        bad.kind = .series
        bad.recurrence = ["RRULE:FREQ=YEARLY;BYEASTER=1"]
        let outcome = try await StoreFixtures.apply(store, upserts: [bad])
        #expect(outcome.quarantined == 1)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM occurrences WHERE series_id = 'good'") == 2)
        #expect(try await Self.count(store, "SELECT quarantined_count FROM sync_state") == 1)
    }

    @Test func quarantinedItemsAreCountedAndForgivenWhenReadable() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        _ = try await StoreFixtures.apply(
            store, upserts: [StoreFixtures.timed("ok", "2026-03-05T10:00:00Z")],
            quarantined: [QuarantinedItem(eventID: "weird", reason: "start is not a date", raw: "{}")])
        #expect(try await Self.count(store, "SELECT quarantined_count FROM sync_state") == 1)
        #expect(try await Self.count(store, "SELECT events_count FROM sync_state") == 1)
        _ = try await StoreFixtures.apply(store, upserts: [StoreFixtures.timed("weird", "2026-03-06T10:00:00Z")])
        #expect(try await Self.count(store, "SELECT quarantined_count FROM sync_state") == 0)
    }

    /// The middle pages of a listing add what they inserted and deleted to `events_count`
    /// instead of counting the calendar's events again; the count stays what a count says
    /// after every page: a first listing, then a re-sync that updates, deletes (known and
    /// unknown ids) and deletes and brings back one id on the same page.
    @Test func eventsCountStaysExactThroughEveryPageOfAListing() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        func expectExact(_ label: String) async throws {
            let counted = try await Self.count(store, "SELECT COUNT(*) FROM events")
            #expect(try await Self.count(store, "SELECT events_count FROM sync_state") == counted, "\(label)")
        }
        func event(_ id: String) -> CalendarEvent { StoreFixtures.timed(id, "2026-03-05T10:00:00Z") }
        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        _ = try await StoreFixtures.apply(store, upserts: ["a1", "a2", "a3"].map(event), mode: .fullSync)
        try await expectExact("first page")
        _ = try await StoreFixtures.apply(
            store, upserts: ["a3", "a4"].map(event), deletions: ["a1", "never-stored"], mode: .fullSync)
        try await expectExact("second page")
        _ = try await StoreFixtures.apply(
            store, upserts: [event("a5")], cursor: .delta("d"), mode: .fullSyncEnd(maxDeleteRatio: 1, force: true))
        try await expectExact("last page")
        #expect(try await Self.count(store, "SELECT events_count FROM sync_state") == 4)

        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        _ = try await StoreFixtures.apply(
            store, upserts: ["a2", "a6"].map(event), deletions: ["a3"], mode: .fullSync)
        try await expectExact("a re-sync's first page")
        _ = try await StoreFixtures.apply(store, upserts: [event("a2")], deletions: ["a2"], mode: .fullSync)
        try await expectExact("an id deleted and written on one page")
        _ = try await StoreFixtures.apply(store, deletions: ["a2", "a6"], mode: .fullSync)
        try await expectExact("deletions only")
        _ = try await StoreFixtures.apply(
            store, upserts: [event("a7")], cursor: .delta("e"), mode: .fullSyncEnd(maxDeleteRatio: 1, force: true))
        try await expectExact("the re-sync's last page, after its sweep")
    }

    @Test func fullResyncSweepsWhatIsGoneWithoutShowingAnEmptyCalendar() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let events = (1...4).map { StoreFixtures.timed("e\($0)", "2026-03-0\($0)T10:00:00Z") }
        _ = try await StoreFixtures.apply(store, upserts: events, cursor: .delta("old"))
        let changesBefore = try await Self.count(store, "SELECT COUNT(*) FROM changes")

        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        #expect(try await store.savedCursor(accountID: "a", calendarID: "c") == nil)
        _ = try await StoreFixtures.apply(store, upserts: [events[0], events[1]], mode: .fullSync)
        // Mid-way, a reader still sees every event.
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM agenda") == 4)
        let end = try await StoreFixtures.apply(
            store, upserts: [events[2]], cursor: .delta("new"), mode: .fullSyncEnd(maxDeleteRatio: 1.0, force: false))
        #expect(end.sweep == .applied(deleted: 1))
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM agenda") == 3)
        // Unchanged events appended nothing: only the one deletion.
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM changes") == changesBefore + 1)
        #expect(try await store.savedCursor(accountID: "a", calendarID: "c")?.token == "new")
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM internal_full_sync_seen") == 0)
    }

    @Test func aFullListingDropsCancelledExceptionsOfASeriesThatIsGone() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        func cancelledInstance(of series: String) -> CalendarEvent {
            var event = StoreFixtures.timed("\(series)_20260304T080000Z", "2026-03-04T08:00:00Z")
            event.kind = .exception
            event.seriesID = series
            event.status = .cancelled
            event.originalStart = .instant(Timestamp.parse("2026-03-04T08:00:00Z")!)
            return event
        }
        var living = StoreFixtures.timed("living", "2026-03-02T08:00:00Z")
        living.kind = .series
        living.recurrence = ["RRULE:FREQ=DAILY;COUNT=5"]
        // What Google lists after series "gone" was deleted: its cancelled instance, no master.
        // "unreadable" is a series whose master is quarantined: its cancelled instance stays.
        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        let end = try await StoreFixtures.apply(
            store,
            upserts: [
                living, cancelledInstance(of: "living"), cancelledInstance(of: "gone"),
                cancelledInstance(of: "unreadable"),
            ],
            cursor: .delta("new"), mode: .fullSyncEnd(maxDeleteRatio: 1.0, force: false),
            quarantined: [QuarantinedItem(eventID: "unreadable", reason: "RRULE cannot be read", raw: "{}")])
        #expect(end.sweep == .applied(deleted: 1))
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM events WHERE series_id = 'gone'") == 0)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM events WHERE series_id = 'living'") == 1)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM events WHERE series_id = 'unreadable'") == 1)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM agenda WHERE event_id = 'living'") == 4)
        #expect(
            try await Self.count(
                store, "SELECT COUNT(*) FROM changes WHERE op = 'delete' AND event_id = 'gone_20260304T080000Z'") == 1)
    }

    @Test func theSafetyValveHoldsAnEmptyingResyncUntilForced() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        _ = try await StoreFixtures.apply(store, upserts: [StoreFixtures.timed("a1", "2026-03-05T10:00:00Z")])
        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        let held = try await StoreFixtures.apply(
            store, cursor: .delta("t"), mode: .fullSyncEnd(maxDeleteRatio: 1.0, force: false))
        #expect(held.sweep == .held(wouldDelete: 1, of: 1))
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM events") == 1)
        let status = try StoreReader(path: store.path).statusAccounts(
            interval: { _ in .seconds(300) }, tokenExpiry: { _ in nil })
        #expect(status[0].calendars[0].deletionHeld)
        #expect(status[0].calendars[0].lastError?.contains("safety valve") == true)

        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        let forced = try await StoreFixtures.apply(
            store, cursor: .delta("t"), mode: .fullSyncEnd(maxDeleteRatio: 1.0, force: true))
        #expect(forced.sweep == .applied(deleted: 1))
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM events") == 0)
        let after = try StoreReader(path: store.path).statusAccounts(
            interval: { _ in .seconds(300) }, tokenExpiry: { _ in nil })
        #expect(!after[0].calendars[0].deletionHeld)
    }

    @Test func aLowerRatioHoldsPartialDeletions() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let events = (1...4).map { StoreFixtures.timed("e\($0)", "2026-03-0\($0)T10:00:00Z") }
        _ = try await StoreFixtures.apply(store, upserts: events)
        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        let outcome = try await StoreFixtures.apply(
            store, upserts: [events[0]], cursor: .delta("t"), mode: .fullSyncEnd(maxDeleteRatio: 0.5, force: false))
        #expect(outcome.sweep == .held(wouldDelete: 3, of: 4))
    }

    @Test func windowRebuildAddsAndDropsInstancesWithoutRefetching() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        var master = StoreFixtures.timed("m", "2026-04-28T08:00:00Z")
        master.kind = .series
        master.recurrence = ["RRULE:FREQ=DAILY;COUNT=10"]
        _ = try await StoreFixtures.apply(store, upserts: [master])
        // The window ends on 2026-04-30: only 2 of the 10 instances are inside.
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM occurrences") == 2)
        let later = SyncWindow.around(
            StoreFixtures.now.addingTimeInterval(5 * 86_400), past: .seconds(30 * 86_400), future: .seconds(60 * 86_400)
        )
        try await store.rebuildOccurrences(accountID: "a", calendarID: "c", window: later, now: StoreFixtures.now)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM occurrences") == 7)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM changes") == 1)
    }

    @Test func removedCalendarsTakeTheirEventsAlong() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        _ = try await StoreFixtures.apply(store, upserts: [StoreFixtures.timed("x", "2026-03-05T10:00:00Z")])
        try await store.replaceCalendars(accountID: "a", calendars: [], enabledIDs: [], now: StoreFixtures.now)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM events") == 0)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM calendars") == 0)
        #expect(try await Self.count(store, "SELECT COUNT(*) FROM changes WHERE op = 'delete'") == 1)
    }

    @Test func syncStateRecordsAttemptsSuccessesAndFailures() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let now = StoreFixtures.now
        try await store.recordAttempt(accountID: "a", calendarID: "c", now: now)
        try await store.recordFailure(
            accountID: "a", calendarID: "c", error: "HTTP 500 backendError\nmore", now: now, nextRun: now)
        try await store.recordFailure(accountID: "a", calendarID: "c", error: "HTTP 503", now: now, nextRun: now)
        var status = try StoreReader(path: store.path).statusAccounts(
            interval: { _ in .seconds(300) }, tokenExpiry: { _ in nil })
        #expect(status[0].calendars[0].consecutiveFailures == 2)
        #expect(status[0].calendars[0].lastError == "HTTP 503")
        try await store.recordSuccess(accountID: "a", calendarID: "c", now: now, nextRun: now.addingTimeInterval(300))
        status = try StoreReader(path: store.path).statusAccounts(
            interval: { _ in .seconds(300) }, tokenExpiry: { _ in nil })
        #expect(status[0].calendars[0].consecutiveFailures == 0)
        #expect(status[0].calendars[0].lastError == nil)
        #expect(status[0].calendars[0].lastSuccess == now)
        #expect(status[0].email == "ada@example.com")
    }

    @Test func pruningChangesMovesTheMinimumSequence() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        _ = try await StoreFixtures.apply(store, upserts: [StoreFixtures.timed("x", "2026-03-05T10:00:00Z")])
        try await store.pruneChanges(olderThan: StoreFixtures.now.addingTimeInterval(1))
        #expect(try StoreReader(path: store.path).meta("changes_min_seq") == "2")
    }
}
