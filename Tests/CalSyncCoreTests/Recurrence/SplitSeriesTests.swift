import Foundation
import Testing

@testable import CalSyncModel
@testable import CalSyncRecurrence

/// "This and following" edits split a series (docs/providers-google.md "Applying items"): the old master gains an UNTIL
/// and a new master `<id>_R<timestamp>` starts where it stops. Together the two series show
/// every instance once: no duplicate at the seam and no gap.
struct SplitSeriesTests {
    struct SplitCase: Sendable, CustomTestStringConvertible {
        var name: String
        var zone: String?
        var calendarZone: String?
        /// The old master: its first start and end, and its lines with the new UNTIL.
        var old: (start: String, end: String, lines: [String])
        /// The new master `master_R…`.
        var new: (start: String, end: String, lines: [String])
        var window: (String, String)
        /// Both series' instances, in order (UTC instants or dates).
        var expected: [String]
        var newID = SplitSeriesTests.newID
        var testDescription: String { name }
    }

    static let newID = "master_R20260323T080000"

    static let cases: [SplitCase] = [
        SplitCase(
            name: "Berlin Mondays split on March 23, UNTIL one second before the new start",
            zone: RecurrenceCase.berlin,
            old: ("2026-03-02T09:00:00", "2026-03-02T10:00:00", ["RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260323T075959Z"]),
            new: ("2026-03-23T09:00:00", "2026-03-23T10:00:00", ["RRULE:FREQ=WEEKLY;BYDAY=MO"]),
            window: ("2026-03-01", "2026-04-01"), expected: RecurrenceCase.allMondaysInMarch),
        SplitCase(
            name: "Berlin Mondays split on March 23, UNTIL at the end of the day before (23:59:59 CET)",
            zone: RecurrenceCase.berlin,
            old: ("2026-03-02T09:00:00", "2026-03-02T10:00:00", ["RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260322T225959Z"]),
            new: ("2026-03-23T09:00:00", "2026-03-23T10:00:00", ["RRULE:FREQ=WEEKLY;BYDAY=MO"]),
            window: ("2026-03-01", "2026-04-01"), expected: RecurrenceCase.allMondaysInMarch),
        SplitCase(
            name: "Berlin Mondays move from 09:00 to 11:00 after the change to CEST", zone: RecurrenceCase.berlin,
            old: ("2026-03-02T09:00:00", "2026-03-02T10:00:00", ["RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260329T215959Z"]),
            new: ("2026-03-30T11:00:00", "2026-03-30T12:00:00", ["RRULE:FREQ=WEEKLY;BYDAY=MO"]),
            window: ("2026-03-01", "2026-04-14"),
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z",
                "2026-03-30T09:00:00Z", "2026-04-06T09:00:00Z", "2026-04-13T09:00:00Z",
            ]),
        SplitCase(
            name: "New York Mondays split on March 9, right after the change to EDT", zone: RecurrenceCase.newYork,
            old: ("2026-03-02T09:00:00", "2026-03-02T10:00:00", ["RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260309T035959Z"]),
            new: ("2026-03-09T09:00:00", "2026-03-09T10:00:00", ["RRULE:FREQ=WEEKLY;BYDAY=MO"]),
            window: ("2026-03-01", "2026-03-20"),
            expected: ["2026-03-02T14:00:00Z", "2026-03-09T13:00:00Z", "2026-03-16T13:00:00Z"]),
        SplitCase(
            name: "All-day Mondays split on March 16 with a date UNTIL", calendarZone: RecurrenceCase.berlin,
            old: ("2026-03-02", "2026-03-03", ["RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260315"]),
            new: ("2026-03-16", "2026-03-17", ["RRULE:FREQ=WEEKLY;BYDAY=MO"]), window: ("2026-03-01", "2026-04-01"),
            expected: ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"]),
        SplitCase(
            // Recorded: shared/fixtures/google/events-list-incremental-recurring-this-and-following-split.json;
            // UNTIL is 23:59:59 CDT on March 25, the new master starts at 07:30 CDT on March 26.
            name: "Recorded Google split of a daily series in Chicago", zone: RecurrenceCase.chicago,
            old: ("2025-03-24T07:30:00", "2025-03-24T08:15:00", ["RRULE:FREQ=DAILY;UNTIL=20250326T045959Z"]),
            new: ("2025-03-26T07:30:00", "2025-03-26T08:15:00", ["RRULE:FREQ=DAILY"]),
            window: ("2025-03-23", "2025-03-29"),
            expected: [
                "2025-03-24T12:30:00Z", "2025-03-25T12:30:00Z", "2025-03-26T12:30:00Z", "2025-03-27T12:30:00Z",
                "2025-03-28T12:30:00Z",
            ], newID: "master_R20250326T123000"),
    ]

    @Test(arguments: cases)
    func bothHalvesTogetherShowEveryInstanceOnce(_ split: SplitCase) throws {
        let zone = split.zone ?? split.calendarZone
        let window = SyncWindow(
            start: RecurrenceCase.instant(split.window.0), end: RecurrenceCase.instant(split.window.1))
        let expander = RecurrenceExpander()
        let oldMaster = CalendarEvent(
            id: RecurrenceCase.masterID, kind: .series, start: RecurrenceCase.time(split.old.start, zone: zone),
            end: RecurrenceCase.time(split.old.end, zone: zone), timeZone: split.zone, recurrence: split.old.lines)
        let newMaster = CalendarEvent(
            id: split.newID, kind: .series, start: RecurrenceCase.time(split.new.start, zone: zone),
            end: RecurrenceCase.time(split.new.end, zone: zone), timeZone: split.zone, recurrence: split.new.lines)

        let old = try expander.occurrences(
            of: oldMaster, exceptions: [], window: window, calendarTimeZone: split.calendarZone)
        let new = try expander.occurrences(
            of: newMaster, exceptions: [], window: window, calendarTimeZone: split.calendarZone)

        let all = (old.occurrences + new.occurrences).chronological
        #expect(all.map(\.start.description) == split.expected)
        #expect(Set(all.map(\.instanceID)).count == all.count, "no instance id twice")
        #expect(old.occurrences.allSatisfy { $0.seriesID == RecurrenceCase.masterID })
        #expect(new.occurrences.allSatisfy { $0.seriesID == split.newID && $0.instanceID.hasPrefix(split.newID + "_") })
    }
}
