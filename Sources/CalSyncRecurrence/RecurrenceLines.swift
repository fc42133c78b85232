import CalSyncICal
import CalSyncModel
import Foundation

/// A series' recurrence lines, read leniently: providers send `RRULE` without its prefix,
/// lower case, `EXDATE;TZID=…`, `EXDATE;VALUE=DATE`, `RDATE;VALUE=DATE`, several `RRULE`
/// lines. A line that cannot be read at all makes the series unreadable (`.decoding`).
struct RecurrenceLines {
    /// A date or time from EXDATE/RDATE with the zone it is written in.
    struct Value {
        var value: WallClock
        /// nil: the series' zone; UTC when written with `Z`.
        var zone: TimeZone?
    }

    var rules: [RecurrenceRule] = []
    var exclusions: [Value] = []
    var additions: [Value] = []

    init(_ lines: [String], defaultZone: TimeZone) throws {
        for rawLine in lines {
            let line = Self.trimmed(rawLine)
            guard !line.isEmpty else { continue }
            let colon = line.firstIndex(of: ":")
            let head = colon.map { line[..<$0] } ?? ""
            let name = head.split(separator: ";").first.map { $0.uppercased() } ?? ""
            switch name {
            case "RRULE":
                rules.append(try Self.rule(String(line[line.index(after: colon!)...])))
            case "EXDATE", "RDATE":
                let values = try Self.values(line, head: head, colon: colon!)
                if name == "EXDATE" { exclusions += values } else { additions += values }
            case "EXRULE":
                // Deprecated by RFC 5545 and not produced by Google or Graph; ignored.
                continue
            default:
                // A bare rule (`FREQ=WEEKLY;…`) without the `RRULE:` prefix.
                if line.uppercased().hasPrefix("FREQ=") {
                    rules.append(try Self.rule(line))
                } else {
                    throw CalSyncError(.decoding, "the recurrence line \"\(line)\" is not RRULE, RDATE or EXDATE")
                }
            }
        }
    }

    /// The line without surrounding white space (`.whitespacesAndNewlines`). Lines that start
    /// and end with a visible ASCII character, nearly all, skip Foundation's NSString round
    /// trip, which was a tenth of expanding 10,000 series.
    static func trimmed(_ line: String) -> String {
        guard let first = line.utf8.first, let last = line.utf8.last else { return line }
        if (0x21..<0x7F).contains(first), (0x21..<0x7F).contains(last) { return line }
        return line.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func rule(_ text: String) throws -> RecurrenceRule {
        do {
            return try RecurrenceRule(text.uppercased())
        } catch {
            throw CalSyncError(
                .decoding, "the recurrence rule \"\(text)\" cannot be read" + (error.reason.map { " (\($0))" } ?? ""))
        }
    }

    /// `EXDATE;TZID=Europe/Berlin:20260105T090000,20260112T090000` and friends.
    static func values(_ line: String, head: Substring, colon: String.Index) throws -> [Value] {
        var zone: TimeZone?
        for parameter in head.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].uppercased() == "TZID" {
                let name = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                zone = TimeZone(identifier: name) ?? TimeNames.timeZone(fromProviderName: name)
            }
        }
        return try line[line.index(after: colon)...].split(separator: ",").map { text in
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            // Periods (`start/end`) in RDATE: the start is what matters here.
            let value = trimmed.split(separator: "/").first.map(String.init) ?? trimmed
            guard let parsed = WallClock.parse(Substring(value)) else {
                throw CalSyncError(.decoding, "\"\(trimmed)\" in \"\(line)\" is not a date or time")
            }
            return Value(value: parsed.wallClock, zone: parsed.isUTC ? TimeZone(identifier: "UTC") : zone)
        }
    }
}
