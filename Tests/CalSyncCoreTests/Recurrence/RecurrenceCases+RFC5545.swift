/// RFC 5545 section 3.8.5.3's own examples (DTSTART;TZID=America/New_York), the results
/// copied from the RFC and converted to UTC: EDT (−4) until 1997-10-26, EST (−5) until
/// 1998-04-05, EDT until 1998-10-25; in 1999 EDT from April 4 to October 31, in 2000 from
/// April 2 to October 29, in 2003 from April 6, in 2007 from March 11 (09:00 EDT is 13:00Z,
/// 09:00 EST is 14:00Z).
extension RecurrenceCase {
    static let newYork = "America/New_York"

    static let rfc5545: [RecurrenceCase] = [
        RecurrenceCase(
            "RFC daily for 10 occurrences", zone: newYork, start: "1997-09-02T09:00:00", end: "1997-09-02T10:00:00",
            lines: ["RRULE:FREQ=DAILY;COUNT=10"], window: ("1997-09-01", "1998-01-01"),
            expected: [
                "1997-09-02T13:00:00Z", "1997-09-03T13:00:00Z", "1997-09-04T13:00:00Z", "1997-09-05T13:00:00Z",
                "1997-09-06T13:00:00Z", "1997-09-07T13:00:00Z", "1997-09-08T13:00:00Z", "1997-09-09T13:00:00Z",
                "1997-09-10T13:00:00Z", "1997-09-11T13:00:00Z",
            ],
            ends: [
                "1997-09-02T14:00:00Z", "1997-09-03T14:00:00Z", "1997-09-04T14:00:00Z", "1997-09-05T14:00:00Z",
                "1997-09-06T14:00:00Z", "1997-09-07T14:00:00Z", "1997-09-08T14:00:00Z", "1997-09-09T14:00:00Z",
                "1997-09-10T14:00:00Z", "1997-09-11T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC daily until December 24 across the October change", zone: newYork, start: "1997-09-02T09:00:00",
            end: "1997-09-02T10:00:00", lines: ["RRULE:FREQ=DAILY;UNTIL=19971224T000000Z"],
            window: ("1997-10-24", "1997-10-30"),
            expected: [
                "1997-10-24T13:00:00Z", "1997-10-25T13:00:00Z", "1997-10-26T14:00:00Z", "1997-10-27T14:00:00Z",
                "1997-10-28T14:00:00Z", "1997-10-29T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC daily until December 24 stops before 09:00 EST on the 24th", zone: newYork,
            start: "1997-09-02T09:00:00", end: "1997-09-02T10:00:00",
            lines: ["RRULE:FREQ=DAILY;UNTIL=19971224T000000Z"],
            window: ("1997-12-20", "1998-01-01"),
            expected: [
                "1997-12-20T14:00:00Z", "1997-12-21T14:00:00Z", "1997-12-22T14:00:00Z", "1997-12-23T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC every other day forever", zone: newYork, start: "1997-09-02T09:00:00", end: "1997-09-02T10:00:00",
            lines: ["RRULE:FREQ=DAILY;INTERVAL=2"], window: ("1997-09-01", "1997-09-12"),
            expected: [
                "1997-09-02T13:00:00Z", "1997-09-04T13:00:00Z", "1997-09-06T13:00:00Z", "1997-09-08T13:00:00Z",
                "1997-09-10T13:00:00Z",
            ]),
        RecurrenceCase(
            // 10,407 days after 1997-09-02 is odd, so 2026-03-01 is not an instance.
            "RFC every other day forever, 28 years later", zone: newYork, start: "1997-09-02T09:00:00",
            end: "1997-09-02T10:00:00", lines: ["RRULE:FREQ=DAILY;INTERVAL=2"], window: ("2026-03-01", "2026-03-09"),
            expected: [
                "2026-03-02T14:00:00Z", "2026-03-04T14:00:00Z", "2026-03-06T14:00:00Z", "2026-03-08T13:00:00Z",
            ]),
        RecurrenceCase(
            "RFC every 10 days, 5 occurrences", zone: newYork, start: "1997-09-02T09:00:00",
            end: "1997-09-02T10:00:00", lines: ["RRULE:FREQ=DAILY;INTERVAL=10;COUNT=5"],
            window: ("1997-09-01", "1998-01-01"),
            expected: [
                "1997-09-02T13:00:00Z", "1997-09-12T13:00:00Z", "1997-09-22T13:00:00Z", "1997-10-02T13:00:00Z",
                "1997-10-12T13:00:00Z",
            ]),
        RecurrenceCase(
            "RFC every day in January for 3 years, the last two", zone: newYork, start: "1998-01-01T09:00:00",
            end: "1998-01-01T10:00:00",
            lines: ["RRULE:FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA"],
            window: ("2000-01-30", "2000-03-01"), expected: ["2000-01-30T14:00:00Z", "2000-01-31T14:00:00Z"]),
        RecurrenceCase(
            "RFC weekly for 10 occurrences", zone: newYork, start: "1997-09-02T09:00:00", end: "1997-09-02T10:00:00",
            lines: ["RRULE:FREQ=WEEKLY;COUNT=10"], window: ("1997-09-01", "1998-01-01"),
            expected: [
                "1997-09-02T13:00:00Z", "1997-09-09T13:00:00Z", "1997-09-16T13:00:00Z", "1997-09-23T13:00:00Z",
                "1997-09-30T13:00:00Z", "1997-10-07T13:00:00Z", "1997-10-14T13:00:00Z", "1997-10-21T13:00:00Z",
                "1997-10-28T14:00:00Z", "1997-11-04T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC weekly on Tuesday and Thursday until October 7", zone: newYork, start: "1997-09-02T09:00:00",
            end: "1997-09-02T10:00:00", lines: ["RRULE:FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH"],
            window: ("1997-09-01", "1998-01-01"),
            expected: [
                "1997-09-02T13:00:00Z", "1997-09-04T13:00:00Z", "1997-09-09T13:00:00Z", "1997-09-11T13:00:00Z",
                "1997-09-16T13:00:00Z", "1997-09-18T13:00:00Z", "1997-09-23T13:00:00Z", "1997-09-25T13:00:00Z",
                "1997-09-30T13:00:00Z", "1997-10-02T13:00:00Z",
            ]),
        RecurrenceCase(
            "RFC every other week forever", zone: newYork, start: "1997-09-02T09:00:00", end: "1997-09-02T10:00:00",
            lines: ["RRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU"], window: ("1997-09-01", "1998-01-01"),
            expected: [
                "1997-09-02T13:00:00Z", "1997-09-16T13:00:00Z", "1997-09-30T13:00:00Z", "1997-10-14T13:00:00Z",
                "1997-10-28T14:00:00Z", "1997-11-11T14:00:00Z", "1997-11-25T14:00:00Z", "1997-12-09T14:00:00Z",
                "1997-12-23T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC every other week on Monday, Wednesday and Friday until December 24", zone: newYork,
            start: "1997-09-01T09:00:00", end: "1997-09-01T10:00:00",
            lines: ["RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR"],
            window: ("1997-09-01", "1998-01-01"),
            expected: [
                "1997-09-01T13:00:00Z", "1997-09-03T13:00:00Z", "1997-09-05T13:00:00Z", "1997-09-15T13:00:00Z",
                "1997-09-17T13:00:00Z", "1997-09-19T13:00:00Z", "1997-09-29T13:00:00Z", "1997-10-01T13:00:00Z",
                "1997-10-03T13:00:00Z", "1997-10-13T13:00:00Z", "1997-10-15T13:00:00Z", "1997-10-17T13:00:00Z",
                "1997-10-27T14:00:00Z", "1997-10-29T14:00:00Z", "1997-10-31T14:00:00Z", "1997-11-10T14:00:00Z",
                "1997-11-12T14:00:00Z", "1997-11-14T14:00:00Z", "1997-11-24T14:00:00Z", "1997-11-26T14:00:00Z",
                "1997-11-28T14:00:00Z", "1997-12-08T14:00:00Z", "1997-12-10T14:00:00Z", "1997-12-12T14:00:00Z",
                "1997-12-22T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC weekly on Tuesday and Thursday for five weeks", zone: newYork, start: "1997-09-02T09:00:00",
            end: "1997-09-02T10:00:00", lines: ["RRULE:FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH"],
            window: ("1997-09-01", "1998-01-01"),
            expected: [
                "1997-09-02T13:00:00Z", "1997-09-04T13:00:00Z", "1997-09-09T13:00:00Z", "1997-09-11T13:00:00Z",
                "1997-09-16T13:00:00Z", "1997-09-18T13:00:00Z", "1997-09-23T13:00:00Z", "1997-09-25T13:00:00Z",
                "1997-09-30T13:00:00Z", "1997-10-02T13:00:00Z",
            ]),
        RecurrenceCase(
            "RFC every other week on Tuesday and Thursday, 8 occurrences", zone: newYork,
            start: "1997-09-02T09:00:00", end: "1997-09-02T10:00:00",
            lines: ["RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH"], window: ("1997-09-01", "1998-01-01"),
            expected: [
                "1997-09-02T13:00:00Z", "1997-09-04T13:00:00Z", "1997-09-16T13:00:00Z", "1997-09-18T13:00:00Z",
                "1997-09-30T13:00:00Z", "1997-10-02T13:00:00Z", "1997-10-14T13:00:00Z", "1997-10-16T13:00:00Z",
            ]),
        RecurrenceCase(
            "RFC monthly on the first Friday for 10 occurrences", zone: newYork, start: "1997-09-05T09:00:00",
            end: "1997-09-05T10:00:00", lines: ["RRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1FR"],
            window: ("1997-09-01", "1999-01-01"),
            expected: [
                "1997-09-05T13:00:00Z", "1997-10-03T13:00:00Z", "1997-11-07T14:00:00Z", "1997-12-05T14:00:00Z",
                "1998-01-02T14:00:00Z", "1998-02-06T14:00:00Z", "1998-03-06T14:00:00Z", "1998-04-03T14:00:00Z",
                "1998-05-01T13:00:00Z", "1998-06-05T13:00:00Z",
            ]),
        RecurrenceCase(
            "RFC monthly on the first Friday until December 24", zone: newYork, start: "1997-09-05T09:00:00",
            end: "1997-09-05T10:00:00", lines: ["RRULE:FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR"],
            window: ("1997-09-01", "1999-01-01"),
            expected: [
                "1997-09-05T13:00:00Z", "1997-10-03T13:00:00Z", "1997-11-07T14:00:00Z", "1997-12-05T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC every other month on the first and last Sunday, 10 occurrences", zone: newYork,
            start: "1997-09-07T09:00:00", end: "1997-09-07T10:00:00",
            lines: ["RRULE:FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU"], window: ("1997-09-01", "1999-01-01"),
            expected: [
                "1997-09-07T13:00:00Z", "1997-09-28T13:00:00Z", "1997-11-02T14:00:00Z", "1997-11-30T14:00:00Z",
                "1998-01-04T14:00:00Z", "1998-01-25T14:00:00Z", "1998-03-01T14:00:00Z", "1998-03-29T14:00:00Z",
                "1998-05-03T13:00:00Z", "1998-05-31T13:00:00Z",
            ]),
        RecurrenceCase(
            "RFC monthly on the second-to-last Monday for 6 months", zone: newYork, start: "1997-09-22T09:00:00",
            end: "1997-09-22T10:00:00", lines: ["RRULE:FREQ=MONTHLY;COUNT=6;BYDAY=-2MO"],
            window: ("1997-09-01", "1999-01-01"),
            expected: [
                "1997-09-22T13:00:00Z", "1997-10-20T13:00:00Z", "1997-11-17T14:00:00Z", "1997-12-22T14:00:00Z",
                "1998-01-19T14:00:00Z", "1998-02-16T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC monthly on the third-to-last day forever", zone: newYork, start: "1997-09-28T09:00:00",
            end: "1997-09-28T10:00:00", lines: ["RRULE:FREQ=MONTHLY;BYMONTHDAY=-3"],
            window: ("1997-09-01", "1998-03-01"),
            expected: [
                "1997-09-28T13:00:00Z", "1997-10-29T14:00:00Z", "1997-11-28T14:00:00Z", "1997-12-29T14:00:00Z",
                "1998-01-29T14:00:00Z", "1998-02-26T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC monthly on the 2nd and 15th for 10 occurrences", zone: newYork, start: "1997-09-02T09:00:00",
            end: "1997-09-02T10:00:00", lines: ["RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15"],
            window: ("1997-09-01", "1999-01-01"),
            expected: [
                "1997-09-02T13:00:00Z", "1997-09-15T13:00:00Z", "1997-10-02T13:00:00Z", "1997-10-15T13:00:00Z",
                "1997-11-02T14:00:00Z", "1997-11-15T14:00:00Z", "1997-12-02T14:00:00Z", "1997-12-15T14:00:00Z",
                "1998-01-02T14:00:00Z", "1998-01-15T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC monthly on the first and last day for 10 occurrences", zone: newYork, start: "1997-09-30T09:00:00",
            end: "1997-09-30T10:00:00", lines: ["RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1"],
            window: ("1997-09-01", "1999-01-01"),
            expected: [
                "1997-09-30T13:00:00Z", "1997-10-01T13:00:00Z", "1997-10-31T14:00:00Z", "1997-11-01T14:00:00Z",
                "1997-11-30T14:00:00Z", "1997-12-01T14:00:00Z", "1997-12-31T14:00:00Z", "1998-01-01T14:00:00Z",
                "1998-01-31T14:00:00Z", "1998-02-01T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC every 18 months on the 10th to 15th, 10 occurrences", zone: newYork, start: "1997-09-10T09:00:00",
            end: "1997-09-10T10:00:00", lines: ["RRULE:FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15"],
            window: ("1997-09-01", "2000-01-01"),
            expected: [
                "1997-09-10T13:00:00Z", "1997-09-11T13:00:00Z", "1997-09-12T13:00:00Z", "1997-09-13T13:00:00Z",
                "1997-09-14T13:00:00Z", "1997-09-15T13:00:00Z", "1999-03-10T14:00:00Z", "1999-03-11T14:00:00Z",
                "1999-03-12T14:00:00Z", "1999-03-13T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC every Tuesday, every other month", zone: newYork, start: "1997-09-02T09:00:00",
            end: "1997-09-02T10:00:00", lines: ["RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=TU"],
            window: ("1997-09-01", "1998-04-01"),
            expected: [
                "1997-09-02T13:00:00Z", "1997-09-09T13:00:00Z", "1997-09-16T13:00:00Z", "1997-09-23T13:00:00Z",
                "1997-09-30T13:00:00Z", "1997-11-04T14:00:00Z", "1997-11-11T14:00:00Z", "1997-11-18T14:00:00Z",
                "1997-11-25T14:00:00Z", "1998-01-06T14:00:00Z", "1998-01-13T14:00:00Z", "1998-01-20T14:00:00Z",
                "1998-01-27T14:00:00Z", "1998-03-03T14:00:00Z", "1998-03-10T14:00:00Z", "1998-03-17T14:00:00Z",
                "1998-03-24T14:00:00Z", "1998-03-31T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC yearly in June and July for 10 occurrences", zone: newYork, start: "1997-06-10T09:00:00",
            end: "1997-06-10T10:00:00", lines: ["RRULE:FREQ=YEARLY;COUNT=10;BYMONTH=6,7"],
            window: ("1997-01-01", "2003-01-01"),
            expected: [
                "1997-06-10T13:00:00Z", "1997-07-10T13:00:00Z", "1998-06-10T13:00:00Z", "1998-07-10T13:00:00Z",
                "1999-06-10T13:00:00Z", "1999-07-10T13:00:00Z", "2000-06-10T13:00:00Z", "2000-07-10T13:00:00Z",
                "2001-06-10T13:00:00Z", "2001-07-10T13:00:00Z",
            ]),
        RecurrenceCase(
            "RFC every other year in January, February and March, 10 occurrences", zone: newYork,
            start: "1997-03-10T09:00:00", end: "1997-03-10T10:00:00",
            lines: ["RRULE:FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3"], window: ("1997-01-01", "2005-01-01"),
            expected: [
                "1997-03-10T14:00:00Z", "1999-01-10T14:00:00Z", "1999-02-10T14:00:00Z", "1999-03-10T14:00:00Z",
                "2001-01-10T14:00:00Z", "2001-02-10T14:00:00Z", "2001-03-10T14:00:00Z", "2003-01-10T14:00:00Z",
                "2003-02-10T14:00:00Z", "2003-03-10T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC every third year on the 1st, 100th and 200th day, 10 occurrences", zone: newYork,
            start: "1997-01-01T09:00:00", end: "1997-01-01T10:00:00",
            lines: ["RRULE:FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200"], window: ("1997-01-01", "2007-01-01"),
            expected: [
                "1997-01-01T14:00:00Z", "1997-04-10T13:00:00Z", "1997-07-19T13:00:00Z", "2000-01-01T14:00:00Z",
                "2000-04-09T13:00:00Z", "2000-07-18T13:00:00Z", "2003-01-01T14:00:00Z", "2003-04-10T13:00:00Z",
                "2003-07-19T13:00:00Z", "2006-01-01T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC every 20th Monday of the year", zone: newYork, start: "1997-05-19T09:00:00",
            end: "1997-05-19T10:00:00", lines: ["RRULE:FREQ=YEARLY;BYDAY=20MO"], window: ("1997-01-01", "2000-01-01"),
            expected: ["1997-05-19T13:00:00Z", "1998-05-18T13:00:00Z", "1999-05-17T13:00:00Z"]),
        RecurrenceCase(
            "RFC Monday of week number 20", zone: newYork, start: "1997-05-12T09:00:00", end: "1997-05-12T10:00:00",
            lines: ["RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO"], window: ("1997-01-01", "2000-01-01"),
            expected: ["1997-05-12T13:00:00Z", "1998-05-11T13:00:00Z", "1999-05-17T13:00:00Z"]),
        RecurrenceCase(
            "RFC every day in January for 3 years, daily form, the last two", zone: newYork,
            start: "1998-01-01T09:00:00", end: "1998-01-01T10:00:00",
            lines: ["RRULE:FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1"], window: ("2000-01-30", "2000-03-01"),
            expected: ["2000-01-30T14:00:00Z", "2000-01-31T14:00:00Z"]),
        RecurrenceCase(
            "RFC every Thursday in March", zone: newYork, start: "1997-03-13T09:00:00", end: "1997-03-13T10:00:00",
            lines: ["RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=TH"], window: ("1997-01-01", "2000-01-01"),
            expected: [
                "1997-03-13T14:00:00Z", "1997-03-20T14:00:00Z", "1997-03-27T14:00:00Z", "1998-03-05T14:00:00Z",
                "1998-03-12T14:00:00Z", "1998-03-19T14:00:00Z", "1998-03-26T14:00:00Z", "1999-03-04T14:00:00Z",
                "1999-03-11T14:00:00Z", "1999-03-18T14:00:00Z", "1999-03-25T14:00:00Z",
            ]),
        RecurrenceCase(
            "RFC every Friday the 13th, without DTSTART itself", zone: newYork, start: "1997-09-02T09:00:00",
            end: "1997-09-02T10:00:00",
            lines: ["EXDATE;TZID=America/New_York:19970902T090000", "RRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13"],
            window: ("1997-01-01", "2001-01-01"),
            expected: [
                "1998-02-13T14:00:00Z", "1998-03-13T14:00:00Z", "1998-11-13T14:00:00Z", "1999-08-13T13:00:00Z",
                "2000-10-13T13:00:00Z",
            ]),
        RecurrenceCase(
            "RFC the first Saturday that follows the first Sunday of the month", zone: newYork,
            start: "1997-09-13T09:00:00", end: "1997-09-13T10:00:00",
            lines: ["RRULE:FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13"], window: ("1997-09-01", "1998-07-01"),
            expected: [
                "1997-09-13T13:00:00Z", "1997-10-11T13:00:00Z", "1997-11-08T14:00:00Z", "1997-12-13T14:00:00Z",
                "1998-01-10T14:00:00Z", "1998-02-07T14:00:00Z", "1998-03-07T14:00:00Z", "1998-04-11T13:00:00Z",
                "1998-05-09T13:00:00Z", "1998-06-13T13:00:00Z",
            ]),
        RecurrenceCase(
            "RFC US presidential election day", zone: newYork, start: "1996-11-05T09:00:00",
            end: "1996-11-05T10:00:00",
            lines: ["RRULE:FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8"],
            window: ("1996-01-01", "2005-01-01"),
            expected: ["1996-11-05T14:00:00Z", "2000-11-07T14:00:00Z", "2004-11-02T14:00:00Z"]),
        RecurrenceCase(
            "RFC US presidential election day, 28 years later", zone: newYork, start: "1996-11-05T09:00:00",
            end: "1996-11-05T10:00:00",
            lines: ["RRULE:FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8"],
            window: ("2024-01-01", "2029-01-01"), expected: ["2024-11-05T14:00:00Z", "2028-11-07T14:00:00Z"]),
        RecurrenceCase(
            "RFC BYSETPOS third Tuesday, Wednesday or Thursday for 3 months", zone: newYork,
            start: "1997-09-04T09:00:00", end: "1997-09-04T10:00:00",
            lines: ["RRULE:FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3"], window: ("1997-09-01", "1998-01-01"),
            expected: ["1997-09-04T13:00:00Z", "1997-10-07T13:00:00Z", "1997-11-06T14:00:00Z"]),
        RecurrenceCase(
            "RFC BYSETPOS second-to-last weekday of the month", zone: newYork, start: "1997-09-29T09:00:00",
            end: "1997-09-29T10:00:00", lines: ["RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2"],
            window: ("1997-09-01", "1998-04-01"),
            expected: [
                "1997-09-29T13:00:00Z", "1997-10-30T14:00:00Z", "1997-11-27T14:00:00Z", "1997-12-30T14:00:00Z",
                "1998-01-29T14:00:00Z", "1998-02-26T14:00:00Z", "1998-03-30T14:00:00Z",
            ]),
        RecurrenceCase(
            // The RFC lists 15:00 too, but UNTIL 17:00Z is 13:00 EDT (a known erratum).
            "RFC every 3 hours until 17:00Z", zone: newYork, start: "1997-09-02T09:00:00",
            end: "1997-09-02T09:30:00", lines: ["RRULE:FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z"],
            window: ("1997-09-01", "1997-09-03"), expected: ["1997-09-02T13:00:00Z", "1997-09-02T16:00:00Z"]),
        RecurrenceCase(
            "RFC every 15 minutes for 6 occurrences", zone: newYork, start: "1997-09-02T09:00:00",
            end: "1997-09-02T09:10:00", lines: ["RRULE:FREQ=MINUTELY;INTERVAL=15;COUNT=6"],
            window: ("1997-09-01", "1997-09-03"),
            expected: [
                "1997-09-02T13:00:00Z", "1997-09-02T13:15:00Z", "1997-09-02T13:30:00Z", "1997-09-02T13:45:00Z",
                "1997-09-02T14:00:00Z", "1997-09-02T14:15:00Z",
            ]),
        RecurrenceCase(
            "RFC every hour and a half for 4 occurrences", zone: newYork, start: "1997-09-02T09:00:00",
            end: "1997-09-02T09:10:00", lines: ["RRULE:FREQ=MINUTELY;INTERVAL=90;COUNT=4"],
            window: ("1997-09-01", "1997-09-03"),
            expected: [
                "1997-09-02T13:00:00Z", "1997-09-02T14:30:00Z", "1997-09-02T16:00:00Z", "1997-09-02T17:30:00Z",
            ]),
        RecurrenceCase(
            "RFC every 20 minutes from 9:00 to 16:40, the first two hours", zone: newYork,
            start: "1997-09-02T09:00:00", end: "1997-09-02T09:10:00",
            lines: ["RRULE:FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40"],
            window: ("1997-09-02T13:00:00Z", "1997-09-02T15:00:00Z"),
            expected: [
                "1997-09-02T13:00:00Z", "1997-09-02T13:20:00Z", "1997-09-02T13:40:00Z", "1997-09-02T14:00:00Z",
                "1997-09-02T14:20:00Z", "1997-09-02T14:40:00Z",
            ]),
        RecurrenceCase(
            "RFC WKST=MO changes what every other week means", zone: newYork, start: "1997-08-05T09:00:00",
            end: "1997-08-05T10:00:00", lines: ["RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO"],
            window: ("1997-08-01", "1997-10-01"),
            expected: [
                "1997-08-05T13:00:00Z", "1997-08-10T13:00:00Z", "1997-08-19T13:00:00Z", "1997-08-24T13:00:00Z",
            ]),
        RecurrenceCase(
            "RFC WKST=SU changes what every other week means", zone: newYork, start: "1997-08-05T09:00:00",
            end: "1997-08-05T10:00:00", lines: ["RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU"],
            window: ("1997-08-01", "1997-10-01"),
            expected: [
                "1997-08-05T13:00:00Z", "1997-08-17T13:00:00Z", "1997-08-19T13:00:00Z", "1997-08-31T13:00:00Z",
            ]),
        RecurrenceCase(
            "RFC invalid dates (February 30) are ignored", zone: newYork, start: "2007-01-15T09:00:00",
            end: "2007-01-15T10:00:00", lines: ["RRULE:FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5"],
            window: ("2007-01-01", "2008-01-01"),
            expected: [
                "2007-01-15T14:00:00Z", "2007-01-30T14:00:00Z", "2007-02-15T14:00:00Z", "2007-03-15T13:00:00Z",
                "2007-03-30T13:00:00Z",
            ]),
    ]
}
