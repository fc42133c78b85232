/// The JSON calsync sends to Google's `events.insert` and `events.patch` (docs/providers-google.md
/// "Writes"). Only the members of an ``EventDraft`` are ever written: never attendees,
/// reminders or conference data, so a write cannot invite anyone.
import CalSyncModel
import Foundation

enum GoogleWriteWire {
    struct Time: Encodable, Equatable {
        var date: String?
        var dateTime: String?
        var timeZone: String?
    }

    /// An event resource with only the members that are set (nil members are left out,
    /// so a PATCH leaves them as they are).
    struct Event: Encodable, Equatable {
        var id: String?
        var summary: String?
        var description: String?
        var location: String?
        var start: Time?
        var end: Time?
        var recurrence: [String]?
        var transparency: String?
    }

    /// The resource for `draft`. A timed start or end is sent as a UTC instant with the
    /// draft's zone beside it (Google expands a series in `start.timeZone`, and requires one
    /// for recurring events: UTC when the draft names none); dates make an all-day event.
    static func event(_ draft: EventDraft, id: String? = nil) -> Event {
        let zone = draft.timeZone ?? (draft.recurrence == nil ? nil : "UTC")
        return Event(
            id: id, summary: draft.summary, description: draft.description, location: draft.location,
            start: draft.start.map { time($0, zone: zone) }, end: draft.end.map { time($0, zone: zone) },
            recurrence: draft.recurrence, transparency: draft.transparency?.rawValue)
    }

    static func time(_ time: EventTime, zone: String?) -> Time {
        switch time {
        case .date(let date): Time(date: date.description)
        case .instant(let instant): Time(dateTime: Timestamp.string(from: instant), timeZone: zone)
        }
    }

    /// The request body: compact JSON, keys sorted (the same draft always sends the same bytes).
    static func body(_ event: Event) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Only strings, arrays of strings and nested objects of strings: encoding cannot fail.
        return (try? encoder.encode(event)) ?? Data("{}".utf8)
    }
}
