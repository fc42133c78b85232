/// Series from Google responses recorded in `shared/fixtures/google/` (named per case), with
/// the master's id shortened to `master`. The calendar is in America/Chicago: CST (−6) until
/// 2025-03-09, then CDT (−5), so 07:30 is 12:30Z and 08:00 is 13:00Z in late March.
extension RecurrenceCase {
    static let chicago = "America/Chicago"

    static let googleRecordings: [RecurrenceCase] = [
        RecurrenceCase(
            // events-list-incremental-recurring-instance-moved.json
            "Recorded: one instance moved to 20:45 the same day", zone: chicago, calendarZone: chicago,
            start: "2025-03-24T07:30:00", end: "2025-03-24T08:15:00", lines: ["RRULE:FREQ=DAILY"],
            window: ("2025-03-24", "2025-03-28"),
            exceptions: [
                Exception(
                    id: "master_20250326T123000Z", originalStart: "2025-03-26T12:30:00Z", start: "2025-03-26T20:45:00",
                    end: "2025-03-26T21:30:00")
            ],
            expected: [
                "2025-03-24T12:30:00Z", "2025-03-25T12:30:00Z", "2025-03-27T01:45:00Z", "2025-03-27T12:30:00Z",
            ],
            ends: ["2025-03-24T13:15:00Z", "2025-03-25T13:15:00Z", "2025-03-27T02:30:00Z", "2025-03-27T13:15:00Z"],
            eventIDs: ["master", "master", "master_20250326T123000Z", "master"]),
        RecurrenceCase(
            // events-list-incremental-recurring-several-instances-edited.json
            "Recorded: three instances edited in place", zone: chicago, calendarZone: chicago,
            start: "2025-03-24T07:30:00", end: "2025-03-24T08:15:00", lines: ["RRULE:FREQ=DAILY"],
            window: ("2025-03-24", "2025-03-30"),
            exceptions: [26, 27, 28].map { day in
                Exception(
                    id: "master_202503\(day)T123000Z", originalStart: "2025-03-\(day)T12:30:00Z",
                    start: "2025-03-\(day)T07:30:00", end: "2025-03-\(day)T08:15:00")
            },
            expected: [
                "2025-03-24T12:30:00Z", "2025-03-25T12:30:00Z", "2025-03-26T12:30:00Z", "2025-03-27T12:30:00Z",
                "2025-03-28T12:30:00Z", "2025-03-29T12:30:00Z",
            ],
            eventIDs: [
                "master", "master", "master_20250326T123000Z", "master_20250327T123000Z", "master_20250328T123000Z",
                "master",
            ]),
        RecurrenceCase(
            // events-list-incremental-recurring-one-instance-deleted.json: UNTIL is
            // 23:59:59 CDT on March 31; the series began in CST.
            "Recorded: one instance deleted from a daily series that ends on March 31", zone: chicago,
            calendarZone: chicago, start: "2025-02-09T08:00:00", end: "2025-02-09T09:00:00",
            lines: ["RRULE:FREQ=DAILY;UNTIL=20250401T045959Z"], window: ("2025-03-07", "2025-04-03"),
            exceptions: [
                Exception(
                    id: "master_20250325T130000Z", originalStart: "2025-03-25T13:00:00Z", start: "2025-03-25T08:00:00",
                    end: "2025-03-25T09:00:00", cancelled: true)
            ],
            expected: [
                "2025-03-07T14:00:00Z", "2025-03-08T14:00:00Z", "2025-03-09T13:00:00Z", "2025-03-10T13:00:00Z",
                "2025-03-11T13:00:00Z", "2025-03-12T13:00:00Z", "2025-03-13T13:00:00Z", "2025-03-14T13:00:00Z",
                "2025-03-15T13:00:00Z", "2025-03-16T13:00:00Z", "2025-03-17T13:00:00Z", "2025-03-18T13:00:00Z",
                "2025-03-19T13:00:00Z", "2025-03-20T13:00:00Z", "2025-03-21T13:00:00Z", "2025-03-22T13:00:00Z",
                "2025-03-23T13:00:00Z", "2025-03-24T13:00:00Z", "2025-03-26T13:00:00Z", "2025-03-27T13:00:00Z",
                "2025-03-28T13:00:00Z", "2025-03-29T13:00:00Z", "2025-03-30T13:00:00Z", "2025-03-31T13:00:00Z",
            ]),
    ]
}
