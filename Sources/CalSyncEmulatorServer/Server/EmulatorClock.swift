public import Foundation

/// Time formats of the two providers, and parsing of what clients send.
public enum EmulatorClock {
    /// Google's `updated`/`created`: UTC with milliseconds (`2025-03-23T10:47:00.769Z`).
    public static func rfc3339(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        style.timeZone = TimeZone(identifier: "UTC")!
        return date.formatted(style)
    }

    /// Graph's `dateTime`: seven fractional digits, no offset, in `zone`
    /// (`2026-03-29T07:30:00.0000000`).
    public static func graphDateTime(_ date: Date, in zone: TimeZone) -> String {
        // Whole seconds (every generated time) need no calendar: a big Graph round
        // formats millions of these.
        if let local = CivilDate.localSeconds(date, in: zone), let text = CivilDate.localDateTime(local) {
            return text + ".0000000"
        }
        let parts = Calendar.gregorian(in: zone).dateComponents(
            [.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let ticks = (parts.nanosecond ?? 0) / 100
        return localDateTime(parts) + "." + padded(ticks, 7)
    }

    /// ``graphDateTime(_:in:)`` appended to UTF-8 bytes, without making a string on the
    /// arithmetic path (a round writes two per occurrence).
    public static func appendGraphDateTime(_ date: Date, in zone: TimeZone, to bytes: inout [UInt8]) {
        if let local = CivilDate.localSeconds(date, in: zone), CivilDate.appendLocalDateTime(local, to: &bytes) {
            bytes.append(contentsOf: ".0000000".utf8)
        } else {
            bytes.append(contentsOf: graphDateTime(date, in: zone).utf8)
        }
    }

    /// Google's `dateTime` with the offset of `zone` at that instant (`2025-03-24T07:30:00-05:00`).
    public static func googleDateTime(_ date: Date, in zone: TimeZone) -> String {
        let parts = Calendar.gregorian(in: zone).dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = zone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        let zonePart =
            offset == 0 && zone.name == "UTC"
            ? "Z" : sign + padded(magnitude / 3600, 2) + ":" + padded((magnitude % 3600) / 60, 2)
        return localDateTime(parts) + zonePart
    }

    /// `YYYY-MM-DD` of `date` in `zone`.
    public static func dateString(_ date: Date, in zone: TimeZone) -> String {
        let parts = Calendar.gregorian(in: zone).dateComponents([.year, .month, .day], from: date)
        return padded(parts.year!, 4) + "-" + padded(parts.month!, 2) + "-" + padded(parts.day!, 2)
    }

    /// `YYYY-MM-DDTHH:MM:SS` of date components.
    static func localDateTime(_ parts: DateComponents) -> String {
        padded(parts.year!, 4) + "-" + padded(parts.month!, 2) + "-" + padded(parts.day!, 2) + "T"
            + padded(parts.hour!, 2) + ":" + padded(parts.minute!, 2) + ":" + padded(parts.second!, 2)
    }

    /// `value` with leading zeros to `width` digits (`String(format:)` is slow on Linux,
    /// and the generator formats hundreds of thousands of times).
    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// An RFC 3339 timestamp with an offset or `Z`, fractions optional.
    public static func parseInstant(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Graph's zone-less `dateTime` read in `zone` (any number of fractional digits).
    public static func parseLocal(_ text: String, in zone: TimeZone) -> Date? {
        let main = text.splitting(".", maxSplits: 1)
        guard !main.isEmpty else { return nil }
        let fields = main[0].utf8.split(whereSeparator: { $0 == 0x2D || $0 == 0x54 || $0 == 0x3A }).compactMap {
            Int(Substring($0))
        }
        guard fields.count == 6 else { return nil }
        // Whole seconds (Graph writes `.0000000`) away from a DST change need no calendar
        // (see `CivilDate`).
        if main.count == 1 || main[1].utf8.allSatisfy({ $0 == UInt8(ascii: "0") }),
            CivilDate.fastYears.contains(fields[0]), (1...12).contains(fields[1]),
            (1...31).contains(fields[2]),
            let instant = CivilDate.instant(
                localSeconds: CivilDate.day(year: fields[0], month: fields[1], day: fields[2]) * 86_400 + fields[3]
                    * 3600 + fields[4] * 60 + fields[5], in: zone)
        {
            return instant
        }
        var components = DateComponents(
            year: fields[0], month: fields[1], day: fields[2], hour: fields[3], minute: fields[4], second: fields[5])
        if main.count > 1, let fraction = Double("0." + main[1]) {
            components.nanosecond = Int(fraction * 1e9)
        }
        return Calendar.gregorian(in: zone).date(from: components)
    }

    /// `YYYY-MM-DD` as midnight in `zone`.
    public static func parseDate(_ text: String, in zone: TimeZone) -> Date? {
        let fields = text.split(separator: "-").compactMap { Int($0) }
        guard fields.count == 3 else { return nil }
        return Calendar.gregorian(in: zone).date(
            from: DateComponents(year: fields[0], month: fields[1], day: fields[2]))
    }

    /// Google's instance-id stamp: `20250324T123000Z` (timed, UTC) or `20250324` (all-day).
    public static func instanceStamp(_ date: Date, allDay: Bool, zone: TimeZone) -> String {
        let utc = TimeZone(identifier: "UTC")!
        let parts = Calendar.gregorian(in: allDay ? zone : utc).dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: date)
        let day = padded(parts.year!, 4) + padded(parts.month!, 2) + padded(parts.day!, 2)
        return allDay
            ? day : day + "T" + padded(parts.hour!, 2) + padded(parts.minute!, 2) + padded(parts.second!, 2) + "Z"
    }
}

extension Calendar {
    package static func gregorian(in zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}

extension TimeZone {
    /// The IANA name as the providers write it: Foundation on Linux calls UTC "GMT".
    public var name: String {
        identifier == "GMT" ? "UTC" : identifier
    }
}
