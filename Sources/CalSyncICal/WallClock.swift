import Foundation

/// A local date or date-time with no zone: what RFC 5545 rules iterate over.
public struct WallClock: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// A whole day (`VALUE=DATE`), not a time.
    public var isDate: Bool

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, isDate: Bool = false)
    {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.isDate = isDate
    }

    /// Parses `YYYYMMDD` or `YYYYMMDDTHHMMSS` with an optional trailing `Z` (returned separately).
    public static func parse(_ text: Substring) -> (wallClock: WallClock, isUTC: Bool)? {
        let characters = Array(text)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= characters.count else { return nil }
            return Int(String(characters[range]))
        }
        // The day is checked against its month: the zone database reads February 31 as
        // March 3, and an EXDATE of a day that does not exist would remove a real instance.
        guard characters.count >= 8, let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        if characters.count == 8 { return (WallClock(year: year, month: month, day: day, isDate: true), false) }
        guard characters.count >= 15, characters[8] == "T", let hour = number(9..<11), let minute = number(11..<13),
            let second = number(13..<15), hour < 24, minute < 60, second < 61
        else { return nil }
        let isUTC = characters.count == 16 && characters[15] == "Z"
        guard characters.count == 15 || isUTC else { return nil }
        return (WallClock(year: year, month: month, day: day, hour: hour, minute: minute, second: second), isUTC)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public var description: String {
        let date = String(format: "%04d%02d%02d", year, month, day)
        return isDate ? date : date + String(format: "T%02d%02d%02d", hour, minute, second)
    }

    public static func < (lhs: WallClock, rhs: WallClock) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.hour, lhs.minute, lhs.second)
            < (rhs.year, rhs.month, rhs.day, rhs.hour, rhs.minute, rhs.second)
    }
}
