/// Recurrence lines as Google sends them in the wild (docs/providers-google.md "Recurrence": be lenient). Unless a
/// case says otherwise the series is Monday 09:00–10:00 in Berlin from 2026-03-02 and the
/// window is March: March 2, 9, 16 and 23 at 08:00Z and March 30 at 07:00Z.
extension RecurrenceCase {
    /// Monday 09:00 Berlin from March 2 with these lines.
    static func mondays(
        _ name: String, lines: [String], end: String = "2026-03-02T10:00:00", expected: [String]
    )
        -> RecurrenceCase
    {
        RecurrenceCase(
            name, zone: berlin, start: "2026-03-02T09:00:00", end: end, lines: lines, window: march, expected: expected)
    }

    static let allMondaysInMarch = [
        "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z",
        "2026-03-30T07:00:00Z",
    ]

    static let providerLines: [RecurrenceCase] = [
        mondays("RRULE without its prefix", lines: ["FREQ=WEEKLY;BYDAY=MO"], expected: allMondaysInMarch),
        mondays(
            "Lower-case rule", lines: ["rrule:freq=weekly;byday=mo;count=2"],
            expected: ["2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z"]),
        mondays(
            "EXDATE;TZID in the series' zone", lines: weeklyMonday + ["EXDATE;TZID=Europe/Berlin:20260309T090000"],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z",
            ]),
        mondays(
            "EXDATE;TZID in another zone names the same instant",
            lines: weeklyMonday + ["EXDATE;TZID=America/New_York:20260323T040000"],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-30T07:00:00Z",
            ]),
        mondays(
            "EXDATE in UTC", lines: weeklyMonday + ["EXDATE:20260330T070000Z"],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z",
            ]),
        mondays(
            "EXDATE with a Windows zone name",
            lines: weeklyMonday + ["EXDATE;TZID=W. Europe Standard Time:20260316T090000"],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z",
            ]),
        mondays(
            "EXDATE with a quoted TZID and VALUE=DATE-TIME",
            lines: weeklyMonday + ["EXDATE;VALUE=DATE-TIME;TZID=\"Europe/Berlin\":20260309T090000"],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z",
            ]),
        mondays(
            "EXDATE with several values on several lines",
            lines: weeklyMonday + [
                "EXDATE;TZID=Europe/Berlin:20260302T090000,20260316T090000", "EXDATE:20260330T070000Z",
            ],
            expected: ["2026-03-09T08:00:00Z", "2026-03-23T08:00:00Z"]),
        mondays(
            "EXDATE for a time the rule does not make removes nothing",
            lines: weeklyMonday + ["EXDATE;TZID=Europe/Berlin:20260309T100000"], expected: allMondaysInMarch),
        mondays(
            // As libical does: a date in EXDATE removes the instances of that day in the series' zone.
            "EXDATE;VALUE=DATE on a timed series removes that day's instance",
            lines: weeklyMonday + ["EXDATE;VALUE=DATE:20260316,20260330"],
            expected: ["2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-23T08:00:00Z"]),
        mondays(
            "RDATE on an instance of the rule is not doubled, EXDATE removes an RDATE",
            lines: [
                "RRULE:FREQ=WEEKLY;COUNT=2", "RDATE;TZID=Europe/Berlin:20260309T090000,20260312T090000",
                "RDATE:20260313T080000Z", "EXDATE:20260312T080000Z",
            ],
            expected: ["2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-13T08:00:00Z"]),
        mondays(
            "Several RRULE lines are united without duplicates",
            lines: ["RRULE:FREQ=WEEKLY;BYDAY=MO", "RRULE:FREQ=WEEKLY;BYDAY=MO,TH;COUNT=3"],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-05T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z",
                "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z",
            ]),
        mondays(
            "RDATE;TZID adds an instance",
            lines: ["RRULE:FREQ=WEEKLY;COUNT=2", "RDATE;TZID=Europe/Berlin:20260318T150000"],
            expected: ["2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-18T14:00:00Z"]),
        mondays(
            "RDATE as a period adds its start",
            lines: ["RRULE:FREQ=WEEKLY;COUNT=1", "RDATE;VALUE=PERIOD:20260318T140000Z/PT2H"],
            expected: ["2026-03-02T08:00:00Z", "2026-03-18T14:00:00Z"]),
        mondays(
            "Only RDATE lines, no rule", lines: ["RDATE;TZID=Europe/Berlin:20260310T090000,20260317T090000"],
            expected: ["2026-03-02T08:00:00Z", "2026-03-10T08:00:00Z", "2026-03-17T08:00:00Z"]),
        mondays(
            "Blank lines, padding and EXRULE are ignored",
            lines: ["", "  RRULE:FREQ=WEEKLY;COUNT=2  ", "EXRULE:FREQ=WEEKLY;BYDAY=MO"],
            expected: ["2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z"]),
        RecurrenceCase(
            "Timed end before start is an instant without length", zone: berlin, start: "2026-03-02T09:00:00",
            end: "2026-03-02T08:00:00", lines: ["RRULE:FREQ=WEEKLY;COUNT=2"], window: march,
            expected: ["2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z"],
            ends: ["2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z"]),
        RecurrenceCase(
            "All-day end before start is one day", calendarZone: berlin, start: "2026-03-02", end: "2026-03-01",
            lines: ["RRULE:FREQ=WEEKLY;COUNT=2"], window: march, expected: ["2026-03-02", "2026-03-09"],
            ends: ["2026-03-03", "2026-03-10"]),
    ]

    /// Bounds: infinite series end at the window, pathological ones at `maximumInstances`.
    static let limits: [RecurrenceCase] = [
        RecurrenceCase(
            "An infinite daily series is bounded by the window", zone: "UTC", start: "2020-01-01T07:00:00Z",
            end: "2020-01-01T07:30:00Z", lines: ["RRULE:FREQ=DAILY"], window: ("2026-03-01", "2026-03-04"),
            expected: ["2026-03-01T07:00:00Z", "2026-03-02T07:00:00Z", "2026-03-03T07:00:00Z"]),
        RecurrenceCase(
            "FREQ=MINUTELY is capped at maximumInstances from the window's start, and reported", zone: "UTC",
            start: "2026-03-02T09:00:00Z", end: "2026-03-02T09:00:30Z", lines: ["RRULE:FREQ=MINUTELY"],
            window: ("2026-03-02T12:00:00Z", "2026-03-03"), maximumInstances: 5,
            expected: [
                "2026-03-02T12:00:00Z", "2026-03-02T12:01:00Z", "2026-03-02T12:02:00Z", "2026-03-02T12:03:00Z",
                "2026-03-02T12:04:00Z",
            ], truncated: true),
        RecurrenceCase(
            "FREQ=SECONDLY is capped at maximumInstances, and reported", zone: berlin, start: "2026-03-02T09:00:00",
            end: "2026-03-02T09:00:01", lines: ["RRULE:FREQ=SECONDLY"], window: ("2026-03-02T10:00:00Z", "2026-03-03"),
            maximumInstances: 3, expected: ["2026-03-02T10:00:00Z", "2026-03-02T10:00:01Z", "2026-03-02T10:00:02Z"],
            truncated: true),
        RecurrenceCase(
            "Exactly maximumInstances instances are not reported as cut", zone: "UTC", start: "2026-03-02T09:00:00Z",
            end: "2026-03-02T09:30:00Z", lines: ["RRULE:FREQ=DAILY;COUNT=3"], window: march, maximumInstances: 3,
            expected: ["2026-03-02T09:00:00Z", "2026-03-03T09:00:00Z", "2026-03-04T09:00:00Z"]),
        RecurrenceCase(
            "A rule that never matches (February 30) has no instances", zone: berlin, start: "2025-03-03T09:00:00",
            end: "2025-03-03T10:00:00", lines: ["RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"],
            window: ("2026-01-01", "2027-01-01"), expected: []),
    ]
}
