/// Month lengths, ordinals, BYSETPOS, leap days, COUNT against UNTIL and phases kept years
/// after DTSTART (the expander skips ahead to the window). Berlin is +1 until 2026-03-29
/// and +2 until 2026-10-25; New York −5 until 2026-03-08 and −4 until 2026-11-01.
extension RecurrenceCase {
    static let monthlyAndYearly: [RecurrenceCase] = [
        RecurrenceCase(
            "Monthly on the 31st skips the short months", zone: berlin, start: "2026-01-31T10:00:00",
            end: "2026-01-31T11:00:00", lines: ["RRULE:FREQ=MONTHLY"], window: ("2026-01-01", "2026-09-01"),
            expected: [
                "2026-01-31T09:00:00Z", "2026-03-31T08:00:00Z", "2026-05-31T08:00:00Z", "2026-07-31T08:00:00Z",
                "2026-08-31T08:00:00Z",
            ]),
        RecurrenceCase(
            "Monthly BYMONTHDAY=31 six years after the start", zone: berlin, start: "2020-01-31T10:00:00",
            end: "2020-01-31T11:00:00", lines: ["RRULE:FREQ=MONTHLY;BYMONTHDAY=31"],
            window: ("2026-04-01", "2026-08-01"),
            expected: ["2026-05-31T08:00:00Z", "2026-07-31T08:00:00Z"]),
        RecurrenceCase(
            "Monthly BYMONTHDAY=-1 takes every month's last day", zone: berlin, start: "2026-01-31T10:00:00",
            end: "2026-01-31T11:00:00", lines: ["RRULE:FREQ=MONTHLY;BYMONTHDAY=-1"],
            window: ("2026-01-01", "2026-05-01"),
            expected: [
                "2026-01-31T09:00:00Z", "2026-02-28T09:00:00Z", "2026-03-31T08:00:00Z", "2026-04-30T08:00:00Z",
            ]),
        RecurrenceCase(
            "Last Friday of the month (BYDAY=-1FR)", zone: newYork, start: "2026-01-30T16:00:00",
            end: "2026-01-30T17:00:00", lines: ["RRULE:FREQ=MONTHLY;BYDAY=-1FR"], window: ("2026-01-01", "2026-06-01"),
            expected: [
                "2026-01-30T21:00:00Z", "2026-02-27T21:00:00Z", "2026-03-27T20:00:00Z", "2026-04-24T20:00:00Z",
                "2026-05-29T20:00:00Z",
            ]),
        RecurrenceCase(
            "Last Friday of the month two years after the start", zone: newYork, start: "2024-01-26T16:00:00",
            end: "2024-01-26T17:00:00", lines: ["RRULE:FREQ=MONTHLY;BYDAY=-1FR"], window: ("2026-10-01", "2027-01-01"),
            expected: ["2026-10-30T20:00:00Z", "2026-11-27T21:00:00Z", "2026-12-25T21:00:00Z"]),
        RecurrenceCase(
            "BYSETPOS=-1 is the last weekday of the month", zone: berlin, start: "2026-01-30T09:00:00",
            end: "2026-01-30T10:00:00", lines: ["RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"],
            window: ("2026-01-01", "2026-06-01"),
            expected: [
                "2026-01-30T08:00:00Z", "2026-02-27T08:00:00Z", "2026-03-31T07:00:00Z", "2026-04-30T07:00:00Z",
                "2026-05-29T07:00:00Z",
            ]),
        RecurrenceCase(
            "BYSETPOS=1 is the first weekday of the month, three years after the start", zone: berlin,
            start: "2023-01-02T09:00:00", end: "2023-01-02T10:00:00",
            lines: ["RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1"], window: ("2026-01-01", "2026-07-01"),
            expected: [
                "2026-01-01T08:00:00Z", "2026-02-02T08:00:00Z", "2026-03-02T08:00:00Z", "2026-04-01T07:00:00Z",
                "2026-05-01T07:00:00Z", "2026-06-01T07:00:00Z",
            ]),
        RecurrenceCase(
            "BYSETPOS=2,-1 is the second and the last Monday", zone: berlin, start: "2026-01-12T09:00:00",
            end: "2026-01-12T10:00:00", lines: ["RRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=2,-1;COUNT=4"],
            window: ("2026-01-01", "2026-12-01"),
            expected: [
                "2026-01-12T08:00:00Z", "2026-01-26T08:00:00Z", "2026-02-09T08:00:00Z", "2026-02-23T08:00:00Z",
            ]),
        RecurrenceCase(
            "Yearly on February 29 comes only in leap years", calendarZone: berlin, start: "2024-02-29",
            end: "2024-03-01", lines: ["RRULE:FREQ=YEARLY"], window: ("2024-01-01", "2033-01-01"),
            expected: ["2024-02-29", "2028-02-29", "2032-02-29"], ends: ["2024-03-01", "2028-03-01", "2032-03-01"]),
        RecurrenceCase(
            "Yearly on February 29 at noon, COUNT=3 spans eight years", zone: newYork, start: "2024-02-29T12:00:00",
            end: "2024-02-29T13:00:00", lines: ["RRULE:FREQ=YEARLY;COUNT=3"], window: ("2024-01-01", "2040-01-01"),
            expected: ["2024-02-29T17:00:00Z", "2028-02-29T17:00:00Z", "2032-02-29T17:00:00Z"]),
        RecurrenceCase(
            "Yearly on the last day of February", calendarZone: berlin, start: "2025-02-28", end: "2025-03-01",
            lines: ["RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"], window: ("2025-01-01", "2029-01-01"),
            expected: ["2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"]),
        RecurrenceCase(
            "COUNT=4 from DTSTART", zone: berlin, start: "2026-01-05T09:00:00", end: "2026-01-05T10:00:00",
            lines: ["RRULE:FREQ=WEEKLY;COUNT=4"], window: ("2026-01-01", "2026-03-01"),
            expected: [
                "2026-01-05T08:00:00Z", "2026-01-12T08:00:00Z", "2026-01-19T08:00:00Z", "2026-01-26T08:00:00Z",
            ]),
        RecurrenceCase(
            "COUNT counts from DTSTART, not from the window", zone: berlin, start: "2026-01-05T09:00:00",
            end: "2026-01-05T10:00:00", lines: ["RRULE:FREQ=WEEKLY;COUNT=4"], window: ("2026-01-15", "2026-03-01"),
            expected: ["2026-01-19T08:00:00Z", "2026-01-26T08:00:00Z"]),
        RecurrenceCase(
            "UNTIL at the last instance's UTC instant includes it", zone: berlin, start: "2026-01-05T09:00:00",
            end: "2026-01-05T10:00:00", lines: ["RRULE:FREQ=WEEKLY;UNTIL=20260126T080000Z"],
            window: ("2026-01-01", "2026-03-01"),
            expected: [
                "2026-01-05T08:00:00Z", "2026-01-12T08:00:00Z", "2026-01-19T08:00:00Z", "2026-01-26T08:00:00Z",
            ]),
        RecurrenceCase(
            "UNTIL one second earlier excludes it", zone: berlin, start: "2026-01-05T09:00:00",
            end: "2026-01-05T10:00:00", lines: ["RRULE:FREQ=WEEKLY;UNTIL=20260126T075959Z"],
            window: ("2026-01-01", "2026-03-01"),
            expected: ["2026-01-05T08:00:00Z", "2026-01-12T08:00:00Z", "2026-01-19T08:00:00Z"]),
        RecurrenceCase(
            // Read as UTC, 08:59:59Z would keep the 08:00Z instance of January 26.
            "UNTIL without Z is the series' own wall-clock time", zone: berlin, start: "2026-01-05T09:00:00",
            end: "2026-01-05T10:00:00", lines: ["RRULE:FREQ=WEEKLY;UNTIL=20260126T085959"],
            window: ("2026-01-01", "2026-03-01"),
            expected: ["2026-01-05T08:00:00Z", "2026-01-12T08:00:00Z", "2026-01-19T08:00:00Z"]),
        RecurrenceCase(
            "UNTIL as a date on a timed series includes that day", zone: berlin, start: "2026-01-05T09:00:00",
            end: "2026-01-05T10:00:00", lines: ["RRULE:FREQ=WEEKLY;UNTIL=20260126"],
            window: ("2026-01-01", "2026-03-01"),
            expected: [
                "2026-01-05T08:00:00Z", "2026-01-12T08:00:00Z", "2026-01-19T08:00:00Z", "2026-01-26T08:00:00Z",
            ]),
        RecurrenceCase(
            "Every other week keeps its phase a year later", zone: berlin, start: "2025-01-06T09:00:00",
            end: "2025-01-06T10:00:00", lines: ["RRULE:FREQ=WEEKLY;INTERVAL=2"], window: ("2026-03-01", "2026-04-01"),
            expected: ["2026-03-02T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-30T07:00:00Z"]),
        RecurrenceCase(
            "Every third month on the 15th keeps its phase two years later", zone: berlin,
            start: "2024-01-15T12:00:00", end: "2024-01-15T13:00:00", lines: ["RRULE:FREQ=MONTHLY;INTERVAL=3"],
            window: ("2026-01-01", "2027-01-01"),
            expected: [
                "2026-01-15T11:00:00Z", "2026-04-15T10:00:00Z", "2026-07-15T10:00:00Z", "2026-10-15T10:00:00Z",
            ]),
    ]
}
