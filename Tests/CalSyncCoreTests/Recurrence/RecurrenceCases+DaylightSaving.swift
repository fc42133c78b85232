/// Wall-clock time holds across DST changes; the UTC instants shift. 2026 changes:
/// America/New_York March 8 (−5 → −4) and November 1; Europe/Berlin March 29 (+1 → +2)
/// and October 25; Australia/Sydney April 5 (+11 → +10) and October 4 (+10 → +11).
/// A time in a spring-forward gap is read with the offset before the gap and a time that
/// occurs twice is the first of the two (RFC 5545 section 3.3.5).
extension RecurrenceCase {
    static let berlin = "Europe/Berlin"
    static let sydney = "Australia/Sydney"

    static let daylightSaving: [RecurrenceCase] = [
        RecurrenceCase(
            "New York weekly Monday 09:00 across March 8", zone: newYork, start: "2026-02-23T09:00:00",
            end: "2026-02-23T10:00:00", lines: ["RRULE:FREQ=WEEKLY;BYDAY=MO"], window: ("2026-02-28", "2026-03-22"),
            expected: ["2026-03-02T14:00:00Z", "2026-03-09T13:00:00Z", "2026-03-16T13:00:00Z"],
            ends: ["2026-03-02T15:00:00Z", "2026-03-09T14:00:00Z", "2026-03-16T14:00:00Z"]),
        RecurrenceCase(
            "New York weekly Tuesday 09:00 across November 1", zone: newYork, start: "2026-10-06T09:00:00",
            end: "2026-10-06T09:30:00", lines: ["RRULE:FREQ=WEEKLY;BYDAY=TU"], window: ("2026-10-25", "2026-11-11"),
            expected: ["2026-10-27T13:00:00Z", "2026-11-03T14:00:00Z", "2026-11-10T14:00:00Z"]),
        RecurrenceCase(
            "New York Sunday 02:30 falls in the March gap and becomes 03:30 EDT", zone: newYork,
            start: "2026-02-22T02:30:00", end: "2026-02-22T03:00:00", lines: ["RRULE:FREQ=WEEKLY"],
            window: ("2026-03-01", "2026-03-16"),
            expected: ["2026-03-01T07:30:00Z", "2026-03-08T07:30:00Z", "2026-03-15T06:30:00Z"]),
        RecurrenceCase(
            "New York Sunday 01:30 on November 1 is the first 01:30 (EDT)", zone: newYork,
            start: "2026-10-18T01:30:00", end: "2026-10-18T02:00:00", lines: ["RRULE:FREQ=WEEKLY"],
            window: ("2026-10-25", "2026-11-09"),
            expected: ["2026-10-25T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-08T06:30:00Z"]),
        RecurrenceCase(
            "Berlin weekly Monday 09:00 across March 29", zone: berlin, start: "2026-03-02T09:00:00",
            end: "2026-03-02T10:00:00", lines: ["RRULE:FREQ=WEEKLY;BYDAY=MO"], window: ("2026-03-20", "2026-04-10"),
            expected: ["2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z", "2026-04-06T07:00:00Z"],
            ends: ["2026-03-23T09:00:00Z", "2026-03-30T08:00:00Z", "2026-04-06T08:00:00Z"]),
        RecurrenceCase(
            "Berlin weekly Thursday 18:00 across October 25", zone: berlin, start: "2026-10-01T18:00:00",
            end: "2026-10-01T19:00:00", lines: ["RRULE:FREQ=WEEKLY;BYDAY=TH"], window: ("2026-10-20", "2026-11-03"),
            expected: ["2026-10-22T16:00:00Z", "2026-10-29T17:00:00Z"]),
        RecurrenceCase(
            "Berlin Sunday 02:30 falls in the March gap and becomes 03:30 CEST", zone: berlin,
            start: "2026-03-15T02:30:00", end: "2026-03-15T03:00:00", lines: ["RRULE:FREQ=WEEKLY;BYDAY=SU"],
            window: ("2026-03-21", "2026-04-06"),
            expected: ["2026-03-22T01:30:00Z", "2026-03-29T01:30:00Z", "2026-04-05T00:30:00Z"]),
        RecurrenceCase(
            "Berlin daily 08:00 across October 25", zone: berlin, start: "2026-10-01T08:00:00",
            end: "2026-10-01T08:15:00", lines: ["RRULE:FREQ=DAILY"], window: ("2026-10-24", "2026-10-27"),
            expected: ["2026-10-24T06:00:00Z", "2026-10-25T07:00:00Z", "2026-10-26T07:00:00Z"]),
        RecurrenceCase(
            "Sydney weekly Monday 09:00 across April 5", zone: sydney, start: "2026-03-02T09:00:00",
            end: "2026-03-02T10:00:00", lines: ["RRULE:FREQ=WEEKLY;BYDAY=MO"], window: ("2026-03-28", "2026-04-12"),
            expected: ["2026-03-29T22:00:00Z", "2026-04-05T23:00:00Z"]),
        RecurrenceCase(
            "Sydney weekly Monday 09:00 across October 4", zone: sydney, start: "2026-09-07T09:00:00",
            end: "2026-09-07T10:00:00", lines: ["RRULE:FREQ=WEEKLY;BYDAY=MO"], window: ("2026-09-27", "2026-10-12"),
            expected: ["2026-09-27T23:00:00Z", "2026-10-04T22:00:00Z", "2026-10-11T22:00:00Z"]),
        RecurrenceCase(
            "Sydney Sunday 02:30 falls in the October gap and becomes 03:30 AEDT", zone: sydney,
            start: "2026-09-20T02:30:00", end: "2026-09-20T03:00:00", lines: ["RRULE:FREQ=WEEKLY"],
            window: ("2026-09-26", "2026-10-12"),
            expected: ["2026-09-26T16:30:00Z", "2026-10-03T16:30:00Z", "2026-10-10T15:30:00Z"]),
        RecurrenceCase(
            "Sydney daily 02:30 on April 5 is the first 02:30 (AEDT)", zone: sydney, start: "2026-04-01T02:30:00",
            end: "2026-04-01T02:45:00", lines: ["RRULE:FREQ=DAILY"], window: ("2026-04-03T12:00:00Z", "2026-04-06"),
            expected: ["2026-04-03T15:30:00Z", "2026-04-04T15:30:00Z", "2026-04-05T16:30:00Z"]),
        RecurrenceCase(
            // Wrongly read with DTSTART's +11 the UNTIL would be 09:59:59 and keep April 6.
            "Sydney UNTIL in UTC is read with the offset of its own day", zone: sydney,
            start: "2026-03-02T09:00:00", end: "2026-03-02T10:00:00",
            lines: ["RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260405T225959Z"], window: ("2026-03-20", "2026-04-20"),
            expected: ["2026-03-22T22:00:00Z", "2026-03-29T22:00:00Z"]),
        RecurrenceCase(
            "The series' zone wins over the calendar's", zone: berlin, calendarZone: newYork,
            start: "2026-03-02T09:00:00", end: "2026-03-02T10:00:00", lines: ["RRULE:FREQ=WEEKLY"],
            window: ("2026-03-01", "2026-03-20"),
            expected: ["2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z"]),
        RecurrenceCase(
            "Without a series zone the calendar's zone holds the wall-clock time", calendarZone: newYork,
            start: "2026-03-02T09:00:00", end: "2026-03-02T10:00:00", lines: ["RRULE:FREQ=WEEKLY"],
            window: ("2026-03-01", "2026-03-20"),
            expected: ["2026-03-02T14:00:00Z", "2026-03-09T13:00:00Z", "2026-03-16T13:00:00Z"]),
        RecurrenceCase(
            "Without any zone the series repeats in UTC", start: "2026-03-02T09:00:00Z", end: "2026-03-02T10:00:00Z",
            lines: ["RRULE:FREQ=WEEKLY"], window: ("2026-03-01", "2026-04-06"),
            expected: [
                "2026-03-02T09:00:00Z", "2026-03-09T09:00:00Z", "2026-03-16T09:00:00Z", "2026-03-23T09:00:00Z",
                "2026-03-30T09:00:00Z",
            ]),
        RecurrenceCase(
            // RFC 5545 3.8.5.3: a DTEND duration is exact, so a 5-hour night stays 5 hours.
            "New York overnight event over the March change keeps its exact length", zone: newYork,
            start: "2026-02-28T23:00:00", end: "2026-03-01T04:00:00", lines: ["RRULE:FREQ=WEEKLY;BYDAY=SA"],
            window: ("2026-03-01T12:00:00Z", "2026-03-10"), expected: ["2026-03-08T04:00:00Z"],
            ends: ["2026-03-08T09:00:00Z"]),
    ]
}
