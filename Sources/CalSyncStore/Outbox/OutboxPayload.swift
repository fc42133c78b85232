public import CalSyncModel
import Foundation

/// The `payload` JSON of an outbox row (docs/store.md "outbox"): the members of an event a
/// write sets, in the store's own formats, read into an ``EventDraft`` and written from one.
///
/// Members: `summary`, `description`, `location` (text; `""` clears on update),
/// `start`, `end` (`YYYY-MM-DD`, or RFC 3339 — any offset, stored and sent in UTC),
/// `all_day` (optional: it must agree with the times, dates being all-day), `time_zone`
/// (IANA), `recurrence` (array of RFC 5545 lines; a bare `FREQ=…` gets `RRULE:`),
/// `transparency` (`opaque` or `transparent`). `null` is the same as leaving a member
/// out. Any other member is an error naming it: a typo must not pass silently.
public enum OutboxPayload {
    public static let members = [
        "summary", "description", "location", "start", "end", "all_day", "time_zone", "recurrence", "transparency",
    ]

    /// Reads and checks a payload for `op`. A create needs `summary`, `start` and `end`; an
    /// update at least one member; a delete none (empty, `null` or `{}`).
    /// - Throws: ``CalSyncError`` `.invalidInput` naming the bad member.
    /// `requireMembers` false skips the members an op needs (a part of a payload that
    /// options complete).
    public static func parse(_ text: String?, op: OutboxRow.Op, requireMembers: Bool = true) throws -> EventDraft {
        let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let object: [String: JSONMember]
        if trimmed.isEmpty || trimmed == "null" {
            object = [:]
        } else {
            do {
                object = try JSONDecoder().decode([String: JSONMember].self, from: Data(trimmed.utf8))
            } catch {
                throw invalid("payload is not a JSON object of members (\(members.joined(separator: ", ")))")
            }
        }
        for key in object.keys.sorted() where !members.contains(key) {
            throw invalid("payload: unknown member \"\(key)\" (use \(members.joined(separator: ", ")))")
        }
        var draft = EventDraft()
        draft.summary = try string(object, "summary")
        draft.description = try string(object, "description")
        draft.location = try string(object, "location")
        draft.start = try time(object, "start")
        draft.end = try time(object, "end")
        draft.timeZone = try string(object, "time_zone")
        if let zone = draft.timeZone, TimeZone(identifier: zone) == nil {
            throw invalid("payload: time_zone \"\(zone)\" is not an IANA time zone (such as Europe/Berlin)")
        }
        if let lines = try stringArray(object, "recurrence") {
            draft.recurrence = try lines.map(recurrenceLine)
        }
        if let text = try string(object, "transparency") {
            guard let value = CalendarEvent.Transparency(rawValue: text) else {
                throw invalid("payload: transparency \"\(text)\" is not opaque or transparent")
            }
            draft.transparency = value
        }
        let allDay = try bool(object, "all_day")
        for (name, value) in [("start", draft.start), ("end", draft.end)] {
            if let allDay, let value, value.isAllDay != allDay {
                throw invalid(
                    "payload: \(name) \"\(value)\" "
                        + (allDay
                            ? "is not a date (all_day is true: use YYYY-MM-DD)"
                            : "is a date but all_day is false (use an RFC 3339 time)"))
            }
        }
        if let start = draft.start, let end = draft.end {
            guard start.isAllDay == end.isAllDay else {
                throw invalid("payload: start and end must both be dates (all-day) or both times")
            }
            guard start.unixSeconds(allDayZone: nil) < end.unixSeconds(allDayZone: nil) else {
                throw invalid("payload: end \"\(end)\" is not after start \"\(start)\" (an all-day end is exclusive)")
            }
        }
        switch op {
        case _ where !requireMembers:
            break
        case .create:
            for (name, present) in [
                ("summary", draft.summary != nil), ("start", draft.start != nil), ("end", draft.end != nil),
            ] where !present {
                throw invalid("payload: a create needs \(name)")
            }
        case .update:
            guard draft != EventDraft() else {
                throw invalid("payload: an update needs at least one member to change")
            }
        case .delete:
            guard object.allSatisfy({ $0.value == .null }) else {
                throw invalid("payload: a delete takes no members")
            }
        }
        return draft
    }

    /// The payload text of `draft`: compact JSON with sorted members, only those set.
    public static func text(_ draft: EventDraft) -> String? {
        var object: [String: JSONMember] = [:]
        object["summary"] = draft.summary.map(JSONMember.string)
        object["description"] = draft.description.map(JSONMember.string)
        object["location"] = draft.location.map(JSONMember.string)
        object["start"] = draft.start.map { .string($0.description) }
        object["end"] = draft.end.map { .string($0.description) }
        if let time = draft.start ?? draft.end { object["all_day"] = .bool(time.isAllDay) }
        object["time_zone"] = draft.timeZone.map(JSONMember.string)
        object["recurrence"] = draft.recurrence.map { .strings($0) }
        object["transparency"] = draft.transparency.map { .string($0.rawValue) }
        if object.isEmpty { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(object)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Reads a time as the payload (and `calsyncctl event --start`) takes it: `YYYY-MM-DD`,
    /// or RFC 3339 with `Z` or an offset.
    public static func eventTime(_ text: String) -> EventTime? {
        if text.count == 10, let date = CalendarDate(text) { return .date(date) }
        // A time without a zone would be read in whatever zone the daemon runs in: refused.
        let characters = Array(text)
        let count = characters.count
        let zoned =
            characters.last == "Z" || characters.last == "z"
            || (count >= 25 && ["+", "-"].contains(characters[count - 6]) && characters[count - 3] == ":")
        guard zoned, let instant = Timestamp.parse(text) else { return nil }
        return .instant(instant)
    }

    /// An RFC 5545 line as the store keeps it: upper-case name, `RRULE:` added to a bare rule.
    static func recurrenceLine(_ line: String) throws -> String {
        var text = line.trimmingCharacters(in: .whitespaces)
        if text.uppercased().hasPrefix("FREQ=") { text = "RRULE:" + text }
        let upper = text.uppercased()
        guard ["RRULE:", "EXRULE:", "RDATE", "EXDATE"].contains(where: { upper.hasPrefix($0) }) else {
            throw invalid("payload: recurrence line \"\(line)\" is not an RRULE, RDATE or EXDATE line")
        }
        return upper
    }

    private static func invalid(_ message: String) -> CalSyncError {
        CalSyncError(.invalidInput, message)
    }

    private static func string(_ object: [String: JSONMember], _ name: String) throws -> String? {
        switch object[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw invalid("payload: \(name) must be a string")
        }
    }

    private static func bool(_ object: [String: JSONMember], _ name: String) throws -> Bool? {
        switch object[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw invalid("payload: \(name) must be true or false")
        }
    }

    private static func stringArray(_ object: [String: JSONMember], _ name: String) throws -> [String]? {
        switch object[name] {
        case nil, .null?: return nil
        case .strings(let lines)?: return lines
        default: throw invalid("payload: \(name) must be an array of strings")
        }
    }

    private static func time(_ object: [String: JSONMember], _ name: String) throws -> EventTime? {
        guard let text = try string(object, name) else { return nil }
        guard let time = eventTime(text) else {
            throw invalid(
                "payload: \(name) \"\(text)\" is not a date (YYYY-MM-DD) or an RFC 3339 time (2026-03-29T07:30:00Z)")
        }
        return time
    }
}

/// A payload member's JSON value: the kinds the payload's members take, and anything else
/// as `.other` (refused by the member's reader).
enum JSONMember: Codable, Equatable {
    case null
    case string(String)
    case bool(Bool)
    case strings([String])
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String].self) {
            self = .strings(value)
        } else {
            self = .other
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null, .other: try container.encodeNil()
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        }
    }
}
