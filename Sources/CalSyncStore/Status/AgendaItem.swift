public import CalSyncModel
import CalSyncRecurrence
public import Foundation

/// One row of the `agenda` view, as `calsyncctl agenda` prints it.
public struct AgendaItem: Sendable, Equatable, Encodable {
    public var accountID: String
    public var calendarID: String
    public var calendarName: String
    public var eventID: String
    public var instanceID: String
    public var summary: String?
    public var location: String?
    public var start: EventTime
    public var end: EventTime
    public var status: String
    public var conferenceURL: String?

    public init(
        accountID: String, calendarID: String, calendarName: String, eventID: String, instanceID: String,
        summary: String?, location: String?, start: EventTime, end: EventTime, status: String,
        conferenceURL: String?
    ) {
        self.accountID = accountID
        self.calendarID = calendarID
        self.calendarName = calendarName
        self.eventID = eventID
        self.instanceID = instanceID
        self.summary = summary
        self.location = location
        self.start = start
        self.end = end
        self.status = status
        self.conferenceURL = conferenceURL
    }

    enum CodingKeys: String, CodingKey {
        case summary, location, start, end, status
        case accountID = "account_id"
        case calendarID = "calendar_id"
        case calendarName = "calendar_name"
        case eventID = "event_id"
        case instanceID = "instance_id"
        case allDay = "all_day"
        case conferenceURL = "conference_url"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(accountID, forKey: .accountID)
        try container.encode(calendarID, forKey: .calendarID)
        try container.encode(calendarName, forKey: .calendarName)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(instanceID, forKey: .instanceID)
        try container.encode(summary, forKey: .summary)
        try container.encode(location, forKey: .location)
        try container.encode(start.description, forKey: .start)
        try container.encode(end.description, forKey: .end)
        try container.encode(start.isAllDay, forKey: .allDay)
        try container.encode(status, forKey: .status)
        try container.encode(conferenceURL, forKey: .conferenceURL)
    }
}

/// `calsyncctl agenda`'s time range and output.
public enum Agenda {
    /// Reads a `--from`/`--to` value: `YYYY-MM-DD` (midnight in `timeZone`) or RFC 3339.
    /// - Throws: ``CalSyncError`` `.invalidInput` naming the option and the accepted forms.
    public static func parseWhen(_ text: String, option: String, timeZone: TimeZone) throws -> Date {
        if let date = CalendarDate(text) {
            return date.midnight(in: timeZone)
        }
        if let instant = Timestamp.parse(text), text.count > 19 {
            return instant
        }
        throw CalSyncError(
            .invalidInput,
            "\(option) \"\(text)\" is not a date or time (use YYYY-MM-DD or RFC 3339 like 2026-03-29T09:00:00+02:00)")
    }

    /// The default range: today (local midnight) and the 7 days after it.
    public static func defaultRange(now: Date, timeZone: TimeZone) -> (from: Date, to: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.startOfDay(for: now)
        return (start, calendar.date(byAdding: .day, value: 7, to: start) ?? start.addingTimeInterval(7 * 86_400))
    }

    /// The items as one JSON array (keys as the `agenda` view's columns).
    public static func json(_ items: [AgendaItem]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and booleans cannot fail.
        return String(decoding: try! encoder.encode(items), as: UTF8.self)
    }

    /// A list grouped by day in `timeZone`: `09:00–09:30  Standup  (Work)`; all-day events
    /// stay on their dates whatever the zone. Control characters in summaries, locations and
    /// calendar names are escaped (``TerminalText``).
    public static func text(_ items: [AgendaItem], timeZone: TimeZone) -> String {
        guard !items.isEmpty else { return "Nothing on in this range." }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        func day(of time: EventTime) -> CalendarDate {
            switch time {
            case .date(let date): return date
            case .instant(let instant):
                let parts = calendar.dateComponents([.year, .month, .day], from: instant)
                return CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
            }
        }
        func clock(_ instant: Date) -> String {
            let parts = calendar.dateComponents([.hour, .minute], from: instant)
            return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
        }
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        // By day in `timeZone`, all-day events first, then as the store ordered them: an
        // all-day event's midnight in another zone must not land among yesterday's times.
        let ordered = items.enumerated().sorted { left, right in
            let leftDay = day(of: left.element.start)
            let rightDay = day(of: right.element.start)
            if leftDay != rightDay { return leftDay.daysSinceEpoch < rightDay.daysSinceEpoch }
            if left.element.start.isAllDay != right.element.start.isAllDay { return left.element.start.isAllDay }
            return left.offset < right.offset
        }.map(\.element)
        var lines: [String] = []
        var currentDay: CalendarDate?
        for item in ordered {
            let itemDay = day(of: item.start)
            if itemDay != currentDay {
                if currentDay != nil { lines.append("") }
                let weekday = weekdays[((itemDay.daysSinceEpoch % 7) + 11) % 7]
                lines.append("\(weekday) \(itemDay.day) \(months[itemDay.month - 1]) \(itemDay.year)")
                currentDay = itemDay
            }
            let when: String
            switch (item.start, item.end) {
            case (.date(let start), .date(let end)):
                let days = end.daysSinceEpoch - start.daysSinceEpoch
                when = days > 1 ? "all day (\(days) days)" : "all day"
            case (.instant(let start), .instant(let end)):
                when = "\(clock(start))–\(clock(end))"
            default:
                when = item.start.description
            }
            var line = "  " + when.padding(toLength: max(when.count, 12), withPad: " ", startingAt: 0) + "  "
            line += item.summary ?? "(no title)"
            if let location = item.location { line += " @ \(location)" }
            line += "  (\(item.calendarName))"
            if item.status == "tentative" { line += " [tentative]" }
            lines.append(TerminalText.line(line))
        }
        return lines.joined(separator: "\n")
    }
}
