import CalSyncModel
import CalSyncRecurrence
import Foundation

/// Graph's `dateTimeTimeZone` values → ``EventTime`` (docs/providers-graph.md "Times").
///
/// Each value is converted with the zone it names itself, never with the zone we asked
/// for in `Prefer: outlook.timezone` (the server does not always apply it). All-day events
/// come midnight to midnight whatever the zone, so their wall-clock date is the value.
enum GraphTimes {
    /// The two placeholder values Outlook writes for "no time": `0001-01-01T00:00:00`
    /// (also with a `Z`) and `9999-12-31T23:59:59.9999999`.
    static func isSentinel(_ text: String) -> Bool {
        text.hasPrefix("0001-01-01") || text.hasPrefix("9999-12-31")
    }

    /// The IANA zone for a Graph zone name: IANA names as they are, Windows names through
    /// CLDR, `UTC`-like names as UTC; nil for `tzone://Microsoft/Custom` and unknown names.
    static func ianaName(_ name: String?) -> String? {
        guard let name else { return nil }
        if name == "tzone://Microsoft/Utc" { return "Etc/UTC" }
        if let mapped = TimeNames.ianaName(fromProviderName: name) { return mapped }
        // Documented oddities such as `Europe/Kyiv (Kiev)`: the part before the space.
        if let space = name.firstIndex(of: " "), name.contains("/") {
            return TimeNames.ianaName(fromProviderName: String(name[..<space]))
        }
        return nil
    }

    enum Failure: Error, Equatable {
        case missing
        case sentinel
        case unreadable(String)
    }

    /// One start or end.
    /// - Parameters:
    ///   - allDay: the event's `isAllDay`: the value's wall-clock date is the answer.
    ///   - fallbackZone: for zone names that cannot be mapped (the calendar's or mailbox's zone).
    static func time(
        _ value: GraphWire.DateTimeTimeZone?, allDay: Bool, fallbackZone: String?
    ) -> Result<EventTime, Failure> {
        guard let text = value?.dateTime, !text.isEmpty else { return .failure(.missing) }
        if isSentinel(text) { return .failure(.sentinel) }
        if allDay {
            guard let date = CalendarDate(text.prefix(10)) else { return .failure(.unreadable(text)) }
            return .success(.date(date))
        }
        // calsync asks for UTC (`Prefer: outlook.timezone`), so nearly every value names
        // it: read as UTC (no zone) without mapping the name and looking the zone up, which
        // took more than the parse (two times a stub, 400,000 at 10,000 events).
        var zone: TimeZone?
        if value?.timeZone != "UTC" {
            let zoneName = ianaName(value?.timeZone) ?? fallbackZone ?? "UTC"
            zone = TimeZone(identifier: zoneName) ?? TimeZone(identifier: "UTC")!
        }
        guard let instant = Timestamp.parse(text, assumingTimeZone: zone) else { return .failure(.unreadable(text)) }
        return .success(.instant(instant))
    }

    /// `originalStart` (a DateTimeOffset, normally UTC with a `Z`, sometimes with an offset)
    /// as the instance's start in its series: a date for all-day series (the day in the
    /// series' zone), an instant otherwise; nil for sentinels and unreadable text.
    static func originalStart(_ text: String?, allDay: Bool, zone: String?) -> EventTime? {
        guard let text, !isSentinel(text), let instant = Timestamp.parse(text) else { return nil }
        guard allDay else { return .instant(instant) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        guard let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
        return .date(CalendarDate(year: year, month: month, day: day))
    }
}
