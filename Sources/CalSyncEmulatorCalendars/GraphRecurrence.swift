package import CalSyncEmulatorServer
package import Foundation

/// Expands a series master's `recurrence` (patternedRecurrence) into its occurrences.
///
/// Dates are computed on the calendar of the series' zone (`range.recurrenceTimeZone`,
/// else the zone of `start`), and every occurrence starts at the master's wall-clock
/// time on its date, so a 09:00 meeting stays at 09:00 across DST changes.
/// Supported: `daily`, `weekly` (`daysOfWeek`, `firstDayOfWeek`, `interval`),
/// `absoluteMonthly`, `relativeMonthly` (`index` first…last), `absoluteYearly`,
/// `relativeYearly`; ranges `endDate`, `noEnd`, `numbered`. A `dayOfMonth` beyond the
/// month's end falls on its last day, as Outlook does.
package struct GraphRecurrence {
    /// One occurrence: its date in the series' zone (`yyyyMMdd`, part of its id) and start.
    package struct Occurrence {
        package var dayKey: String
        package var start: Date
    }

    /// At most this many occurrences are produced per series and request, and the walk
    /// stops after this many candidate dates (a daily series from 1990 stays cheap).
    static let maximumOccurrences = 5_000
    static let maximumSteps = 100_000

    let patternType: String
    let interval: Int
    let daysOfWeek: [Int]  // 1 = Sunday … 7 = Saturday (Foundation's weekday numbers)
    let firstDayOfWeek: Int
    let dayOfMonth: Int
    let month: Int
    let index: String
    let rangeType: String
    let rangeStart: DateComponents
    let rangeEnd: DateComponents?
    let count: Int
    let zone: TimeZone
    /// The master's wall-clock start time of day.
    let timeOfDay: DateComponents

    static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    /// Nil when the master has no usable `recurrence`.
    package init?(master: JSONValue, allDayZone: TimeZone) {
        guard let recurrence = master["recurrence"], let pattern = recurrence["pattern"],
            let range = recurrence["range"], let type = pattern["type"]?.stringValue,
            let startValue = master["start"], let startText = startValue["dateTime"]?.stringValue
        else { return nil }
        let isAllDay = master["isAllDay"]?.boolValue == true
        let zoneName = range["recurrenceTimeZone"]?.stringValue ?? ""
        zone =
            isAllDay ? allDayZone : (GraphTime.zone(named: zoneName) ?? GraphTime.zone(of: startValue))
        patternType = type
        interval = max(1, pattern["interval"]?.intValue ?? 1)
        daysOfWeek = (pattern["daysOfWeek"]?.arrayValue ?? []).compactMap {
            $0.stringValue.flatMap { Self.weekdays.firstIndex(of: $0.lowercased()) }.map { $0 + 1 }
        }
        firstDayOfWeek =
            pattern["firstDayOfWeek"]?.stringValue.flatMap { Self.weekdays.firstIndex(of: $0.lowercased()) }
            .map { $0 + 1 } ?? 1
        dayOfMonth = pattern["dayOfMonth"]?.intValue ?? 0
        month = pattern["month"]?.intValue ?? 0
        index = pattern["index"]?.stringValue ?? "first"
        rangeType = range["type"]?.stringValue ?? "noEnd"
        count = range["numberOfOccurrences"]?.intValue ?? 0
        // The master's start, read in its own zone, then seen on the series' calendar.
        let startZone = isAllDay ? allDayZone : GraphTime.zone(of: startValue)
        guard let first = EmulatorClock.parseLocal(startText, in: startZone) else { return nil }
        let calendar = Calendar.gregorian(in: zone)
        timeOfDay = calendar.dateComponents([.hour, .minute, .second], from: first)
        rangeStart =
            Self.day(range["startDate"]?.stringValue) ?? calendar.dateComponents([.year, .month, .day], from: first)
        rangeEnd = rangeType == "endDate" ? Self.day(range["endDate"]?.stringValue) : nil
        if rangeType == "endDate", rangeEnd == nil { return nil }
    }

    static func day(_ text: String?) -> DateComponents? {
        guard let fields = text?.split(separator: "-").compactMap({ Int($0) }), fields.count == 3, fields[0] > 0
        else { return nil }
        return DateComponents(year: fields[0], month: fields[1], day: fields[2])
    }

    /// The occurrences overlapping `[from, to)`, each lasting `duration`.
    package func occurrences(from: Date, to: Date, duration: TimeInterval) -> [Occurrence] {
        var calendar = Calendar.gregorian(in: zone)
        calendar.firstWeekday = firstDayOfWeek
        guard let startDay = calendar.date(from: rangeStart) else { return [] }
        let lastDay = rangeEnd.flatMap { calendar.date(from: $0) }
        var result: [Occurrence] = []
        var produced = 0
        var steps = 0
        for day in candidateDays(calendar: calendar, from: startDay) {
            steps += 1
            if steps > Self.maximumSteps || result.count >= Self.maximumOccurrences { break }
            if day < startDay { continue }
            if let lastDay, day > lastDay { break }
            if rangeType == "numbered", produced >= count { break }
            produced += 1
            var components = calendar.dateComponents([.year, .month, .day], from: day)
            components.hour = timeOfDay.hour
            components.minute = timeOfDay.minute
            components.second = timeOfDay.second
            guard let start = calendar.date(from: components) else { continue }
            if start >= to { break }
            if start.addingTimeInterval(max(duration, 1)) > from {
                result.append(
                    Occurrence(
                        dayKey: String(
                            format: "%04d%02d%02d", components.year!, components.month!, components.day!),
                        start: start))
            }
        }
        return result
    }

    /// Candidate dates in order, from the period containing `start` on (unbounded).
    private func candidateDays(calendar: Calendar, from start: Date) -> UnfoldSequence<Date, (Int, [Date])> {
        sequence(state: (0, [Date]())) { state -> Date? in
            while state.1.isEmpty {
                guard state.0 < Self.maximumSteps else { return nil }
                state.1 = periodDays(calendar: calendar, start: start, period: state.0)
                state.0 += 1
            }
            return state.1.removeFirst()
        }
    }

    /// The matching dates of the `period`-th period (day, week, month or year) of the series.
    private func periodDays(calendar: Calendar, start: Date, period: Int) -> [Date] {
        let step = period * interval
        switch patternType {
        case "daily":
            return [calendar.date(byAdding: .day, value: step, to: start)!]
        case "weekly":
            let week = calendar.dateInterval(of: .weekOfYear, for: start)!.start
            let base = calendar.date(byAdding: .day, value: 7 * step, to: week)!
            let wanted = daysOfWeek.isEmpty ? [calendar.component(.weekday, from: start)] : daysOfWeek
            return (0..<7).compactMap { offset -> Date? in
                let day = calendar.date(byAdding: .day, value: offset, to: base)!
                return wanted.contains(calendar.component(.weekday, from: day)) ? day : nil
            }
        case "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly":
            let yearly = patternType.hasSuffix("Yearly")
            var components = calendar.dateComponents([.year, .month], from: start)
            if yearly {
                components.year! += step
                if month > 0 { components.month = month }
            } else {
                components.month! += step
            }
            components.day = 1
            guard let monthStart = calendar.date(from: components) else { return [] }
            let length = calendar.range(of: .day, in: .month, for: monthStart)!.count
            if patternType.hasPrefix("absolute") {
                let day = dayOfMonth > 0 ? min(dayOfMonth, length) : calendar.component(.day, from: start)
                return [calendar.date(byAdding: .day, value: min(day, length) - 1, to: monthStart)!]
            }
            let matching = (0..<length).compactMap { offset -> Date? in
                let day = calendar.date(byAdding: .day, value: offset, to: monthStart)!
                return daysOfWeek.contains(calendar.component(.weekday, from: day)) ? day : nil
            }
            let position = ["first": 0, "second": 1, "third": 2, "fourth": 3][index]
            if let position { return position < matching.count ? [matching[position]] : [] }
            return matching.last.map { [$0] } ?? []
        default:
            return []
        }
    }
}
