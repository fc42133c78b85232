import CalSyncModel
import CalSyncRecurrence
import Foundation

/// Graph's `patternedRecurrence` → one RFC 5545 `RRULE` line for `events.recurrence`
/// (docs/providers-graph.md "Recurrence"), so the shared RecurrenceExpander expands Graph series
/// exactly like Google's.
///
/// - `interval` 0 or missing means 1; `INTERVAL` is written only when it is more than 1.
/// - `relativeMonthly`/`relativeYearly` with one day: `BYDAY=2TH`, `BYDAY=-1FR` for `last`;
///   with several days ("the last weekday"): `BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1`.
/// - `relativeYearly` stays `FREQ=YEARLY` with `BYMONTH` (RFC 5545 reads the ordinal day
///   within the month), which is what Outlook means.
/// - `WKST` (from `firstDayOfWeek`) only for weekly rules with an interval above 1, the
///   only rules it changes.
/// - Range `endDate` → `UNTIL` at the end of that day: a date for all-day series, else the
///   floating `YYYYMMDDT235959`, which the expander reads in the series' zone (Outlook's
///   end date is a day in the recurrence zone). `numbered` → `COUNT`; `noEnd` → nothing.
/// - The server fills unused fields with defaults (`month: 0`, `index: "first"`, …): a
///   field is read only when the pattern type uses it.
package enum GraphRecurrence {
    struct Unreadable: Error, Equatable {
        var reason: String
    }

    static let weekdays: [String: String] = [
        "monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR",
        "saturday": "SA", "sunday": "SU",
    ]
    static let weekdayOrder = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    static let indexes: [String: Int] = ["first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1]

    /// The recurrence lines of a series.
    static func lines(_ recurrence: GraphWire.Recurrence, allDay: Bool) -> Result<[String], Unreadable> {
        guard let pattern = recurrence.pattern, let type = pattern.type else {
            return .failure(Unreadable(reason: "the recurrence has no pattern type"))
        }
        let interval = max(1, pattern.interval ?? 1)
        var frequency: String
        var parts: [String] = []
        switch type {
        case "daily":
            frequency = "DAILY"
        case "weekly":
            frequency = "WEEKLY"
            switch days(pattern.daysOfWeek) {
            case .failure(let problem): return .failure(problem)
            case .success(let days):
                if !days.isEmpty { parts.append("BYDAY=" + days.joined(separator: ",")) }
            }
            if interval > 1 {
                guard let start = weekdays[(pattern.firstDayOfWeek ?? "sunday").lowercased()] else {
                    return .failure(Unreadable(reason: "unknown firstDayOfWeek \(pattern.firstDayOfWeek ?? "")"))
                }
                parts.append("WKST=" + start)
            }
        case "absoluteMonthly":
            frequency = "MONTHLY"
            guard let day = pattern.dayOfMonth, (1...31).contains(day) else {
                return .failure(Unreadable(reason: "absoluteMonthly without a dayOfMonth"))
            }
            parts.append("BYMONTHDAY=\(day)")
        case "relativeMonthly":
            frequency = "MONTHLY"
            switch relativeDays(pattern) {
            case .failure(let problem): return .failure(problem)
            case .success(let byDay): parts += byDay
            }
        case "absoluteYearly":
            frequency = "YEARLY"
            guard let month = pattern.month, (1...12).contains(month), let day = pattern.dayOfMonth,
                (1...31).contains(day)
            else { return .failure(Unreadable(reason: "absoluteYearly without a month and dayOfMonth")) }
            parts += ["BYMONTH=\(month)", "BYMONTHDAY=\(day)"]
        case "relativeYearly":
            frequency = "YEARLY"
            guard let month = pattern.month, (1...12).contains(month) else {
                return .failure(Unreadable(reason: "relativeYearly without a month"))
            }
            parts.append("BYMONTH=\(month)")
            switch relativeDays(pattern) {
            case .failure(let problem): return .failure(problem)
            case .success(let byDay): parts += byDay
            }
        default:
            return .failure(Unreadable(reason: "unknown recurrence pattern \(type)"))
        }
        var rule = ["FREQ=" + frequency]
        if interval > 1 { rule.append("INTERVAL=\(interval)") }
        switch end(recurrence.range, allDay: allDay) {
        case .failure(let problem): return .failure(problem)
        case .success(let end): rule += end
        }
        return .success(["RRULE:" + (rule + parts).joined(separator: ";")])
    }

    static func days(_ names: [String]?) -> Result<[String], Unreadable> {
        var codes: Set<String> = []
        for name in names ?? [] {
            guard let code = weekdays[name.lowercased()] else {
                return .failure(Unreadable(reason: "unknown day of week \(name)"))
            }
            codes.insert(code)
        }
        return .success(weekdayOrder.filter(codes.contains))
    }

    static func relativeDays(_ pattern: GraphWire.Pattern) -> Result<[String], Unreadable> {
        guard let index = indexes[(pattern.index ?? "first").lowercased()] else {
            return .failure(Unreadable(reason: "unknown week index \(pattern.index ?? "")"))
        }
        switch days(pattern.daysOfWeek) {
        case .failure(let problem): return .failure(problem)
        case .success(let days) where days.isEmpty:
            return .failure(Unreadable(reason: "\(pattern.type ?? "") without daysOfWeek"))
        case .success(let days) where days.count == 1:
            return .success(["BYDAY=\(index)\(days[0])"])
        case .success(let days):
            return .success(["BYDAY=" + days.joined(separator: ","), "BYSETPOS=\(index)"])
        }
    }

    static func end(_ range: GraphWire.Range?, allDay: Bool) -> Result<[String], Unreadable> {
        switch range?.type {
        case nil, "noEnd":
            return .success([])
        case "numbered":
            guard let count = range?.numberOfOccurrences, count > 0 else {
                return .failure(Unreadable(reason: "a numbered range without numberOfOccurrences"))
            }
            return .success(["COUNT=\(count)"])
        case "endDate":
            guard let text = range?.endDate, let date = CalendarDate(text) else {
                return .failure(Unreadable(reason: "an endDate range without a readable endDate"))
            }
            let day = date.description.replacingOccurrences(of: "-", with: "")
            return .success(["UNTIL=" + (allDay ? day : day + "T235959")])
        case let other?:
            return .failure(Unreadable(reason: "unknown recurrence range \(other)"))
        }
    }
}
