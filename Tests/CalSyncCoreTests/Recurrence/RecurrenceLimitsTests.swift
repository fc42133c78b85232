import Foundation
import Testing

@testable import CalSyncModel
@testable import CalSyncRecurrence

/// What the expander refuses or cuts: unreadable recurrences throw `.decoding` (the store
/// quarantines that one series) and pathological rules stop at `maximumInstances`.
struct RecurrenceLimitsTests {
    static let window = SyncWindow(
        start: RecurrenceCase.instant("2026-03-01"), end: RecurrenceCase.instant("2026-04-01"))

    static func series(lines: [String], start: EventTime? = nil, end: EventTime? = nil) -> CalendarEvent {
        CalendarEvent(
            id: RecurrenceCase.masterID, kind: .series,
            start: start ?? RecurrenceCase.time("2026-03-02T09:00:00", zone: RecurrenceCase.berlin),
            end: end ?? RecurrenceCase.time("2026-03-02T10:00:00", zone: RecurrenceCase.berlin),
            timeZone: RecurrenceCase.berlin, recurrence: lines)
    }

    @Test func theDefaultCapIsTenThousandInstances() {
        #expect(RecurrenceExpander().maximumInstances == 10_000)
    }

    /// Every second from 10:00Z: the first 10,000 seconds of the window, 10:00:00Z to
    /// 12:46:39Z, and the cut reported.
    @Test func aSecondlyRuleStopsAtTheDefaultCapFromTheWindowStart() throws {
        let window = SyncWindow(
            start: RecurrenceCase.instant("2026-03-02T10:00:00Z"), end: RecurrenceCase.instant("2026-03-03"))
        let master = Self.series(
            lines: ["RRULE:FREQ=SECONDLY"],
            end: RecurrenceCase.time("2026-03-02T09:00:01", zone: RecurrenceCase.berlin))
        let expansion = try RecurrenceExpander().occurrences(
            of: master, exceptions: [], window: window, calendarTimeZone: nil)
        let occurrences = expansion.occurrences.chronological
        #expect(expansion.truncated)
        #expect(occurrences.count == 10_000)
        #expect(occurrences.first?.start.description == "2026-03-02T10:00:00Z")
        #expect(occurrences.last?.start.description == "2026-03-02T12:46:39Z")
        #expect(Set(occurrences.map(\.instanceID)).count == 10_000)
    }

    static let unreadable: [[String]] = [
        ["RRULE:FREQ=FORTNIGHTLY"],
        ["RRULE:BYDAY=MO"],
        ["RRULE:"],
        ["RRULE:FREQ=WEEKLY;BYDAY=MO", "EXDATE:2026-03-09"],
        ["RRULE:FREQ=WEEKLY", "RDATE;TZID=Europe/Berlin:20260399T090000"],
        // February 31 is no day; read as March 3 it would silently remove that instance.
        ["RRULE:FREQ=DAILY", "EXDATE;TZID=Europe/Berlin:20260231T090000"],
        ["X-GOOGLE-CALENDAR-CONTENT:1"],
        ["WEEKLY"],
    ]

    @Test(arguments: unreadable)
    func anUnreadableRecurrenceThrowsDecoding(_ lines: [String]) {
        #expect {
            try RecurrenceExpander().occurrences(
                of: Self.series(lines: lines), exceptions: [], window: Self.window, calendarTimeZone: nil)
        } throws: { error in
            (error as? CalSyncError)?.code == .decoding
        }
    }

    @Test func aSeriesMixingADateAndATimeThrowsDecoding() {
        let master = Self.series(
            lines: ["RRULE:FREQ=WEEKLY"], start: .date(CalendarDate(year: 2026, month: 3, day: 2)),
            end: RecurrenceCase.time("2026-03-02T10:00:00", zone: RecurrenceCase.berlin))
        #expect {
            try RecurrenceExpander().occurrences(of: master, exceptions: [], window: Self.window, calendarTimeZone: nil)
        } throws: { error in
            (error as? CalSyncError)?.code == .decoding
        }
    }

    @Test func instanceIDsFollowGooglesForm() throws {
        let timed = try RecurrenceExpander().occurrences(
            of: Self.series(lines: ["RRULE:FREQ=WEEKLY;COUNT=2"]), exceptions: [], window: Self.window,
            calendarTimeZone: nil)
        #expect(
            timed.occurrences.chronological.map(\.instanceID) == ["master_20260302T080000Z", "master_20260309T080000Z"])

        let allDay = try RecurrenceExpander().occurrences(
            of: Self.series(
                lines: ["RRULE:FREQ=WEEKLY;COUNT=2"], start: .date(CalendarDate(year: 2026, month: 3, day: 2)),
                end: .date(CalendarDate(year: 2026, month: 3, day: 3))),
            exceptions: [], window: Self.window, calendarTimeZone: nil)
        #expect(allDay.occurrences.chronological.map(\.instanceID) == ["master_20260302", "master_20260309"])
    }
}
