import Foundation

/// Changed, moved and cancelled instances. Unless a case says otherwise the series is
/// Monday 09:00–10:00 in Berlin from 2026-03-02, and the window is March: the instances are
/// March 2, 9, 16 and 23 at 08:00Z and March 30 at 07:00Z (after the change to CEST).
extension RecurrenceCase {
    static let weeklyMonday = ["RRULE:FREQ=WEEKLY;BYDAY=MO"]
    static let march = ("2026-03-01", "2026-04-01")

    /// Monday 09:00 Berlin from March 2 with these exceptions.
    static func mondays(
        _ name: String, start: String = "2026-03-02T09:00:00", exceptions: [Exception], expected: [String],
        ends: [String]? = nil, eventIDs: [String]? = nil
    ) -> RecurrenceCase {
        RecurrenceCase(
            name, zone: berlin, start: start, end: start.replacingOccurrences(of: "T09:", with: "T10:"),
            lines: weeklyMonday, window: march, exceptions: exceptions, expected: expected, ends: ends,
            eventIDs: eventIDs)
    }

    static let exceptions: [RecurrenceCase] = [
        mondays(
            "Edited instance keeps its slot and shows the exception's details",
            exceptions: [
                Exception(
                    id: "master_20260309T080000Z", originalStart: "2026-03-09T08:00:00Z", start: "2026-03-09T09:00:00",
                    end: "2026-03-09T10:00:00")
            ],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z",
                "2026-03-30T07:00:00Z",
            ],
            eventIDs: ["master", "master_20260309T080000Z", "master", "master", "master"]),
        mondays(
            "Instance moved to Wednesday inside the window",
            exceptions: [
                Exception(
                    id: "master_20260316T080000Z", originalStart: "2026-03-16T08:00:00Z", start: "2026-03-18T10:00:00",
                    end: "2026-03-18T11:30:00")
            ],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-18T09:00:00Z", "2026-03-23T08:00:00Z",
                "2026-03-30T07:00:00Z",
            ],
            ends: [
                "2026-03-02T09:00:00Z", "2026-03-09T09:00:00Z", "2026-03-18T10:30:00Z", "2026-03-23T09:00:00Z",
                "2026-03-30T08:00:00Z",
            ],
            eventIDs: ["master", "master", "master_20260316T080000Z", "master", "master"]),
        mondays(
            "Instance moved after the window still removes its original slot",
            exceptions: [
                Exception(
                    id: "master_20260323T080000Z", originalStart: "2026-03-23T08:00:00Z", start: "2026-04-08T10:00:00",
                    end: "2026-04-08T11:00:00")
            ],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-30T07:00:00Z",
            ]),
        mondays(
            "Instance moved before the window still removes its original slot",
            exceptions: [
                Exception(
                    id: "master_20260302T080000Z", originalStart: "2026-03-02T08:00:00Z", start: "2026-02-26T10:00:00",
                    end: "2026-02-26T11:00:00")
            ],
            expected: [
                "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z",
            ]),
        mondays(
            "Instance moved from after the window into it",
            exceptions: [
                Exception(
                    id: "master_20260406T070000Z", originalStart: "2026-04-06T07:00:00Z", start: "2026-03-31T09:00:00",
                    end: "2026-03-31T10:00:00")
            ],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z",
                "2026-03-30T07:00:00Z", "2026-03-31T07:00:00Z",
            ],
            eventIDs: ["master", "master", "master", "master", "master", "master_20260406T070000Z"]),
        mondays(
            "Instance moved from before the window into it", start: "2026-02-02T09:00:00",
            exceptions: [
                Exception(
                    id: "master_20260223T080000Z", originalStart: "2026-02-23T08:00:00Z", start: "2026-03-04T09:00:00",
                    end: "2026-03-04T10:00:00")
            ],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-04T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z",
                "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z",
            ]),
        mondays(
            "Cancelled instance is removed",
            exceptions: [
                Exception(
                    id: "master_20260316T080000Z", originalStart: "2026-03-16T08:00:00Z", start: "2026-03-16T09:00:00",
                    end: "2026-03-16T10:00:00", cancelled: true)
            ],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z",
            ]),
        mondays(
            "Cancelled instance after the window changes nothing inside it",
            exceptions: [
                Exception(
                    id: "master_20260406T070000Z", originalStart: "2026-04-06T07:00:00Z", start: "2026-04-06T09:00:00",
                    end: "2026-04-06T10:00:00", cancelled: true)
            ],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z",
                "2026-03-30T07:00:00Z",
            ]),
        mondays(
            "Edited instance from last year stays out of this window", start: "2025-03-03T09:00:00",
            exceptions: [
                Exception(
                    id: "master_20250602T070000Z", originalStart: "2025-06-02T07:00:00Z", start: "2025-06-02T09:00:00",
                    end: "2025-06-02T10:00:00")
            ],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z",
                "2026-03-30T07:00:00Z",
            ]),
        mondays(
            "Exception whose slot the rule no longer makes keeps its own slot",
            exceptions: [
                Exception(
                    id: "master_20260311T080000Z", originalStart: "2026-03-11T08:00:00Z", start: "2026-03-11T09:00:00",
                    end: "2026-03-11T10:00:00")
            ],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-11T08:00:00Z", "2026-03-16T08:00:00Z",
                "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z",
            ]),
        mondays(
            "Moved and cancelled instances together, after the change to CEST",
            exceptions: [
                Exception(
                    id: "master_20260330T070000Z", originalStart: "2026-03-30T07:00:00Z", start: "2026-03-30T14:00:00",
                    end: "2026-03-30T15:00:00"),
                Exception(
                    id: "master_20260309T080000Z", originalStart: "2026-03-09T08:00:00Z", start: "2026-03-09T09:00:00",
                    end: "2026-03-09T10:00:00", cancelled: true),
            ],
            expected: [
                "2026-03-02T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z", "2026-03-30T12:00:00Z",
            ],
            eventIDs: ["master", "master", "master", "master_20260330T070000Z"]),
        RecurrenceCase(
            "All-day instance moved to the next day", calendarZone: berlin, start: "2026-03-02", end: "2026-03-03",
            lines: weeklyMonday, window: march,
            exceptions: [
                Exception(id: "master_20260309", originalStart: "2026-03-09", start: "2026-03-10", end: "2026-03-11")
            ],
            expected: ["2026-03-02", "2026-03-10", "2026-03-16", "2026-03-23", "2026-03-30"],
            ends: ["2026-03-03", "2026-03-11", "2026-03-17", "2026-03-24", "2026-03-31"],
            eventIDs: ["master", "master_20260309", "master", "master", "master"]),
        RecurrenceCase(
            "All-day instance cancelled", calendarZone: berlin, start: "2026-03-02", end: "2026-03-03",
            lines: weeklyMonday, window: march,
            exceptions: [
                Exception(
                    id: "master_20260323", originalStart: "2026-03-23", start: "2026-03-23", end: "2026-03-24",
                    cancelled: true)
            ],
            expected: ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-30"]),
    ]
}
