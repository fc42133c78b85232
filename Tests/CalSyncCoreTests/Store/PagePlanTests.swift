import Foundation
import Testing

@testable import CalSyncModel
@testable import CalSyncStore

/// The page plan and the safety valve, without a database: what a page inserts, updates,
/// deletes, marks, holds and quarantines follows from the page and what the store knows.
struct PagePlanTests {
    typealias Known = PagePlan.Known
    typealias KnownEvent = PagePlan.KnownEvent

    static func event(
        _ id: String, etag: String? = "e1", kind: CalendarEvent.Kind = .single, series: String? = nil
    )
        -> CalendarEvent
    {
        var event = StoreFixtures.timed(id, "2026-03-05T10:00:00Z", etag: etag ?? "")
        event.etag = etag
        event.kind = kind
        event.seriesID = series
        return event
    }

    static func known(_ events: [String: KnownEvent]) -> Known { Known(events) }

    static let calendarWithEvents = PagePlan.FullSync(marking: true, occurrencesDeferred: false)
    static let firstListing = PagePlan.FullSync(marking: false, occurrencesDeferred: true)

    // MARK: The safety valve

    @Test func theSafetyValveHoldsAtTheRatioAndNotBelowIt() {
        #expect(SafetyValve.decide(wouldDelete: 5, of: 10, maxDeleteRatio: 0.5, force: false) == .hold)
        #expect(SafetyValve.decide(wouldDelete: 10, of: 10, maxDeleteRatio: 0.5, force: false) == .hold)
        #expect(SafetyValve.decide(wouldDelete: 4, of: 10, maxDeleteRatio: 0.5, force: false) == .sweep)
        #expect(SafetyValve.decide(wouldDelete: 1, of: 10, maxDeleteRatio: 0.1, force: false) == .hold)
    }

    @Test func forceOrNothingToDeleteOrAnEmptyCalendarNeverHolds() {
        #expect(SafetyValve.decide(wouldDelete: 10, of: 10, maxDeleteRatio: 0.5, force: true) == .sweep)
        #expect(SafetyValve.decide(wouldDelete: 0, of: 10, maxDeleteRatio: 0, force: false) == .sweep)
        #expect(SafetyValve.decide(wouldDelete: 0, of: 0, maxDeleteRatio: 0.5, force: false) == .sweep)
    }

    // MARK: Incremental pages

    @Test func anIncrementInsertsUpdatesSkipsTheUnchangedAndDeletesWhatItKnows() {
        let page = ChangePage(
            upserts: [Self.event("new"), Self.event("same"), Self.event("edited", etag: "e2")],
            deletions: ["gone", "never-seen"])
        let known = Self.known([
            "same": KnownEvent(etag: "e1", raw: nil, kind: .single),
            "edited": KnownEvent(etag: "e1", raw: nil, kind: .single),
            "gone": KnownEvent(etag: "e1", raw: nil, kind: .single),
        ])
        let plan = PagePlan(page, mode: .incremental, cursor: .delta("d"), fullSync: nil, known: known)
        #expect(
            plan.steps == [
                .clearQuarantine("new"), .write(page.upserts[0]), .clearQuarantine("same"), .clearQuarantine("edited"),
                .write(page.upserts[2]), .delete("gone"),
            ])
        #expect(plan.outcome.inserted == 1)
        #expect(plan.outcome.updated == 1)
        #expect(plan.outcome.unchanged == 1)
        #expect(plan.outcome.deleted == 1)
        #expect(plan.touchedSingles == ["new", "edited", "gone"])
        #expect(plan.cursor == .save("d"))
        #expect(plan.occurrences == .rebuildTouched)
        #expect(plan.sweep == nil)
    }

    @Test func anEventWithoutAnEtagIsComparedByItsRawText() {
        let page = ChangePage(upserts: [Self.event("x", etag: nil)])
        let same = Self.known(["x": KnownEvent(etag: nil, raw: page.upserts[0].raw, kind: .single)])
        let other = Self.known(["x": KnownEvent(etag: nil, raw: "{}", kind: .single)])
        #expect(PagePlan(page, mode: .incremental, cursor: .initial, fullSync: nil, known: same).outcome.unchanged == 1)
        #expect(PagePlan(page, mode: .incremental, cursor: .initial, fullSync: nil, known: other).outcome.updated == 1)
    }

    @Test func deletingASeriesDeletesItsExceptionsIncludingOnesThisPageWrote() {
        let exception = Self.event("m_2", kind: .exception, series: "m")
        let page = ChangePage(upserts: [exception], deletions: ["m", "m_1"])
        let known = Self.known([
            "m": KnownEvent(etag: "e1", raw: nil, kind: .series),
            "m_1": KnownEvent(etag: "e1", raw: nil, kind: .exception, seriesID: "m"),
        ])
        let plan = PagePlan(page, mode: .incremental, cursor: .page("p"), fullSync: nil, known: known)
        #expect(
            plan.steps == [
                .clearQuarantine("m_2"), .write(exception), .delete("m"), .delete("m_1"), .delete("m_2"),
            ])
        // One deletion asked for and done; m_1 was already gone with its series.
        #expect(plan.outcome.deleted == 1)
        #expect(plan.touchedSeries == ["m"])
        #expect(plan.cursor == PagePlan.CursorAction.none)
    }

    // MARK: Quarantine

    @Test func quarantinedItemsAreSetAsideLoggedAndMarkedInAResync() {
        let unreadable = QuarantinedItem(eventID: "q", reason: "no start", raw: #"{"id":"q"}"#)
        let anonymous = QuarantinedItem(eventID: nil, reason: "no id", raw: "{}")
        let page = ChangePage(quarantined: [unreadable, anonymous])
        let anonymousID = PagePlan.quarantineID(anonymous)
        #expect(anonymousID.hasPrefix("unidentified-"))
        #expect(anonymousID == PagePlan.quarantineID(anonymous))

        let increment = PagePlan(page, mode: .incremental, cursor: .initial, fullSync: nil, known: Known())
        #expect(
            increment.steps == [
                .quarantine(id: "q", reason: "no start", raw: unreadable.raw),
                .quarantine(id: anonymousID, reason: "no id", raw: "{}"),
            ])
        #expect(increment.outcome.quarantined == 2)
        #expect(
            increment.logs == [
                .quarantined(id: "q", reason: "no start"), .quarantined(id: anonymousID, reason: "no id"),
            ])

        // A re-sync marks them seen: a quarantined event is not swept as gone.
        let resync = PagePlan(
            page, mode: .fullSync, cursor: .page("p"), fullSync: Self.calendarWithEvents, known: Known())
        #expect(resync.steps.contains(.markSeen("q")))
        #expect(resync.steps.contains(.markSeen(anonymousID)))
    }

    // MARK: Full re-syncs

    @Test func aResyncPageMarksWhatItListsAndLeavesTombstonesToTheSweep() {
        let page = ChangePage(upserts: [Self.event("kept")], deletions: ["tombstone"])
        let known = Self.known([
            "kept": KnownEvent(etag: "e1", raw: nil, kind: .single),
            "tombstone": KnownEvent(etag: "e1", raw: nil, kind: .single),
        ])
        let plan = PagePlan(page, mode: .fullSync, cursor: .page("p2"), fullSync: Self.calendarWithEvents, known: known)
        #expect(plan.steps == [.markSeen("kept"), .clearQuarantine("kept"), .unmarkSeen("tombstone")])
        #expect(plan.outcome.deleted == 0)
        #expect(plan.sweep == nil)
        // A restart goes on from the next page.
        #expect(plan.cursor == .resumeFrom("p2"))
    }

    @Test func theLastPageOfAResyncSweepsWithTheConfiguredValve() {
        let page = ChangePage(upserts: [Self.event("kept")], deletions: ["tombstone"])
        let known = Self.known(["tombstone": KnownEvent(etag: "e1", raw: nil, kind: .single)])
        let plan = PagePlan(
            page, mode: .fullSyncEnd(maxDeleteRatio: 0.3, force: false), cursor: .delta("d"),
            fullSync: Self.calendarWithEvents, known: known)
        #expect(
            plan.steps == [
                .markSeen("kept"), .clearQuarantine("kept"), .write(page.upserts[0]), .unmarkSeen("tombstone"),
            ])
        #expect(plan.sweep?.maxDeleteRatio == 0.3)
        #expect(plan.sweep?.force == false)
        #expect(plan.occurrences == .rebuildTouched)
        #expect(plan.cursor == .save("d"))
    }

    @Test func theSweepDeletesMastersWithTheirExceptionsOnceEach() {
        let known = Self.known([
            "m": KnownEvent(etag: "e1", raw: nil, kind: .series),
            "m_1": KnownEvent(etag: "e1", raw: nil, kind: .exception, seriesID: "m"),
            "s": KnownEvent(etag: "e1", raw: nil, kind: .single),
        ])
        let plan = PagePlan(deleting: ["m", "s", "m_1"], known: known)
        #expect(plan.steps == [.delete("m"), .delete("m_1"), .delete("s")])
        #expect(plan.outcome.deleted == 2)
        #expect(plan.touchedSeries == ["m"])
        #expect(plan.touchedSingles == ["s"])
    }

    @Test func aFirstListingDefersOccurrencesToItsLastPageAndDeletesAtOnce() {
        // The calendar was empty when the listing began: nothing to mark or sweep, and a
        // deletion (of an event an earlier page of this listing wrote) applies at once.
        let page = ChangePage(upserts: [Self.event("a")], deletions: ["b"])
        let known = Self.known(["b": KnownEvent(etag: "e1", raw: nil, kind: .single)])
        let middle = PagePlan(page, mode: .fullSync, cursor: .page("p"), fullSync: Self.firstListing, known: known)
        #expect(middle.steps == [.clearQuarantine("a"), .write(page.upserts[0]), .delete("b")])
        #expect(middle.occurrences == .deferred)
        let last = PagePlan(
            page, mode: .fullSyncEnd(maxDeleteRatio: 0.5, force: false), cursor: .delta("d"),
            fullSync: Self.firstListing, known: known)
        #expect(last.occurrences == .loadAll)
        #expect(last.sweep != nil)
        // An increment after it (no deferral recorded) rebuilds what it touches.
        #expect(
            PagePlan(page, mode: .incremental, cursor: .page("p"), fullSync: nil, known: known).occurrences
                == .rebuildTouched)
    }

    @Test func withNoResyncRecordedAResyncPageMarks() {
        #expect(PagePlan.marks(.fullSync, nil))
        #expect(!PagePlan.marks(.incremental, Self.calendarWithEvents))
        #expect(!PagePlan.marks(.fullSync, Self.firstListing))
        let initial = PagePlan(ChangePage(), mode: .incremental, cursor: .initial, fullSync: nil, known: Known())
        #expect(initial.cursor == .forget)
    }
}
