package import Foundation

/// Gregorian dates as day numbers (days since 1970-01-01) and wall-clock times as plain
/// arithmetic. Foundation's `Calendar` costs microseconds per call on Linux, and a
/// 100,000-event Graph round formats and expands millions of dates; these do the same
/// work in nanoseconds. Only years ``fastYears`` take this path: before the Gregorian
/// reform Foundation's calendar is Julian, so callers fall back to it there.
///
/// The same arithmetic as CalSyncModel's `CalendarDate`, written again on purpose: the
/// emulator is the tests' independent model of the providers and imports nothing of
/// calsync's own, so a mistake in one cannot hide the same mistake in the other.
package enum CivilDate {
    /// The years plain arithmetic agrees with Foundation's Gregorian calendar.
    package static let fastYears = 1600...9999

    /// Year, month (1…12) and day of a day number (Howard Hinnant's `civil_from_days`).
    package static func civil(fromDay dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = dayNumber + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The day number of a date; months and days out of range carry over as Foundation's
    /// `date(from:)` does (month 13 is January of the next year, February 30 is March 2).
    package static func day(year: Int, month: Int, day: Int) -> Int {
        let carriedYear = year + floorDivide(month - 1, 12)
        let carriedMonth = month - 1 - floorDivide(month - 1, 12) * 12 + 1
        let marchYear = carriedMonth <= 2 ? carriedYear - 1 : carriedYear
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * (carriedMonth > 2 ? carriedMonth - 3 : carriedMonth + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Days in a month (the month carries over like ``day(year:month:day:)``).
    package static func length(year: Int, month: Int) -> Int {
        day(year: year, month: month + 1, day: 1) - day(year: year, month: month, day: 1)
    }

    /// Foundation's weekday number (1 = Sunday … 7 = Saturday); day 0 was a Thursday.
    package static func weekday(ofDay dayNumber: Int) -> Int {
        (dayNumber + 4) - floorDivide(dayNumber + 4, 7) * 7 + 1
    }

    /// The wall-clock seconds since 1970-01-01T00:00 of an instant in `zone`; nil for
    /// fractional seconds (callers keep Foundation's rounding there).
    package static func localSeconds(_ date: Date, in zone: TimeZone) -> Int? {
        let seconds = date.timeIntervalSince1970
        guard seconds == seconds.rounded(.down), abs(seconds) < 1e12 else { return nil }
        return Int(seconds) + offset(of: zone, at: date)
    }

    /// `zone.secondsFromGMT(for:)`; UTC answers without asking ICU, whose zones take a
    /// lock per call (and Graph output is mostly UTC).
    static func offset(of zone: TimeZone, at date: Date) -> Int {
        let identifier = zone.identifier
        return identifier == "GMT" || identifier == "UTC" ? 0 : zone.secondsFromGMT(for: date)
    }

    /// The instant a wall-clock time has in `zone`, when the zone's offset is the same a
    /// day before and after (no DST change near it: one answer). Nil near a change, where
    /// a skipped or repeated hour needs Foundation's rules.
    package static func instant(localSeconds: Int, in zone: TimeZone) -> Date? {
        let guess = Date(timeIntervalSince1970: TimeInterval(localSeconds))
        let offset = offset(of: zone, at: guess.addingTimeInterval(-86_400))
        guard Self.offset(of: zone, at: guess.addingTimeInterval(86_400)) == offset else { return nil }
        let instant = Date(timeIntervalSince1970: TimeInterval(localSeconds - offset))
        return Self.offset(of: zone, at: instant) == offset ? instant : nil
    }

    /// `YYYY-MM-DDTHH:MM:SS` of wall-clock seconds; nil outside ``fastYears``.
    package static func localDateTime(_ localSeconds: Int) -> String? {
        var text: [UInt8] = []
        text.reserveCapacity(27)
        guard appendLocalDateTime(localSeconds, to: &text) else { return nil }
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS` of wall-clock seconds; false (nothing appended)
    /// outside ``fastYears``.
    package static func appendLocalDateTime(_ localSeconds: Int, to text: inout [UInt8]) -> Bool {
        let dayNumber = floorDivide(localSeconds, 86_400)
        let (year, month, day) = civil(fromDay: dayNumber)
        guard fastYears.contains(year) else { return false }
        let time = localSeconds - dayNumber * 86_400
        append(year, width: 4, to: &text)
        text.append(UInt8(ascii: "-"))
        append(month, width: 2, to: &text)
        text.append(UInt8(ascii: "-"))
        append(day, width: 2, to: &text)
        text.append(UInt8(ascii: "T"))
        append(time / 3600, width: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        append(time % 3600 / 60, width: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        append(time % 60, width: 2, to: &text)
        return true
    }

    /// `yyyyMMdd` of a day number (the date part of Graph occurrence ids).
    package static func dayKey(_ dayNumber: Int) -> String {
        let (year, month, day) = civil(fromDay: dayNumber)
        var text: [UInt8] = []
        text.reserveCapacity(8)
        append(year, width: 4, to: &text)
        append(month, width: 2, to: &text)
        append(day, width: 2, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// A non-negative `value` in decimal with leading zeros to `width` digits.
    static func append(_ value: Int, width: Int, to text: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor * 10 <= value { divisor *= 10 }
        while divisor > 0 {
            text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    static func floorDivide(_ value: Int, _ divisor: Int) -> Int {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
}
