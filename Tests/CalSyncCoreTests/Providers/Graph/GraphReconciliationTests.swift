import Foundation
import Testing

@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel

/// The instances a series' rule produces that `/instances` no longer lists become
/// cancelled exceptions; a rule that disagrees with Graph cancels nothing.
struct GraphReconciliationTests {
    static let window = SyncWindow(
        start: Timestamp.parse("2026-03-01T00:00:00Z")!, end: Timestamp.parse("2026-04-01T00:00:00Z")!)

    /// Weekly on Mondays at 09:00 Berlin time (a DST change on 29 March).
    static let timed = CalendarEvent(
        id: "M", kind: .series, start: .instant(Timestamp.parse("2026-03-02T08:00:00Z")!),
        end: .instant(Timestamp.parse("2026-03-02T08:30:00Z")!), timeZone: "Europe/Berlin",
        recurrence: ["RRULE:FREQ=WEEKLY;BYDAY=MO"])

    static func stub(_ text: String) -> GraphMapping.Instance {
        GraphMapping.Instance(id: "o" + text, seriesID: "M", originalStart: .instant(Timestamp.parse(text)!))
    }

    @Test func unlistedInstancesInsideTheWindowAreCancelled() throws {
        let listed = [
            Self.stub("2026-03-02T08:00:00Z"), Self.stub("2026-03-16T08:00:00Z"),
            GraphMapping.Instance(
                id: "ex", seriesID: "M", originalStart: .instant(Timestamp.parse("2026-03-23T08:00:00Z")!),
                isException: true),
        ]
        let outcome = try GraphReconciliation.cancelledInstances(
            of: Self.timed, listed: listed, window: Self.window, calendarZone: nil)
        guard case .cancelled(let cancelled) = outcome else {
            Issue.record("not reconciled: \(outcome)")
            return
        }
        // The 9th and, after the DST change, the 30th at 07:00 UTC.
        #expect(cancelled.map(\.id) == ["M_20260309T080000Z", "M_20260330T070000Z"])
        #expect(cancelled.allSatisfy { $0.kind == .exception && $0.status == .cancelled && $0.seriesID == "M" })
        #expect(cancelled.last?.end == .instant(Timestamp.parse("2026-03-30T07:30:00Z")!))
    }

    @Test func anOccurrenceTheRuleDoesNotProduceCancelsNothing() throws {
        let listed = [Self.stub("2026-03-02T08:00:00Z"), Self.stub("2026-03-10T08:00:00Z")]
        let outcome = try GraphReconciliation.cancelledInstances(
            of: Self.timed, listed: listed, window: Self.window, calendarZone: nil)
        #expect(outcome == .ruleMismatch(.instant(Timestamp.parse("2026-03-10T08:00:00Z")!)))
    }

    @Test func allDayStubsAreComparedByTheirDay() throws {
        let master = CalendarEvent(
            id: "A", kind: .series, start: .date(CalendarDate("2026-03-06")!), end: .date(CalendarDate("2026-03-07")!),
            recurrence: ["RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=3"])
        let listed = ["2026-03-06T00:00:00Z", "2026-03-20T00:00:00Z"].map {
            GraphMapping.Instance(id: $0, seriesID: "A", originalStart: .instant(Timestamp.parse($0)!))
        }
        let outcome = try GraphReconciliation.cancelledInstances(
            of: master, listed: listed, window: Self.window, calendarZone: "Europe/Berlin")
        guard case .cancelled(let cancelled) = outcome else {
            Issue.record("not reconciled: \(outcome)")
            return
        }
        #expect(cancelled.map(\.id) == ["A_20260313"])
        #expect(cancelled.first?.start == .date(CalendarDate("2026-03-13")!))
        #expect(cancelled.first?.end == .date(CalendarDate("2026-03-14")!))
    }
}

extension GraphReconciliationTests {
    /// A stub's start in a zone east of UTC still names its own day for an all-day series.
    @Test func anAllDayStubKeepsItsWallClockDay() throws {
        let stub = #"""
            {"value":[{"id":"o","seriesMasterId":"A","type":"occurrence",
              "start":{"dateTime":"2026-03-13T00:00:00.0000000","timeZone":"W. Europe Standard Time"},
              "end":{"dateTime":"2026-03-14T00:00:00.0000000","timeZone":"W. Europe Standard Time"}}]}
            """#
        let page = try GraphMapping.page(Array(stub.utf8), fallbackZone: nil)
        let instance = try #require(page.instances.first)
        #expect(instance.originalStart == .instant(Timestamp.parse("2026-03-12T23:00:00Z")!))
        #expect(instance.start(allDay: true) == .date(CalendarDate("2026-03-13")!))
        #expect(instance.start(allDay: false) == instance.originalStart)
    }
}
