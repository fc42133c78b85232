import Foundation
import Testing

@testable import CalSyncICal

/// `WallClock.parse` reads the values of EXDATE, RDATE and UNTIL as RFC 5545 writes them.
struct WallClockTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        var text: String
        var expected: WallClock
        var isUTC: Bool
        var testDescription: String { text }
    }

    static let valid: [Valid] = [
        Valid(text: "20260309", expected: WallClock(year: 2026, month: 3, day: 9, isDate: true), isUTC: false),
        Valid(text: "20260309T090000", expected: WallClock(year: 2026, month: 3, day: 9, hour: 9), isUTC: false),
        Valid(
            text: "20260309T235959Z",
            expected: WallClock(year: 2026, month: 3, day: 9, hour: 23, minute: 59, second: 59), isUTC: true),
        Valid(text: "20240229", expected: WallClock(year: 2024, month: 2, day: 29, isDate: true), isUTC: false),
        Valid(text: "20261231T000000", expected: WallClock(year: 2026, month: 12, day: 31), isUTC: false),
    ]

    @Test(arguments: valid)
    func readsDatesAndTimes(_ valid: Valid) throws {
        let parsed = try #require(WallClock.parse(Substring(valid.text)))
        #expect(parsed.wallClock == valid.expected)
        #expect(parsed.isUTC == valid.isUTC)
        #expect(parsed.wallClock.description == valid.text.replacingOccurrences(of: "Z", with: ""))
    }

    static let invalid = [
        "", "2026030", "2026-03-09", "20261309", "20260009", "20260300", "20260332", "20260231", "20250229",
        "20260431", "20260309T", "20260309T0900", "20260309T240000", "20260309T096000", "20260309T090000X",
        "20260309T090000ZZ", "20260309 090000", "2026O309",
    ]

    @Test(arguments: invalid)
    func rejectsWhatIsNotADateOrTime(_ text: String) {
        #expect(WallClock.parse(Substring(text)) == nil)
    }

    @Test func ordersByDateThenTime() {
        let morning = WallClock(year: 2026, month: 3, day: 9, hour: 9)
        let evening = WallClock(year: 2026, month: 3, day: 9, hour: 18, minute: 30)
        let nextDay = WallClock(year: 2026, month: 3, day: 10, isDate: true)
        #expect(morning < evening)
        #expect(evening < nextDay)
        #expect([nextDay, evening, morning].sorted() == [morning, evening, nextDay])
    }
}
