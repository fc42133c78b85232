import CalSyncICal
import CalSyncModel
import Foundation
import Synchronization

/// Converts between instants and wall-clock times in one zone, with the system's zone
/// database (tzdata): the DST-correct step between libical's floating iteration and the
/// store's UTC instants.
///
/// Inside `covering` the conversions are arithmetic on the zone's UTC offsets and the
/// instants they change at (a ``Transitions`` table, read from Foundation once per zone and
/// range and shared); outside it, and for zones whose table cannot be trusted, they go
/// through Foundation's `Calendar` as before. Both give the same answers: a wall-clock
/// time repeated by a fall-back change is its first occurrence, one skipped by a
/// spring-forward change moves forward by the gap (what `Calendar` does, and calendar
/// programs with it).
struct ZoneClock {
    let zone: TimeZone
    private let calendar: Calendar
    private let transitions: Transitions?

    init(zone: TimeZone, covering range: Range<Int64>? = nil) {
        self.zone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
        self.transitions = range.flatMap { Transitions.shared(zone: zone, covering: $0) }
    }

    func wallClock(of instant: Date, isDate: Bool = false) -> WallClock {
        let seconds = Int64(instant.timeIntervalSince1970.rounded(.down))
        if let offset = transitions?.offset(at: seconds) {
            return Self.wallClock(localSeconds: seconds + Int64(offset), isDate: isDate)
        }
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        return WallClock(
            year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1, hour: isDate ? 0 : parts.hour ?? 0,
            minute: isDate ? 0 : parts.minute ?? 0, second: isDate ? 0 : parts.second ?? 0, isDate: isDate)
    }

    /// A wall-clock instance as the store's value. A time that does not exist (skipped by
    /// a spring-forward change) moves forward by the gap, as calendar programs do.
    func eventTime(_ wallClock: WallClock) -> EventTime {
        if wallClock.isDate {
            return .date(CalendarDate(year: wallClock.year, month: wallClock.month, day: wallClock.day))
        }
        return .instant(Date(timeIntervalSince1970: Double(unixSeconds(wallClock))))
    }

    /// The instant of a wall-clock time here, in Unix seconds (dates: their midnight).
    func unixSeconds(_ wallClock: WallClock) -> Int64 {
        let local = Self.localSeconds(wallClock)
        if let transitions, let seconds = transitions.instant(localSeconds: local) {
            return seconds
        }
        let parts = DateComponents(
            year: wallClock.year, month: wallClock.month, day: wallClock.day, hour: wallClock.hour,
            minute: wallClock.minute, second: wallClock.second)
        let instant = calendar.date(from: parts) ?? Date(timeIntervalSince1970: 0)
        return Int64(instant.timeIntervalSince1970.rounded(.down))
    }

    /// Unix seconds of an event time, dates at their midnight here: `EventTime.unixSeconds(allDayZone:)`
    /// without a `Calendar` per call.
    func unixSeconds(_ time: EventTime) -> Int64 {
        switch time {
        case .instant(let instant): Int64(instant.timeIntervalSince1970.rounded(.down))
        case .date(let date): unixSeconds(WallClock(year: date.year, month: date.month, day: date.day))
        }
    }

    /// An EXDATE/RDATE value as the store's value, for a series of dates or times.
    func eventTime(_ value: RecurrenceLines.Value, isDate: Bool) -> EventTime {
        if value.value.isDate || isDate {
            if !value.value.isDate, let valueZone = value.zone {
                // A time in another zone: the day it falls on here.
                let instant = ZoneClock(zone: valueZone).eventTime(value.value)
                if case .instant(let date) = instant {
                    let local = wallClock(of: date, isDate: true)
                    return .date(CalendarDate(year: local.year, month: local.month, day: local.day))
                }
            }
            return .date(CalendarDate(year: value.value.year, month: value.value.month, day: value.value.day))
        }
        if let valueZone = value.zone, valueZone.identifier != zone.identifier {
            return ZoneClock(zone: valueZone).eventTime(value.value)
        }
        return eventTime(value.value)
    }

    /// `UNTIL` in this zone's wall-clock time (a date for all-day series).
    func convertUntil(_ until: WallClock, isUTC: Bool, forDates: Bool) -> WallClock {
        var local = until
        if isUTC, !until.isDate {
            local = wallClock(of: Date(timeIntervalSince1970: Double(Self.localSeconds(until))))
        }
        if forDates {
            return WallClock(year: local.year, month: local.month, day: local.day, isDate: true)
        }
        if local.isDate {
            // A date UNTIL on a timed series includes that whole day.
            return WallClock(year: local.year, month: local.month, day: local.day, hour: 23, minute: 59, second: 59)
        }
        return local
    }

    /// A wall-clock time read as if it were UTC: seconds since 1970-01-01T00:00:00.
    static func localSeconds(_ wallClock: WallClock) -> Int64 {
        let days = CalendarDate(year: wallClock.year, month: wallClock.month, day: wallClock.day).daysSinceEpoch
        let time = wallClock.isDate ? 0 : wallClock.hour * 3600 + wallClock.minute * 60 + wallClock.second
        return Int64(days) * 86_400 + Int64(time)
    }

    static func wallClock(localSeconds: Int64, isDate: Bool) -> WallClock {
        let days = localSeconds >= 0 ? localSeconds / 86_400 : (localSeconds - 86_399) / 86_400
        let time = Int(localSeconds - days * 86_400)
        let date = CalendarDate(daysSinceEpoch: Int(days))
        return WallClock(
            year: date.year, month: date.month, day: date.day, hour: isDate ? 0 : time / 3600,
            minute: isDate ? 0 : time / 60 % 60, second: isDate ? 0 : time % 60, isDate: isDate)
    }
}

extension ZoneClock {
    /// A zone's UTC offsets over a range of instants and the instants they change at, read
    /// once from Foundation (whose `TimeZone` asks ICU each time) and shared by every series
    /// in that zone: expanding 10,000 series converts some 1.5 million instances.
    final class Transitions: Sendable {
        /// Unix seconds covered, `[lower, upper)`.
        let lower: Int64
        let upper: Int64
        /// The instants the offset changes at, ascending.
        let changes: [Int64]
        /// `offsets[i]`: the offset (seconds east of UTC) before `changes[i]`; the last one
        /// after the last change. One more than `changes`.
        let offsets: [Int32]

        init?(zone: TimeZone, lower: Int64, upper: Int64) {
            guard lower < upper else { return nil }
            func offset(_ seconds: Int64) -> Int32 {
                Int32(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
            }
            // Sampled every 12 hours, each change then found to the second by bisection: no
            // reliance on which changes `nextDaylightSavingTimeTransition` reports (DST only,
            // or standard-offset changes too). tzdata has no two changes 12 hours apart.
            let step: Int64 = 12 * 3600
            var changes: [Int64] = []
            var offsets: [Int32] = [offset(lower)]
            var previous = lower
            var previousOffset = offsets[0]
            while previous < upper {
                let next = min(previous + step, upper)
                let nextOffset = offset(next)
                if nextOffset != previousOffset {
                    // The first second with the new offset lies in (previous, next].
                    var low = previous
                    var high = next
                    while high - low > 1 {
                        let middle = low + (high - low) / 2
                        if offset(middle) == previousOffset { low = middle } else { high = middle }
                    }
                    changes.append(high)
                    offsets.append(nextOffset)
                    previousOffset = nextOffset
                }
                previous = next
            }
            self.lower = lower
            self.upper = upper
            self.changes = changes
            self.offsets = offsets
        }

        /// The offset at an instant, nil outside the table.
        func offset(at seconds: Int64) -> Int32? {
            guard seconds >= lower, seconds < upper else { return nil }
            var index = 0
            while index < changes.count, changes[index] <= seconds { index += 1 }
            return offsets[index]
        }

        /// The instant of a local time (a wall-clock time read as UTC), nil when the day
        /// around it is not inside the table. Repeated times give the first occurrence,
        /// skipped ones move forward by the gap (Foundation's `Calendar` does the same).
        func instant(localSeconds local: Int64) -> Int64? {
            // Offsets are under a day, and changes more than two days apart: the offsets a
            // day before and a day after are the two that can apply.
            guard let early = offset(at: local - 86_400), let late = offset(at: local + 86_400) else { return nil }
            let first = local - Int64(early)
            if early == late { return offset(at: first) == early ? first : nil }
            if offset(at: first) == early { return first }
            let second = local - Int64(late)
            if offset(at: second) == late { return second }
            // In the gap of a spring-forward change: read with the offset before it.
            return first
        }

        private struct Key: Hashable {
            var zone: String
            var lower: Int64
            var upper: Int64
        }

        private static let cache = Mutex<[Key: Transitions]>([:])

        /// The table of `zone` over whole 365-day periods around `range` (so that a window
        /// sliding by a day mostly finds the same table), from a shared cache.
        static func shared(zone: TimeZone, covering range: Range<Int64>) -> Transitions? {
            let year: Int64 = 365 * 86_400
            func floorYears(_ seconds: Int64) -> Int64 { (seconds >= 0 ? seconds / year : (seconds - year + 1) / year) }
            let key = Key(
                zone: zone.identifier, lower: floorYears(range.lowerBound) * year,
                upper: (floorYears(range.upperBound) + 1) * year)
            if let table = cache.withLock({ $0[key] }) { return table }
            guard let table = Transitions(zone: zone, lower: key.lower, upper: key.upper) else { return nil }
            cache.withLock { tables in
                // Zones × windows stay few; a daemon running for years must not grow this forever.
                if tables.count >= 256 { tables.removeAll() }
                tables[key] = table
            }
            return table
        }
    }
}
