import Foundation
import Testing

@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncRecurrence

/// `patternedRecurrence` → RRULE (docs/providers-graph.md "Recurrence"), and the rule expanded by
/// the shared RecurrenceExpander as Outlook shows the series.
struct GraphRecurrenceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var pattern: String
        var range: String
        var allDay = false
        var rule: String
        var testDescription: String { name }
    }

    static let noEnd = #"{"type":"noEnd","startDate":"2026-01-05","endDate":"0001-01-01","numberOfOccurrences":0}"#

    static let cases: [Case] = [
        Case(name: "daily", pattern: #"{"type":"daily","interval":1}"#, range: noEnd, rule: "FREQ=DAILY"),
        Case(
            name: "every 3 days, 10 times", pattern: #"{"type":"daily","interval":3}"#,
            range: #"{"type":"numbered","startDate":"2026-01-05","endDate":"0000-01-01","numberOfOccurrences":10}"#,
            rule: "FREQ=DAILY;INTERVAL=3;COUNT=10"),
        Case(
            name: "interval 0 means 1", pattern: #"{"type":"daily","interval":0}"#, range: noEnd, rule: "FREQ=DAILY"),
        Case(
            name: "weekly with server defaults",
            pattern:
                #"{"type":"weekly","interval":1,"month":0,"dayOfMonth":0,"daysOfWeek":["monday"],"firstDayOfWeek":"sunday","index":"first"}"#,
            range: #"{"type":"endDate","startDate":"2017-09-04","endDate":"2017-12-31"}"#,
            rule: "FREQ=WEEKLY;UNTIL=20171231T235959;BYDAY=MO"),
        Case(
            name: "weekly on several days in week order",
            pattern: #"{"type":"weekly","interval":1,"daysOfWeek":["friday","Monday","wednesday"]}"#, range: noEnd,
            rule: "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
        Case(
            name: "every 2 weeks starting on Monday",
            pattern: #"{"type":"weekly","interval":2,"daysOfWeek":["tuesday","thursday"],"firstDayOfWeek":"monday"}"#,
            range: noEnd, rule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=MO"),
        Case(
            name: "every 2 weeks, default week start",
            pattern: #"{"type":"weekly","interval":2,"daysOfWeek":["sunday"]}"#, range: noEnd,
            rule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;WKST=SU"),
        Case(
            name: "absolute monthly", pattern: #"{"type":"absoluteMonthly","interval":1,"dayOfMonth":15}"#,
            range: noEnd, rule: "FREQ=MONTHLY;BYMONTHDAY=15"),
        Case(
            name: "absolute monthly every 3 months, numbered",
            pattern: #"{"type":"absoluteMonthly","interval":3,"dayOfMonth":31}"#,
            range: #"{"type":"numbered","numberOfOccurrences":4}"#,
            rule: "FREQ=MONTHLY;INTERVAL=3;COUNT=4;BYMONTHDAY=31"),
        Case(
            name: "relative monthly, second Thursday",
            pattern: #"{"type":"relativeMonthly","interval":1,"daysOfWeek":["thursday"],"index":"second"}"#,
            range: noEnd, rule: "FREQ=MONTHLY;BYDAY=2TH"),
        Case(
            name: "relative monthly, last Friday",
            pattern: #"{"type":"relativeMonthly","interval":1,"daysOfWeek":["friday"],"index":"last"}"#,
            range: noEnd, rule: "FREQ=MONTHLY;BYDAY=-1FR"),
        Case(
            name: "relative monthly, last weekday",
            pattern:
                #"{"type":"relativeMonthly","interval":1,"daysOfWeek":["monday","tuesday","wednesday","thursday","friday"],"index":"last"}"#,
            range: noEnd, rule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
        Case(
            name: "relative monthly, first weekend day every 2 months",
            pattern:
                #"{"type":"relativeMonthly","interval":2,"daysOfWeek":["saturday","sunday"],"index":"first"}"#,
            range: noEnd, rule: "FREQ=MONTHLY;INTERVAL=2;BYDAY=SA,SU;BYSETPOS=1"),
        Case(
            name: "absolute yearly", pattern: #"{"type":"absoluteYearly","interval":1,"month":3,"dayOfMonth":29}"#,
            range: noEnd, rule: "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=29"),
        Case(
            name: "relative yearly, fourth Thursday of November",
            pattern:
                #"{"type":"relativeYearly","interval":1,"month":11,"daysOfWeek":["thursday"],"index":"fourth"}"#,
            range: noEnd, rule: "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"),
        Case(
            name: "relative yearly, third Monday of January every 2 years",
            pattern: #"{"type":"relativeYearly","interval":2,"month":1,"daysOfWeek":["monday"],"index":"third"}"#,
            range: noEnd, rule: "FREQ=YEARLY;INTERVAL=2;BYMONTH=1;BYDAY=3MO"),
        Case(
            name: "all-day series end on a date",
            pattern: #"{"type":"daily","interval":1}"#,
            range: #"{"type":"endDate","startDate":"2026-01-05","endDate":"2026-01-09"}"#, allDay: true,
            rule: "FREQ=DAILY;UNTIL=20260109"),
        Case(
            name: "no range is no end", pattern: #"{"type":"absoluteMonthly","interval":1,"dayOfMonth":1}"#,
            range: "null", rule: "FREQ=MONTHLY;BYMONTHDAY=1"),
    ]

    static func recurrence(_ pattern: String, _ range: String) throws -> GraphWire.Recurrence {
        try JSONDecoder().decode(
            GraphWire.Recurrence.self, from: Data(#"{"pattern":\#(pattern),"range":\#(range)}"#.utf8))
    }

    @Test(arguments: cases)
    func patternsBecomeRules(_ expected: Case) throws {
        let lines = GraphRecurrence.lines(
            try Self.recurrence(expected.pattern, expected.range), allDay: expected.allDay)
        #expect(lines == .success(["RRULE:" + expected.rule]))
    }

    @Test(arguments: [
        (#"{"type":"hourly","interval":1}"#, noEnd, "unknown recurrence pattern hourly"),
        (#"{"type":"absoluteMonthly","interval":1,"dayOfMonth":0}"#, noEnd, "absoluteMonthly without a dayOfMonth"),
        (#"{"type":"relativeMonthly","interval":1,"daysOfWeek":[]}"#, noEnd, "relativeMonthly without daysOfWeek"),
        (#"{"type":"weekly","daysOfWeek":["funday"]}"#, noEnd, "unknown day of week funday"),
        (
            #"{"type":"daily"}"#, #"{"type":"numbered","numberOfOccurrences":0}"#,
            "a numbered range without numberOfOccurrences"
        ),
        (
            #"{"type":"daily"}"#, #"{"type":"endDate","endDate":"0001-13-01"}"#,
            "an endDate range without a readable endDate"
        ),
    ])
    func unreadablePatternsAreReported(pattern: String, range: String, reason: String) throws {
        let lines = GraphRecurrence.lines(try Self.recurrence(pattern, range), allDay: false)
        #expect(lines == .failure(GraphRecurrence.Unreadable(reason: reason)))
    }

    /// The documented series master, expanded: Mondays at 12:00 Pacific time until the end
    /// of 31 December, across the November DST change.
    @Test func theDocumentedWeeklySeriesExpandsInItsZone() throws {
        guard
            case .upsert(let master) = try GraphMapping.master(
                Array(try GraphFixture.data("event-seriesmaster-recurring-created-201")), fallbackZone: nil)
        else {
            Issue.record("the series master is not read")
            return
        }
        let window = SyncWindow(
            start: Timestamp.parse("2017-10-25T00:00:00Z")!, end: Timestamp.parse("2018-01-15T00:00:00Z")!)
        let expansion = try RecurrenceExpander().occurrences(
            of: master, exceptions: [], window: window, calendarTimeZone: nil)
        let starts = expansion.occurrences.map(\.start.description)
        #expect(starts.first == "2017-10-30T19:00:00Z")
        // After 5 November 12:00 PST is 20:00 UTC; the last is Monday 25 December.
        #expect(starts.dropFirst().first == "2017-11-06T20:00:00Z")
        #expect(starts.last == "2017-12-25T20:00:00Z")
        #expect(starts.count == 9)
        #expect(expansion.occurrences.allSatisfy { $0.seriesID == "AAMkADQwMD" })
    }
}
