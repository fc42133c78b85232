public import Foundation

/// The store's instant format: RFC 3339 in UTC with a `Z` and whole seconds
/// (`2026-03-29T07:30:00Z`). Provider fractions are truncated, never rounded.
public enum Timestamp {
    /// Formats an instant as the store writes it.
    public static func string(from date: Date) -> String {
        String(decoding: text(from: date, compact: false), as: UTF8.self)
    }

    /// `2026-03-29T07:30:00Z`, or compact `20260329T073000Z` (instance ids). Written digit
    /// by digit: `String(format:)` cost 30 µs a call on Linux, which made expanding 10,000
    /// series take 45 s instead of well under one.
    static func text(from date: Date, compact: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        appendText(from: date, compact: compact, to: &bytes)
        return bytes
    }

    /// ``text(from:compact:)`` appended to `bytes` (instance ids: one buffer for the whole id).
    package static func appendText(from date: Date, compact: Bool, to bytes: inout [UInt8]) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        CalendarDate(daysSinceEpoch: days).appendText(compact: compact, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        DecimalText.append(secondOfDay / 3600, width: 2, to: &bytes)
        if !compact { bytes.append(UInt8(ascii: ":")) }
        DecimalText.append((secondOfDay / 60) % 60, width: 2, to: &bytes)
        if !compact { bytes.append(UInt8(ascii: ":")) }
        DecimalText.append(secondOfDay % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// The IANA names of UTC (Graph's `"UTC"` maps to `Etc/UTC`, and calsync asks Graph for
    /// UTC: every occurrence's two times come in it).
    static let utcIdentifiers: Set<String> = [
        "UTC", "Etc/UTC", "GMT", "Etc/GMT", "Etc/UCT", "UCT", "Etc/Zulu", "Zulu",
    ]

    /// The zone ``parse(_:assumingTimeZone:)`` reads a text without an offset in: `zone`, or
    /// nil for UTC under any of its names, which is read without Foundation's calendar (that
    /// would cost a microsecond a time for nothing). A caller that parses many times in one
    /// zone asks once and passes the answer.
    package static func wallClockZone(_ zone: TimeZone?) -> TimeZone? {
        guard let zone, !utcIdentifiers.contains(zone.identifier) else { return nil }
        return zone
    }

    /// Parses RFC 3339 date-times as providers send them: `Z` or a numeric offset, any number
    /// of fractional digits (Graph sends seven). Without an offset the text is read in
    /// `assumingTimeZone` (Graph's `{"dateTime", "timeZone"}` pairs); nil when unreadable.
    public static func parse(_ text: String, assumingTimeZone zone: TimeZone? = nil) -> Date? {
        // The string's own UTF-8, not an array of it: a Graph first sync parses two times
        // per occurrence (400,000 at 10,000 events).
        var text = text
        return text.withUTF8 { parse(utf8: $0, assumingTimeZone: zone) }
    }

    private static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>, assumingTimeZone zone: TimeZone?) -> Date? {
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        let date = CalendarDate(year: year, month: month, day: day)
        let wallSeconds = Double(date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second) + fraction
        if index == bytes.count {
            // No offset: wall-clock time in the given zone (UTC when none).
            guard let zone = wallClockZone(zone) else { return Date(timeIntervalSince1970: wallSeconds) }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let components = DateComponents(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            return calendar.date(from: components).map { $0.addingTimeInterval(fraction) }
        }
        let designator = bytes[index]
        if designator == UInt8(ascii: "Z") || designator == UInt8(ascii: "z") {
            return index + 1 == bytes.count ? Date(timeIntervalSince1970: wallSeconds) : nil
        }
        guard designator == UInt8(ascii: "+") || designator == UInt8(ascii: "-"), bytes.count == index + 6,
            bytes[index + 3] == UInt8(ascii: ":"),
            let offsetHours = number(index + 1..<index + 3), let offsetMinutes = number(index + 4..<index + 6)
        else { return nil }
        let offset = Double(offsetHours * 3600 + offsetMinutes * 60) * (designator == UInt8(ascii: "+") ? 1 : -1)
        return Date(timeIntervalSince1970: wallSeconds - offset)
    }
}

/// Zero-padded decimal digits appended to UTF-8 bytes.
enum DecimalText {
    /// `value` in decimal, zero-padded to `width` digits, most significant first; no
    /// temporary array (this runs several times for each of a million instance ids).
    static func append(_ value: Int, width: Int, to bytes: inout [UInt8]) {
        let zero = UInt8(ascii: "0")
        if width == 2, value >= 0, value < 100 {
            bytes.append(zero + UInt8(value / 10))
            bytes.append(zero + UInt8(value % 10))
            return
        }
        if width == 4, value >= 0, value < 10_000 {
            bytes.append(zero + UInt8(value / 1000))
            bytes.append(zero + UInt8(value / 100 % 10))
            bytes.append(zero + UInt8(value / 10 % 10))
            bytes.append(zero + UInt8(value % 10))
            return
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var count = 1
        var divisor: UInt = 1
        while magnitude / divisor >= 10 {
            divisor *= 10
            count += 1
        }
        for _ in count..<max(width, count) { bytes.append(UInt8(ascii: "0")) }
        var rest = magnitude
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
