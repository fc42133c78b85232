import Foundation
import Testing

@testable import CalSyncGraph
@testable import CalSyncModel

/// RRULE → Graph's `patternedRecurrence` for creates (docs/providers-graph.md "Writes"),
/// and that reading the pattern back (``GraphRecurrence``) gives the same rule.
struct GraphWriteRecurrenceTests {
    static let berlin = TimeZone(identifier: "Europe/Berlin")!
    /// Tuesday 2026-12-08, 09:00 in Berlin.
    static let start = EventTime.instant(Timestamp.parse("2026-12-08T08:00:00Z")!)

    static func pattern(_ rule: String, start: EventTime = start) throws -> GraphWriteWire.Recurrence {
        try GraphWriteRecurrence.recurrence([rule], start: start, zone: berlin)
    }

    @Test func rulesBecomePatternsAndRanges() throws {
        let weekly = try Self.pattern("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=MO;COUNT=6")
        #expect(
            weekly.pattern
                == .init(type: "weekly", interval: 2, daysOfWeek: ["tuesday", "thursday"], firstDayOfWeek: "monday"))
        #expect(
            weekly.range
                == .init(
                    type: "numbered", startDate: "2026-12-08", numberOfOccurrences: 6,
                    recurrenceTimeZone: "Europe/Berlin"))
        let plainWeekly = try Self.pattern("RRULE:FREQ=WEEKLY")
        #expect(plainWeekly.pattern.daysOfWeek == ["tuesday"], "the start's weekday")
        #expect(plainWeekly.range.type == "noEnd")
        let relative = try Self.pattern("RRULE:FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270630T215959Z")
        #expect(relative.pattern == .init(type: "relativeMonthly", interval: 1, daysOfWeek: ["friday"], index: "last"))
        #expect(relative.range.type == "endDate")
        #expect(relative.range.endDate == "2027-06-30", "UNTIL's day in the series' zone")
        let setPosition = try Self.pattern("RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1")
        #expect(setPosition.pattern.index == "first")
        #expect(setPosition.pattern.daysOfWeek?.count == 5)
        let absolute = try Self.pattern("RRULE:FREQ=MONTHLY;BYMONTHDAY=15")
        #expect(absolute.pattern == .init(type: "absoluteMonthly", interval: 1, dayOfMonth: 15))
        let birthday = try Self.pattern("RRULE:FREQ=YEARLY", start: .date(CalendarDate(year: 2026, month: 2, day: 28)))
        #expect(birthday.pattern == .init(type: "absoluteYearly", interval: 1, dayOfMonth: 28, month: 2))
        #expect(try Self.pattern("RRULE:FREQ=DAILY;INTERVAL=3").pattern == .init(type: "daily", interval: 3))
    }

    @Test func whatGraphCannotSayIsRefusedBeforeSending() {
        for lines in [
            ["RRULE:FREQ=DAILY", "EXDATE:20261210T080000Z"], ["RDATE:20261210T080000Z"], ["RRULE:FREQ=HOURLY"],
            ["RRULE:FREQ=DAILY;BYHOUR=9"], ["RRULE:FREQ=MONTHLY;BYMONTHDAY=1,15"], ["RRULE:FREQ=MONTHLY;BYDAY=5MO"],
        ] {
            #expect(throws: CalSyncError.self, "\(lines)") {
                _ = try GraphWriteRecurrence.recurrence(lines, start: Self.start, zone: Self.berlin)
            }
        }
    }
}
