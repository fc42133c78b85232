/// All-day series are dates from start to end (end exclusive) and never pass through UTC;
/// a timed series at midnight is an instant like any other.
extension RecurrenceCase {
    static let auckland = "Pacific/Auckland"

    static let allDay: [RecurrenceCase] = [
        RecurrenceCase(
            "All-day weekly with EXDATE;VALUE=DATE", calendarZone: berlin, start: "2026-03-02", end: "2026-03-03",
            lines: ["RRULE:FREQ=WEEKLY;BYDAY=MO", "EXDATE;VALUE=DATE:20260316"], window: ("2026-03-01", "2026-04-01"),
            expected: ["2026-03-02", "2026-03-09", "2026-03-23", "2026-03-30"],
            ends: ["2026-03-03", "2026-03-10", "2026-03-24", "2026-03-31"]),
        RecurrenceCase(
            "All-day weekly stays on its dates across Sydney's April change", calendarZone: sydney,
            start: "2026-03-30", end: "2026-03-31", lines: ["RRULE:FREQ=WEEKLY"], window: ("2026-03-25", "2026-04-15"),
            expected: ["2026-03-30", "2026-04-06", "2026-04-13"], ends: ["2026-03-31", "2026-04-07", "2026-04-14"]),
        RecurrenceCase(
            "Floating all-day series in Auckland keeps its dates", calendarZone: auckland, start: "2026-03-06",
            end: "2026-03-07", lines: ["RRULE:FREQ=WEEKLY;COUNT=3"], window: ("2026-03-01", "2026-04-01"),
            expected: ["2026-03-06", "2026-03-13", "2026-03-20"], ends: ["2026-03-07", "2026-03-14", "2026-03-21"]),
        RecurrenceCase(
            "Timed series at midnight in Auckland starts on the previous UTC day", zone: auckland,
            start: "2026-03-06T00:00:00", end: "2026-03-07T00:00:00", lines: ["RRULE:FREQ=WEEKLY;COUNT=3"],
            window: ("2026-03-01", "2026-04-01"),
            expected: ["2026-03-05T11:00:00Z", "2026-03-12T11:00:00Z", "2026-03-19T11:00:00Z"],
            ends: ["2026-03-06T11:00:00Z", "2026-03-13T11:00:00Z", "2026-03-20T11:00:00Z"]),
        RecurrenceCase(
            "All-day three-day weekend keeps its length", calendarZone: berlin, start: "2026-03-06", end: "2026-03-09",
            lines: ["RRULE:FREQ=WEEKLY"], window: ("2026-03-01", "2026-03-22"),
            expected: ["2026-03-06", "2026-03-13", "2026-03-20"], ends: ["2026-03-09", "2026-03-16", "2026-03-23"]),
        RecurrenceCase(
            // February 27 to March 2 ends at midnight Berlin, 2026-03-01T23:00Z: inside the window.
            "All-day instance that began before the window still overlaps it", calendarZone: berlin,
            start: "2026-02-27", end: "2026-03-02", lines: ["RRULE:FREQ=WEEKLY"], window: ("2026-03-01", "2026-03-14"),
            expected: ["2026-02-27", "2026-03-06", "2026-03-13"]),
        RecurrenceCase(
            "All-day RDATE;VALUE=DATE adds days", calendarZone: berlin, start: "2026-03-02", end: "2026-03-03",
            lines: ["RRULE:FREQ=WEEKLY;COUNT=2", "RDATE;VALUE=DATE:20260304,20260320"],
            window: ("2026-03-01", "2026-04-01"), expected: ["2026-03-02", "2026-03-04", "2026-03-09", "2026-03-20"],
            ends: ["2026-03-03", "2026-03-05", "2026-03-10", "2026-03-21"]),
        RecurrenceCase(
            // 20:00 in New York on March 15 is 01:00 on March 16 in Berlin.
            "All-day EXDATE written as a time in another zone removes the day it falls on here",
            calendarZone: berlin, start: "2026-03-02", end: "2026-03-03",
            lines: ["RRULE:FREQ=WEEKLY;BYDAY=MO", "EXDATE;TZID=America/New_York:20260315T200000"],
            window: ("2026-03-01", "2026-04-01"), expected: ["2026-03-02", "2026-03-09", "2026-03-23", "2026-03-30"]),
        RecurrenceCase(
            "All-day UNTIL as a date includes that day", calendarZone: berlin, start: "2026-03-02", end: "2026-03-03",
            lines: ["RRULE:FREQ=DAILY;UNTIL=20260305"], window: ("2026-03-01", "2026-04-01"),
            expected: ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]),
    ]
}
