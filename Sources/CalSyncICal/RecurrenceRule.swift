internal import CLibicalRecur
import Foundation
import Synchronization

/// An RFC 5545 `RRULE` value, read and iterated by libical.
///
/// Iteration happens in floating wall-clock time: the caller converts `UNTIL` into the
/// series' zone beforehand (``untilOverride``) and turns the instances into instants with
/// the zone database afterwards, which keeps wall-clock times across DST changes.
public struct RecurrenceRule: Sendable {
    /// The rule text after `RRULE:` (`FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260101T000000Z`).
    public let text: String
    /// `UNTIL` as written, and whether it was in UTC.
    public let until: (wallClock: WallClock, isUTC: Bool)?
    /// Whether the rule has `COUNT` (iteration must then start at DTSTART).
    public let hasCount: Bool
    /// HOURLY, MINUTELY and SECONDLY rules: seconds between two periods (INTERVAL × unit).
    let periodSeconds: Int?

    // libical keeps global state (error flags, caches): one caller at a time.
    private static let lock = Mutex(())

    /// - Throws: ``RecurrenceRuleError`` when libical cannot read the rule, or reads it but
    ///   refuses to iterate it (`BYWEEKNO` in a monthly rule, `RSCALE`): the caller
    ///   quarantines that series instead of showing it with no instances.
    public init(_ text: String) throws(RecurrenceRuleError) {
        let (parsed, iterable) = Self.lock.withLock { _ in
            icalerror_set_errors_are_fatal(0)
            let rule = icalrecurrencetype_from_string(text)
            icalerror_clear_errno()
            guard rule.freq != ICAL_NO_RECURRENCE else { return (rule, false) }
            // Whether libical accepts the combination of parts does not depend on DTSTART.
            let iterable = calsync_recurrence_is_iterable(rule, Self.icalTime(WallClock(year: 2000, month: 1, day: 1)))
            icalerror_clear_errno()
            return (rule, iterable != 0)
        }
        guard parsed.freq != ICAL_NO_RECURRENCE else { throw RecurrenceRuleError(text: text) }
        guard iterable else { throw RecurrenceRuleError(text: text, reason: "libical cannot iterate it") }
        self.text = text
        self.hasCount = parsed.count > 0
        let interval = max(1, Int(parsed.interval))
        switch parsed.freq {
        case ICAL_HOURLY_RECURRENCE: self.periodSeconds = interval * 3600
        case ICAL_MINUTELY_RECURRENCE: self.periodSeconds = interval * 60
        case ICAL_SECONDLY_RECURRENCE: self.periodSeconds = interval
        default: self.periodSeconds = nil
        }
        if icaltime_is_null_time(parsed.until) == 0 {
            let until = parsed.until
            // libical drops the Z; read it from the text.
            let upper = text.uppercased()
            let isUTC =
                upper.components(separatedBy: ";").first { $0.hasPrefix("UNTIL=") }.map { $0.hasSuffix("Z") } ?? false
            self.until = (
                WallClock(
                    year: Int(until.year), month: Int(until.month), day: Int(until.day), hour: Int(until.hour),
                    minute: Int(until.minute), second: Int(until.second), isDate: until.is_date != 0),
                isUTC
            )
        } else {
            self.until = nil
        }
    }

    /// ``iterate(start:rangeEnd:skipTo:counting:untilOverride:limit:)``, with no instances
    /// when libical refuses `start`.
    public func instances(
        start: WallClock, rangeEnd: WallClock, skipTo: WallClock?, counting: Range<WallClock>? = nil,
        untilOverride: WallClock?, limit: Int
    ) -> (instances: [WallClock], truncated: Bool) {
        (try? iterate(
            start: start, rangeEnd: rangeEnd, skipTo: skipTo, counting: counting, untilOverride: untilOverride,
            limit: limit)) ?? ([], false)
    }

    /// The instances from `start` (the series' DTSTART) up to `rangeEnd` (exclusive), skipping
    /// ahead to `skipTo` when the rule allows it (no COUNT), at most `limit` of them inside
    /// `counting`.
    /// - Parameters:
    ///   - untilOverride: `UNTIL` in the series' own wall-clock time.
    ///   - counting: the instances that count toward `limit`; those outside it (margins the
    ///     caller filters itself) are all returned. nil: every instance counts.
    /// - Returns: the instances and whether `limit` cut them short.
    /// - Throws: ``RecurrenceRuleError`` when libical cannot create the iterator for this
    ///   `start` (a year it cannot represent, an invalid date).
    public func iterate(
        start: WallClock, rangeEnd: WallClock, skipTo: WallClock?, counting: Range<WallClock>? = nil,
        untilOverride: WallClock?, limit: Int
    ) throws(RecurrenceRuleError) -> (instances: [WallClock], truncated: Bool) {
        try Self.lock.withLock { _ throws(RecurrenceRuleError) in
            var rule = icalrecurrencetype_from_string(text)
            if let untilOverride { rule.until = Self.icalTime(untilOverride) }
            var first = start
            var setStart: WallClock?
            if let skipTo, !hasCount, skipTo > start {
                if let periodSeconds {
                    // libical 3.0's set_start restarts a sub-daily INTERVAL at midnight of the
                    // new start (every 5 hours became 02:00, 07:00… instead of 04:00, 09:00…):
                    // begin instead at a later DTSTART on the same grid, which without COUNT
                    // gives the same instances; it lies before `skipTo`, so it is skipped below.
                    first = Self.onGrid(before: skipTo, start: start, period: periodSeconds)
                } else {
                    setStart = skipTo
                }
            }
            guard let iterator = icalrecur_iterator_new(rule, Self.icalTime(first)) else {
                // NULL also means a legal rule that never matches (February 30): no instances.
                let iterable = calsync_recurrence_is_iterable(rule, Self.icalTime(first))
                icalerror_clear_errno()
                if iterable != 0 { return ([], false) }
                throw RecurrenceRuleError(text: text, reason: "libical cannot iterate it from \(first)")
            }
            defer { icalrecur_iterator_free(iterator) }
            if let setStart { _ = icalrecur_iterator_set_start(iterator, Self.icalTime(setStart)) }
            var result: [WallClock] = []
            var counted = 0
            // Iterations are bounded too: a rule that yields nothing inside the range
            // (BYDAY on a day that never comes) must not spin.
            var iterations = 0
            while iterations < limit * 4 + 100_000 {
                iterations += 1
                let next = icalrecur_iterator_next(iterator)
                // icaltime_is_null_time, inline: this runs for every instance.
                if next.second &+ next.minute &+ next.hour &+ next.day &+ next.month &+ next.year == 0 {
                    return (result, false)
                }
                let wallClock = WallClock(
                    year: Int(next.year), month: Int(next.month), day: Int(next.day), hour: Int(next.hour),
                    minute: Int(next.minute), second: Int(next.second), isDate: start.isDate)
                if wallClock >= rangeEnd { return (result, false) }
                if let skipTo, wallClock < skipTo { continue }
                if counting?.contains(wallClock) ?? true {
                    if counted == limit { return (result, true) }
                    counted += 1
                }
                result.append(wallClock)
            }
            return (result, true)
        }
    }

    /// The last time before `time` (and not before `start`) a whole number of `period`
    /// seconds after `start`, counted in floating time (a UTC calendar has no DST changes).
    static func onGrid(before time: WallClock, start: WallClock, period: Int) -> WallClock {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        func instant(_ wallClock: WallClock) -> Date {
            let parts = DateComponents(
                year: wallClock.year, month: wallClock.month, day: wallClock.day, hour: wallClock.hour,
                minute: wallClock.minute, second: wallClock.second)
            return calendar.date(from: parts) ?? Date(timeIntervalSince1970: 0)
        }
        let elapsed = Int(instant(time).timeIntervalSince(instant(start)))
        guard elapsed > 0 else { return start }
        let aligned = instant(start).addingTimeInterval(Double((elapsed - 1) / period * period))
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: aligned)
        return WallClock(
            year: parts.year ?? start.year, month: parts.month ?? start.month, day: parts.day ?? start.day,
            hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0, isDate: start.isDate)
    }

    static func icalTime(_ wallClock: WallClock) -> icaltimetype {
        var time = icaltime_null_time()
        time.year = Int32(wallClock.year)
        time.month = Int32(wallClock.month)
        time.day = Int32(wallClock.day)
        time.hour = Int32(wallClock.isDate ? 0 : wallClock.hour)
        time.minute = Int32(wallClock.isDate ? 0 : wallClock.minute)
        time.second = Int32(wallClock.isDate ? 0 : wallClock.second)
        time.is_date = wallClock.isDate ? 1 : 0
        return time
    }
}

/// libical could not read a rule.
public struct RecurrenceRuleError: Error, Sendable, Equatable {
    public let text: String
    /// Why, when libical read the rule but refused to iterate it; nil when it could not read it.
    public var reason: String?

    public init(text: String, reason: String? = nil) {
        self.text = text
        self.reason = reason
    }
}
