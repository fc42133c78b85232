import CalSyncModel
import CalSyncRecurrence
import Foundation
import Synchronization

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
        let zone = zone(named: value?.timeZone, fallbackZone: fallbackZone)
        guard let instant = Timestamp.parse(text, assumingTimeZone: zone) else { return .failure(.unreadable(text)) }
        return .success(.instant(instant))
    }

    /// The zone a value naming `name` is read in: the name mapped (``ianaName(_:)``), else
    /// `fallbackZone`, else UTC; nil for UTC, which ``Timestamp/parse(_:assumingTimeZone:)``
    /// reads without a calendar.
    ///
    /// Resolved once per name: a first sync reads two times per occurrence (400,000 at
    /// 10,000 events), nearly all naming the zone calsync asks for, and mapping the name
    /// and looking the zone up each time cost more than parsing the times.
    static func zone(named name: String?, fallbackZone: String?) -> TimeZone? {
        // The zone calsync asks for (`Prefer: outlook.timezone="UTC"`), named by nearly every
        // value: UTC without the look-up (hashing the key and taking the lock for each of a
        // first sync's 400,000 times was 1 % of it).
        if name == "UTC" { return nil }
        let key = ZoneKey(name: name, fallbackZone: fallbackZone)
        if let known = resolvedZones.withLock({ $0[key] }) { return known.zone }
        let zone = TimeZone(identifier: ianaName(name) ?? fallbackZone ?? "UTC") ?? TimeZone(identifier: "UTC")!
        let resolved = ResolvedZone(zone: Timestamp.wallClockZone(zone))
        // Zone names are few (a mailbox's and what its events name); the bound is for a
        // server that makes them up.
        resolvedZones.withLock { if $0.count < 256 { $0[key] = resolved } }
        return resolved.zone
    }

    struct ZoneKey: Hashable {
        var name: String?
        var fallbackZone: String?
    }

    struct ResolvedZone {
        var zone: TimeZone?
    }

    private static let resolvedZones = Mutex<[ZoneKey: ResolvedZone]>([:])

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
