package import CalSyncEmulatorServer
package import Foundation

/// Graph's `dateTimeTimeZone` values (`{"dateTime":"2026-03-29T07:30:00.0000000","timeZone":"UTC"}`)
/// and the zone names clients send: Windows names (`W. Europe Standard Time`) or IANA ones.
package enum GraphTime {
    /// The Windows zones the emulator understands (CLDR `windowsZones.xml`, territory 001),
    /// enough for the generator, the fixtures and common client requests.
    static let windowsZones: [String: String] = [
        "UTC": "UTC", "Coordinated Universal Time": "UTC", "tzone://Microsoft/Utc": "UTC",
        "GMT Standard Time": "Europe/London", "Greenwich Standard Time": "Atlantic/Reykjavik",
        "W. Europe Standard Time": "Europe/Berlin", "Romance Standard Time": "Europe/Paris",
        "Central Europe Standard Time": "Europe/Budapest", "Central European Standard Time": "Europe/Warsaw",
        "E. Europe Standard Time": "Europe/Chisinau", "FLE Standard Time": "Europe/Kiev",
        "GTB Standard Time": "Europe/Bucharest", "Russian Standard Time": "Europe/Moscow",
        "Eastern Standard Time": "America/New_York", "Central Standard Time": "America/Chicago",
        "Mountain Standard Time": "America/Denver", "US Mountain Standard Time": "America/Phoenix",
        "Pacific Standard Time": "America/Los_Angeles", "Alaskan Standard Time": "America/Anchorage",
        "Hawaiian Standard Time": "Pacific/Honolulu", "E. South America Standard Time": "America/Sao_Paulo",
        "Pacific Standard Time (Mexico)": "America/Tijuana", "India Standard Time": "Asia/Kolkata",
        "China Standard Time": "Asia/Shanghai", "Tokyo Standard Time": "Asia/Tokyo",
        "Singapore Standard Time": "Asia/Singapore", "AUS Eastern Standard Time": "Australia/Sydney",
        "New Zealand Standard Time": "Pacific/Auckland", "Arabian Standard Time": "Asia/Dubai",
    ]

    /// The zones of ``windowsZones``, made once: `TimeZone(identifier:)` loads ICU data
    /// each time, and every stored event names its zone.
    static let knownZones: [String: TimeZone] = windowsZones.compactMapValues { TimeZone(identifier: $0) }

    static let utc = TimeZone(identifier: "UTC")!

    /// A Windows or IANA zone name as a `TimeZone`; nil when unknown.
    package static func zone(named name: String) -> TimeZone? {
        if let zone = knownZones[name] { return zone }
        if let iana = windowsZones[name] { return TimeZone(identifier: iana) }
        guard !name.isEmpty, !name.hasPrefix("tzone://") else { return nil }
        return TimeZone(identifier: name)
    }

    /// The instant of a `dateTimeTimeZone` (the dateTime is wall-clock time in its zone;
    /// an offset or `Z` in the text wins; an unknown zone is read as UTC).
    package static func instant(_ value: JSONValue?) -> Date? {
        guard let text = value?["dateTime"]?.stringValue else { return nil }
        // Scalars, not Foundation's `contains`, which bridges to NSString on Linux.
        let afterSeconds = text.dropFirst(19).unicodeScalars
        if text.hasSuffix("Z") || afterSeconds.contains("+") || afterSeconds.contains("-") {
            if let instant = EmulatorClock.parseInstant(text) { return instant }
        }
        let zone = value?["timeZone"]?.stringValue.flatMap(zone(named:)) ?? utc
        return EmulatorClock.parseLocal(text, in: zone)
    }

    /// The zone a `dateTimeTimeZone` is written in (UTC when unknown).
    package static func zone(of value: JSONValue?) -> TimeZone {
        value?["timeZone"]?.stringValue.flatMap(zone(named:)) ?? utc
    }

    /// `{"dateTime", "timeZone"}` of `instant` in `zone`, labelled `zoneName`.
    package static func value(_ instant: Date, in zone: TimeZone, named zoneName: String) -> JSONValue {
        .object([
            ("dateTime", .string(EmulatorClock.graphDateTime(instant, in: zone))), ("timeZone", .string(zoneName)),
        ])
    }

    /// An all-day value: the wall-clock midnight of `dateTime` kept as it is, whatever the
    /// zone asked for (Graph's all-day events float), labelled with the asked zone.
    package static func floating(_ value: JSONValue?, named zoneName: String) -> JSONValue {
        let text = value?["dateTime"]?.stringValue ?? "0001-01-01T00:00:00"
        return .object([
            ("dateTime", .string(String(text.prefix(10)) + "T00:00:00.0000000")), ("timeZone", .string(zoneName)),
        ])
    }

    /// A query's `startDateTime`/`endDateTime`: ISO 8601, an offset wins, none means UTC.
    package static func queryInstant(_ text: String) -> Date? {
        if let instant = EmulatorClock.parseInstant(text) { return instant }
        return EmulatorClock.parseLocal(text, in: utc)
    }

    /// `2026-03-29T07:30:00.1234567Z` (createdDateTime, lastModifiedDateTime).
    package static func timestamp(_ date: Date) -> String {
        EmulatorClock.graphDateTime(date, in: utc) + "Z"
    }
}
