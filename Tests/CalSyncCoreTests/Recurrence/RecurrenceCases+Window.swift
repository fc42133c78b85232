/// The window `[start, end)`: what overlaps it is in, what only touches it is out, and
/// rules far from their DTSTART keep their phase when the expander skips ahead.
extension RecurrenceCase {
    static let window: [RecurrenceCase] = [
        RecurrenceCase(
            // March 2 ends at the window's start, March 4 starts at its end.
            "Instances that only touch the window's edges are out", zone: berlin, start: "2026-03-02T09:00:00",
            end: "2026-03-02T10:00:00", lines: ["RRULE:FREQ=DAILY"],
            window: ("2026-03-02T09:00:00Z", "2026-03-04T08:00:00Z"), expected: ["2026-03-03T08:00:00Z"]),
        RecurrenceCase(
            "Zero-length instances count from the window's start, not at its end", zone: berlin,
            start: "2026-03-02T09:00:00", end: "2026-03-02T09:00:00", lines: ["RRULE:FREQ=DAILY"],
            window: ("2026-03-02T08:00:00Z", "2026-03-04T08:00:00Z"),
            expected: ["2026-03-02T08:00:00Z", "2026-03-03T08:00:00Z"]),
        RecurrenceCase(
            "An instance that began before the window and runs into it is in", zone: berlin,
            start: "2026-03-01T22:00:00", end: "2026-03-02T06:00:00", lines: ["RRULE:FREQ=WEEKLY"],
            window: ("2026-03-02", "2026-03-08"), expected: ["2026-03-01T21:00:00Z"],
            ends: ["2026-03-02T05:00:00Z"]),
        RecurrenceCase(
            "A series that starts after the window has no instances in it", zone: berlin,
            start: "2026-05-04T09:00:00", end: "2026-05-04T10:00:00", lines: weeklyMonday, window: march, expected: []),
        RecurrenceCase(
            "A series that ended before the window has no instances in it", zone: berlin,
            start: "2026-01-05T09:00:00", end: "2026-01-05T10:00:00",
            lines: ["RRULE:FREQ=WEEKLY;UNTIL=20260223T080000Z"], window: march, expected: []),
        RecurrenceCase(
            "An unknown series zone falls back to the calendar's", zone: "Mars/Olympus_Mons", calendarZone: newYork,
            start: "2026-03-02T14:00:00Z", end: "2026-03-02T15:00:00Z", lines: ["RRULE:FREQ=WEEKLY;COUNT=2"],
            window: march, expected: ["2026-03-02T14:00:00Z", "2026-03-09T13:00:00Z"]),
        RecurrenceCase(
            // 424 days = 10,176 hours after DTSTART; the next multiple of 5 is 10,180.
            "Every 5 hours keeps its phase fourteen months later", zone: "UTC", start: "2025-01-01T00:00:00Z",
            end: "2025-01-01T00:30:00Z", lines: ["RRULE:FREQ=HOURLY;INTERVAL=5"], window: ("2026-03-01", "2026-03-02"),
            expected: [
                "2026-03-01T04:00:00Z", "2026-03-01T09:00:00Z", "2026-03-01T14:00:00Z", "2026-03-01T19:00:00Z",
            ]),
        RecurrenceCase(
            // 59 days = 84,960 minutes after DTSTART; the next multiple of 7 is 84,966.
            "Every 7 minutes keeps its phase two months later", zone: "UTC", start: "2026-01-01T00:00:00Z",
            end: "2026-01-01T00:01:00Z", lines: ["RRULE:FREQ=MINUTELY;INTERVAL=7"],
            window: ("2026-03-01T00:00:00Z", "2026-03-01T00:30:00Z"),
            expected: [
                "2026-03-01T00:06:00Z", "2026-03-01T00:13:00Z", "2026-03-01T00:20:00Z", "2026-03-01T00:27:00Z",
            ]),
        RecurrenceCase(
            "Hourly at half past keeps its minutes two months later", zone: "UTC", start: "2026-01-01T00:30:00Z",
            end: "2026-01-01T00:45:00Z", lines: ["RRULE:FREQ=HOURLY"],
            window: ("2026-03-01T00:00:00Z", "2026-03-01T03:00:00Z"),
            expected: ["2026-03-01T00:30:00Z", "2026-03-01T01:30:00Z", "2026-03-01T02:30:00Z"]),
        RecurrenceCase(
            "Every minute at 30 seconds keeps its seconds two months later", zone: "UTC",
            start: "2026-01-01T09:00:30Z", end: "2026-01-01T09:00:40Z", lines: ["RRULE:FREQ=MINUTELY"],
            window: ("2026-03-01T00:00:00Z", "2026-03-01T00:03:00Z"),
            expected: ["2026-03-01T00:00:30Z", "2026-03-01T00:01:30Z", "2026-03-01T00:02:30Z"]),
        RecurrenceCase(
            // The window opens 176,400 s after DTSTART (176,400 = 7 × 25,200).
            "Every 7 seconds keeps its phase two days later", zone: "UTC", start: "2026-02-27T00:00:00Z",
            end: "2026-02-27T00:00:01Z", lines: ["RRULE:FREQ=SECONDLY;INTERVAL=7"],
            window: ("2026-03-01T01:00:00Z", "2026-03-01T01:00:20Z"),
            expected: ["2026-03-01T01:00:00Z", "2026-03-01T01:00:07Z", "2026-03-01T01:00:14Z"]),
        RecurrenceCase(
            "Every 3 hours limited by BYHOUR, fourteen months later", zone: "UTC", start: "2025-01-01T00:00:00Z",
            end: "2025-01-01T00:30:00Z", lines: ["RRULE:FREQ=HOURLY;INTERVAL=3;BYHOUR=9,12,15"],
            window: ("2026-03-01", "2026-03-02"),
            expected: ["2026-03-01T09:00:00Z", "2026-03-01T12:00:00Z", "2026-03-01T15:00:00Z"]),
        RecurrenceCase(
            "Every 20 minutes within the 9 o'clock hour, fourteen months later", zone: "UTC",
            start: "2025-01-01T00:10:00Z", end: "2025-01-01T00:15:00Z",
            lines: ["RRULE:FREQ=MINUTELY;INTERVAL=20;BYHOUR=9"],
            window: ("2026-03-01", "2026-03-02"),
            expected: ["2026-03-01T09:10:00Z", "2026-03-01T09:30:00Z", "2026-03-01T09:50:00Z"]),
        RecurrenceCase(
            "Every other year on March 2 keeps its phase", calendarZone: berlin, start: "2019-03-02", end: "2019-03-03",
            lines: ["RRULE:FREQ=YEARLY;INTERVAL=2"], window: ("2025-01-01", "2030-01-01"),
            expected: ["2025-03-02", "2027-03-02", "2029-03-02"]),
        mondays(
            "Instance changed to an all-day event",
            exceptions: [
                Exception(
                    id: "master_20260316T080000Z", originalStart: "2026-03-16T08:00:00Z", start: "2026-03-16",
                    end: "2026-03-17")
            ],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16", "2026-03-23T08:00:00Z",
                "2026-03-30T07:00:00Z",
            ],
            ends: [
                "2026-03-02T09:00:00Z", "2026-03-09T09:00:00Z", "2026-03-17", "2026-03-23T09:00:00Z",
                "2026-03-30T08:00:00Z",
            ]),
    ]
}
