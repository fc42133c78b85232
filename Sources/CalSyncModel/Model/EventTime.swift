public import Foundation

/// The start or end of an event: a date for all-day events, an instant otherwise.
public enum EventTime: Hashable, Sendable, CustomStringConvertible {
    case date(CalendarDate)
    case instant(Date)

    /// The store's text: `YYYY-MM-DD` or `2026-03-29T07:30:00Z`.
    public var description: String {
        switch self {
        case .date(let date): date.description
        case .instant(let instant): Timestamp.string(from: instant)
        }
    }

    public var isAllDay: Bool {
        if case .date = self { return true }
        return false
    }

    /// Unix seconds for the `*_ts` columns: dates at midnight in `timeZone` (UTC when nil).
    public func unixSeconds(allDayZone timeZone: TimeZone?) -> Int64 {
        switch self {
        case .date(let date): Int64(date.midnight(in: timeZone).timeIntervalSince1970.rounded(.down))
        case .instant(let instant): Int64(instant.timeIntervalSince1970.rounded(.down))
        }
    }

    /// Reads the store's text back.
    public init?(storeText text: String) {
        if text.count == 10, let date = CalendarDate(text) {
            self = .date(date)
        } else if let instant = Timestamp.parse(text) {
            self = .instant(instant)
        } else {
            return nil
        }
    }
}
