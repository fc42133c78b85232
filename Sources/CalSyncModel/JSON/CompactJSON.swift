/// Writes the store's JSON columns: compact, keys in a fixed documented order, every key
/// present with `null` when unknown (docs/store.md "Value formats"). Hand-written because
/// JSONEncoder drops nil keys and sorts or shuffles the rest.
package enum CompactJSON {
    package static func string(_ value: String?) -> String {
        guard let value else { return "null" }
        // Ids, dates and most names need no escape: one copy instead of a scalar at a time
        // (this loop was 6 % of a Graph full sync's CPU, one provider note per instance).
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return "\"" + value + "\""
        }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let control where control.value < 0x20:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(control.value, radix: 16).count)
                    + String(control.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func bool(_ value: Bool) -> String { value ? "true" : "false" }

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    static func array(_ elements: [String]) -> String {
        "[" + elements.joined(separator: ",") + "]"
    }

    package static func organizer(_ person: CalendarEvent.Person?) -> String? {
        guard let person else { return nil }
        return object([("email", string(person.email)), ("name", string(person.name))])
    }

    package static func attendees(_ attendees: [CalendarEvent.Attendee]) -> String {
        array(
            attendees.map { attendee in
                object([
                    ("email", string(attendee.email)), ("name", string(attendee.name)),
                    ("response", string(attendee.response.rawValue)), ("optional", bool(attendee.optional)),
                    ("organizer", bool(attendee.organizer)),
                ])
            })
    }

    package static func recurrence(_ lines: [String]?) -> String? {
        lines.map { array($0.map { string($0) }) }
    }
}
