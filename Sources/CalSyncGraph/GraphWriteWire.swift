/// The JSON calsync sends to Graph's event POST and PATCH (docs/providers-graph.md
/// "Writes"). Only the members of an ``EventDraft`` are written: never attendees, so a
/// write cannot invite anyone.
import CalSyncModel
import CalSyncRecurrence
import Foundation

enum GraphWriteWire {
    struct DateTimeTimeZone: Encodable, Equatable {
        var dateTime: String
        var timeZone: String
    }

    struct Body: Encodable, Equatable {
        var contentType = "text"
        var content: String
    }

    struct Location: Encodable, Equatable {
        var displayName: String
    }

    struct Pattern: Encodable, Equatable {
        var type: String
        var interval: Int
        var daysOfWeek: [String]?
        var firstDayOfWeek: String?
        var dayOfMonth: Int?
        var month: Int?
        var index: String?
    }

    struct Range: Encodable, Equatable {
        var type: String
        var startDate: String
        var endDate: String?
        var numberOfOccurrences: Int?
        var recurrenceTimeZone: String?
    }

    struct Recurrence: Encodable, Equatable {
        var pattern: Pattern
        var range: Range
    }

    /// An event with only the members that are set (a PATCH leaves the others as they are).
    struct Event: Encodable, Equatable {
        var transactionId: String?
        var subject: String?
        var body: Body?
        var location: Location?
        var start: DateTimeTimeZone?
        var end: DateTimeTimeZone?
        var isAllDay: Bool?
        var showAs: String?
        var recurrence: Recurrence?
    }

    /// The event for `draft`. Times are wall-clock in the draft's zone (else `zone`, the
    /// mailbox's): Graph expands a series at the wall-clock time of its start in that
    /// zone. Dates make an all-day event (midnight to midnight, as Graph stores them).
    /// - Throws: `.invalidInput` for a recurrence Graph's `patternedRecurrence` cannot say.
    static func event(_ draft: EventDraft, transactionID: String? = nil, zone: String) throws -> Event {
        let zoneName = draft.timeZone ?? zone
        let timeZone = TimeZone(identifier: zoneName) ?? TimeZone(identifier: "UTC")!
        var event = Event(
            transactionId: transactionID, subject: draft.summary, body: draft.description.map { Body(content: $0) },
            location: draft.location.map(Location.init),
            start: draft.start.map { time($0, zone: timeZone, name: zoneName) },
            end: draft.end.map { time($0, zone: timeZone, name: zoneName) },
            showAs: draft.transparency.map { $0 == .transparent ? "free" : "busy" })
        if let start = draft.start { event.isAllDay = start.isAllDay }
        if let lines = draft.recurrence {
            guard let start = draft.start else {
                throw CalSyncError(.invalidInput, "a recurrence for Graph needs the series' start beside it")
            }
            event.recurrence = try GraphWriteRecurrence.recurrence(lines, start: start, zone: timeZone)
        }
        return event
    }

    static func time(_ time: EventTime, zone: TimeZone, name: String) -> DateTimeTimeZone {
        switch time {
        case .date(let date):
            return DateTimeTimeZone(dateTime: date.description + "T00:00:00.0000000", timeZone: name)
        case .instant(let instant):
            return DateTimeTimeZone(dateTime: wallClock(instant, in: zone), timeZone: name)
        }
    }

    /// `2026-03-29T09:30:00.0000000`: Graph's seven fractional digits, no offset.
    static func wallClock(_ instant: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return String(format: "%04d", parts.year ?? 0) + "-" + two(parts.month) + "-" + two(parts.day) + "T"
            + two(parts.hour) + ":" + two(parts.minute) + ":" + two(parts.second) + ".0000000"
    }

    static func body(_ event: Event) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(event)) ?? Data("{}".utf8)
    }
}
