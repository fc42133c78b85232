import CalSyncModel
import Foundation

/// An RFC 5545 `RRULE` → Graph's `patternedRecurrence`, the reverse of ``GraphRecurrence``
/// (docs/providers-graph.md "Writes"): `FREQ` DAILY, WEEKLY (`BYDAY`, `WKST`), MONTHLY
/// (`BYMONTHDAY`, or `BYDAY` with an ordinal or `BYSETPOS`), YEARLY (`BYMONTH` with those);
/// `INTERVAL`; `COUNT` → `numbered`, `UNTIL` → `endDate` (its day in the series' zone),
/// neither → `noEnd`. What Graph cannot say (`EXDATE`, `RDATE`, several rules, `BYHOUR`,
/// several month days) is refused before anything is sent.
enum GraphWriteRecurrence {
    static let days = [
        "MO": "monday", "TU": "tuesday", "WE": "wednesday", "TH": "thursday", "FR": "friday",
        "SA": "saturday", "SU": "sunday",
    ]
    static let indexes = [1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"]

    static func refuse(_ why: String) -> CalSyncError {
        CalSyncError(.invalidInput, "Graph cannot store this recurrence: \(why)")
    }

    static func recurrence(
        _ lines: [String], start: EventTime, zone: TimeZone
    ) throws -> GraphWriteWire.Recurrence {
        let rules = lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard rules.count == 1, let line = rules.first, line.uppercased().hasPrefix("RRULE:") else {
            throw refuse("it needs exactly one RRULE line and no EXDATE or RDATE")
        }
        var parts: [String: String] = [:]
        for part in line.dropFirst("RRULE:".count).split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { String($0).uppercased() }
            guard pair.count == 2 else { throw refuse("\(part) is not NAME=VALUE") }
            parts[pair[0]] = pair[1]
        }
        let known: Set<String> = [
            "FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "COUNT", "UNTIL", "WKST",
        ]
        if let unknown = parts.keys.first(where: { !known.contains($0) }) {
            throw refuse("\(unknown) has no Graph equivalent")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let first: DateComponents
        switch start {
        case .date(let date): first = DateComponents(year: date.year, month: date.month, day: date.day)
        case .instant(let instant): first = calendar.dateComponents([.year, .month, .day, .weekday], from: instant)
        }
        let startDate = CalendarDate(year: first.year ?? 1970, month: first.month ?? 1, day: first.day ?? 1)
        let interval = Int(parts["INTERVAL"] ?? "1") ?? 0
        guard interval >= 1 else { throw refuse("INTERVAL \(parts["INTERVAL"] ?? "") is not a whole number above 0") }
        let byDay = try (parts["BYDAY"] ?? "").split(separator: ",").map { try Self.day(String($0)) }
        let setPosition = parts["BYSETPOS"].flatMap { Int($0) }
        var pattern = GraphWriteWire.Pattern(type: "daily", interval: interval)
        switch parts["FREQ"] {
        case "DAILY":
            guard byDay.isEmpty else { throw refuse("a daily rule with BYDAY (write it weekly)") }
        case "WEEKLY":
            pattern.type = "weekly"
            let weekday = weekday(of: startDate)
            pattern.daysOfWeek = byDay.isEmpty ? [weekday] : byDay.map(\.name)
            pattern.firstDayOfWeek = try parts["WKST"].map { try Self.day($0).name } ?? "sunday"
        case "MONTHLY", "YEARLY":
            let yearly = parts["FREQ"] == "YEARLY"
            if yearly {
                guard let month = Int(parts["BYMONTH"] ?? String(startDate.month)), (1...12).contains(month) else {
                    throw refuse("BYMONTH must be one month")
                }
                pattern.month = month
            }
            if byDay.isEmpty {
                pattern.type = yearly ? "absoluteYearly" : "absoluteMonthly"
                guard let day = Int(parts["BYMONTHDAY"] ?? String(startDate.day)), (1...31).contains(day) else {
                    throw refuse("BYMONTHDAY must be one day from 1 to 31")
                }
                pattern.dayOfMonth = day
            } else {
                pattern.type = yearly ? "relativeYearly" : "relativeMonthly"
                let ordinals = Set(byDay.map { $0.ordinal ?? setPosition ?? 0 })
                guard ordinals.count == 1, let ordinal = ordinals.first, let index = indexes[ordinal] else {
                    throw refuse("a monthly BYDAY needs one ordinal from 1 to 4 or -1 (or BYSETPOS)")
                }
                pattern.index = index
                pattern.daysOfWeek = byDay.map(\.name)
            }
        default:
            throw refuse("FREQ=\(parts["FREQ"] ?? "") (Graph repeats daily, weekly, monthly or yearly)")
        }
        var range = GraphWriteWire.Range(
            type: "noEnd", startDate: startDate.description, recurrenceTimeZone: zone.identifier)
        if let count = parts["COUNT"] {
            guard let number = Int(count), number >= 1 else { throw refuse("COUNT \(count)") }
            range.type = "numbered"
            range.numberOfOccurrences = number
        } else if let until = parts["UNTIL"] {
            range.type = "endDate"
            range.endDate = try endDate(until, zone: zone).description
        }
        return GraphWriteWire.Recurrence(pattern: pattern, range: range)
    }

    /// `MO` → monday; `2TU` → (tuesday, 2); `-1FR` → (friday, -1).
    static func day(_ text: String) throws -> (name: String, ordinal: Int?) {
        let code = String(text.suffix(2))
        guard let name = days[code] else { throw refuse("\(text) is not a weekday") }
        let prefix = text.dropLast(2)
        guard !prefix.isEmpty else { return (name, nil) }
        guard let ordinal = Int(prefix) else { throw refuse("\(text) is not a weekday") }
        return (name, ordinal)
    }

    static func weekday(of date: CalendarDate) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let index = calendar.component(.weekday, from: date.midnight(in: TimeZone(identifier: "UTC")))
        return ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"][index - 1]
    }

    /// `UNTIL` (`20261231`, `20261231T235959Z` or floating) as the last day, in the series' zone.
    static func endDate(_ until: String, zone: TimeZone) throws -> CalendarDate {
        let digits = until.prefix(8)
        guard digits.count == 8,
            let date = CalendarDate("\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.suffix(2))")
        else { throw refuse("UNTIL \(until)") }
        guard until.hasSuffix("Z"), until.count == 16 else { return date }
        let text =
            "\(date.description)T\(until.dropFirst(9).prefix(2)):\(until.dropFirst(11).prefix(2)):\(until.dropFirst(13).prefix(2))Z"
        guard let instant = Timestamp.parse(text) else { throw refuse("UNTIL \(until)") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return CalendarDate(year: parts.year ?? date.year, month: parts.month ?? date.month, day: parts.day ?? date.day)
    }
}
