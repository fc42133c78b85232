import Testing

@testable import CalSyncICal

/// libical reads the rule; the wrapper keeps UNTIL (with its `Z`) and COUNT, and iterates
/// in wall-clock time between `skipTo` and `rangeEnd`.
struct RecurrenceRuleTests {
    static let unreadable = ["", "FREQ=FORTNIGHTLY", "BYDAY=MO", "FREQ=", "NOT A RULE", "RRULE:FREQ=WEEKLY"]

    @Test(arguments: unreadable)
    func libicalRefusesAnUnreadableRule(_ text: String) {
        #expect(throws: RecurrenceRuleError(text: text)) { try RecurrenceRule(text) }
    }

    struct Ending: Sendable, CustomTestStringConvertible {
        var text: String
        var until: WallClock?
        var isUTC: Bool
        var hasCount: Bool
        var testDescription: String { text }
    }

    static let endings: [Ending] = [
        Ending(text: "FREQ=WEEKLY;BYDAY=MO", until: nil, isUTC: false, hasCount: false),
        Ending(text: "FREQ=DAILY;COUNT=5", until: nil, isUTC: false, hasCount: true),
        Ending(
            text: "FREQ=WEEKLY;UNTIL=20260329T215959Z;BYDAY=MO",
            until: WallClock(year: 2026, month: 3, day: 29, hour: 21, minute: 59, second: 59), isUTC: true,
            hasCount: false),
        Ending(
            text: "FREQ=WEEKLY;UNTIL=20260329T090000", until: WallClock(year: 2026, month: 3, day: 29, hour: 9),
            isUTC: false, hasCount: false),
        Ending(
            text: "FREQ=DAILY;UNTIL=20260329", until: WallClock(year: 2026, month: 3, day: 29, isDate: true),
            isUTC: false, hasCount: false),
        Ending(
            text: "FREQ=WEEKLY;BYDAY=MO;UNTIL=19971224T000000Z", until: WallClock(year: 1997, month: 12, day: 24),
            isUTC: true, hasCount: false),
    ]

    @Test(arguments: endings)
    func keepsUntilAndCount(_ ending: Ending) throws {
        let rule = try RecurrenceRule(ending.text)
        #expect(rule.text == ending.text)
        #expect(rule.until?.wallClock == ending.until)
        #expect(rule.until?.isUTC == (ending.until == nil ? nil : ending.isUTC))
        #expect(rule.hasCount == ending.hasCount)
    }

    static func march(_ day: Int) -> WallClock { WallClock(year: 2026, month: 3, day: day, hour: 9) }
    static let nextYear = WallClock(year: 2027, month: 1, day: 1)

    @Test func iteratesFromSkipToUpToTheRangeEndExclusive() throws {
        let rule = try RecurrenceRule("FREQ=WEEKLY;BYDAY=MO")
        let result = rule.instances(
            start: Self.march(2), rangeEnd: Self.march(30), skipTo: Self.march(9), untilOverride: nil, limit: 100)
        #expect(result.instances == [Self.march(9), Self.march(16), Self.march(23)])
        #expect(!result.truncated)
    }

    @Test func countStartsAtDTSTARTWhateverSkipToSays() throws {
        let rule = try RecurrenceRule("FREQ=WEEKLY;COUNT=3")
        let result = rule.instances(
            start: Self.march(2), rangeEnd: Self.nextYear, skipTo: Self.march(9), untilOverride: nil, limit: 100)
        #expect(result.instances == [Self.march(9), Self.march(16)])
        #expect(!result.truncated)
    }

    @Test func untilOverrideReplacesTheRulesUntil() throws {
        let rule = try RecurrenceRule("FREQ=WEEKLY;UNTIL=20260330T070000Z")
        let result = rule.instances(
            start: Self.march(2), rangeEnd: Self.nextYear, skipTo: nil, untilOverride: Self.march(16), limit: 100)
        #expect(result.instances == [Self.march(2), Self.march(9), Self.march(16)])
    }

    @Test func limitCutsAndSaysSo() throws {
        let rule = try RecurrenceRule("FREQ=DAILY")
        let result = rule.instances(
            start: Self.march(2), rangeEnd: Self.nextYear, skipTo: nil, untilOverride: nil, limit: 2)
        #expect(result.instances == [Self.march(2), Self.march(3)])
        #expect(result.truncated)
    }

    @Test func limitCountsOnlyInsideCounting() throws {
        let rule = try RecurrenceRule("FREQ=DAILY")
        let counting = WallClock(year: 2026, month: 3, day: 5)..<WallClock(year: 2026, month: 3, day: 7)
        let cut = rule.instances(
            start: Self.march(2), rangeEnd: Self.nextYear, skipTo: nil, counting: counting, untilOverride: nil,
            limit: 1)
        #expect(cut.instances == [Self.march(2), Self.march(3), Self.march(4), Self.march(5)])
        #expect(cut.truncated)

        let whole = rule.instances(
            start: Self.march(2), rangeEnd: Self.march(10), skipTo: nil, counting: counting, untilOverride: nil,
            limit: 2)
        #expect(whole.instances.map(\.day) == [2, 3, 4, 5, 6, 7, 8, 9])
        #expect(!whole.truncated)
    }

    @Test func allDayInstancesAreDates() throws {
        let rule = try RecurrenceRule("FREQ=YEARLY;COUNT=2")
        let start = WallClock(year: 2024, month: 2, day: 29, isDate: true)
        let result = rule.instances(
            start: start, rangeEnd: WallClock(year: 2040, month: 1, day: 1, isDate: true), skipTo: nil,
            untilOverride: nil, limit: 100)
        #expect(result.instances == [start, WallClock(year: 2028, month: 2, day: 29, isDate: true)])
    }
}
