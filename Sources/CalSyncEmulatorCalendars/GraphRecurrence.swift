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
    ///
    /// Dates are day numbers (``CivilDate``), not Foundation dates: a big round expands
    /// tens of thousands of series, and calendar arithmetic per candidate date was most
    /// of its time. The calendar is the proleptic Gregorian one.
    package func occurrences(from: Date, to: Date, duration: TimeInterval) -> [Occurrence] {
        guard let startYear = rangeStart.year, let startMonth = rangeStart.month, let startDayOfMonth = rangeStart.day
        else { return [] }
        let startDay = CivilDate.day(year: startYear, month: startMonth, day: startDayOfMonth)
        let lastDay = rangeEnd.flatMap { end in
            end.year.map { CivilDate.day(year: $0, month: end.month ?? 1, day: end.day ?? 1) }
        }
        let secondOfDay = (timeOfDay.hour ?? 0) * 3600 + (timeOfDay.minute ?? 0) * 60 + (timeOfDay.second ?? 0)
        var result: [Occurrence] = []
        var produced = 0
        var steps = 0
        var period = 0
        walk: while period < Self.maximumSteps {
            for day in periodDays(start: startDay, period: period) {
                steps += 1
                if steps > Self.maximumSteps || result.count >= Self.maximumOccurrences { break walk }
                if day < startDay { continue }
                if let lastDay, day > lastDay { break walk }
                if rangeType == "numbered", produced >= count { break walk }
                produced += 1
                guard let start = instant(day: day, secondOfDay: secondOfDay) else { continue }
                if start >= to { break walk }
                if start.addingTimeInterval(max(duration, 1)) > from {
                    result.append(Occurrence(dayKey: CivilDate.dayKey(day), start: start))
                }
            }
            period += 1
        }
        return result
    }

    /// The series' wall-clock time on `day` in its zone. Near a DST change Foundation
    /// decides (a skipped hour moves forward, as Outlook shows it).
    private func instant(day: Int, secondOfDay: Int) -> Date? {
        if let instant = CivilDate.instant(localSeconds: day * 86_400 + secondOfDay, in: zone) { return instant }
        let (year, month, dayOfMonth) = CivilDate.civil(fromDay: day)
        return Calendar.gregorian(in: zone).date(
            from: DateComponents(
                year: year, month: month, day: dayOfMonth, hour: timeOfDay.hour, minute: timeOfDay.minute,
                second: timeOfDay.second))
    }

    /// The matching dates of the `period`-th period (day, week, month or year) of the
    /// series, as day numbers in order.
    private func periodDays(start: Int, period: Int) -> [Int] {
        let step = period * interval
        switch patternType {
        case "daily":
            return [start + step]
        case "weekly":
            let weekStart = start - (CivilDate.weekday(ofDay: start) - firstDayOfWeek + 7) % 7
            let base = weekStart + 7 * step
            let wanted = daysOfWeek.isEmpty ? [CivilDate.weekday(ofDay: start)] : daysOfWeek
            return (0..<7).compactMap { offset in
                wanted.contains(CivilDate.weekday(ofDay: base + offset)) ? base + offset : nil
            }
        case "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly":
            let first = CivilDate.civil(fromDay: start)
            var (year, month) = (first.year, first.month)
            if patternType.hasSuffix("Yearly") {
                year += step
                if self.month > 0 { month = self.month }
            } else {
                month += step
            }
            let monthStart = CivilDate.day(year: year, month: month, day: 1)
            let length = CivilDate.length(year: year, month: month)
            if patternType.hasPrefix("absolute") {
                let day = dayOfMonth > 0 ? min(dayOfMonth, length) : first.day
                return [monthStart + min(day, length) - 1]
            }
            let matching = (0..<length).compactMap { offset in
                daysOfWeek.contains(CivilDate.weekday(ofDay: monthStart + offset)) ? monthStart + offset : nil
            }
            let position = ["first": 0, "second": 1, "third": 2, "fourth": 3][index]
            if let position { return position < matching.count ? [matching[position]] : [] }
            return matching.last.map { [$0] } ?? []
        default:
            return []
        }
    }
}
