import CalSyncICal
public import CalSyncModel
import Foundation

/// Expands series into the instances inside the sync window, with libical iterating the
/// rules (RFC 5545) and the system's zone database placing them in time.
///
/// - Rules iterate in the series' own wall-clock time (its `time_zone`, else the
///   calendar's, else UTC), so a 09:00 meeting stays at 09:00 across DST changes; `UNTIL`
///   in UTC is first converted into that wall-clock time.
/// - All-day series stay dates from start to end; their instances are dates.
/// - `EXDATE` removes, `RDATE` adds; several `RRULE` lines are united.
/// - An exception replaces the instance at its original start; a cancelled exception
///   removes it, even when the exception itself moved outside the window; an exception
///   whose original start the rule does not produce still appears in its own slot.
/// - Lenient with what providers send (RecurrenceLines); a rule libical cannot read
///   throws `.decoding` and the store quarantines that one series.
/// - At most `maximumInstances` instances per series; more are cut and reported.
public struct RecurrenceExpander: OccurrenceExpanding {
    public let maximumInstances: Int

    public init(maximumInstances: Int = 10_000) {
        self.maximumInstances = maximumInstances
    }

    public func occurrences(
        of master: CalendarEvent, exceptions: [CalendarEvent], window: SyncWindow, calendarTimeZone: String?
    ) throws -> OccurrenceExpansion {
        let zone =
            master.timeZone.flatMap(TimeZone.init(identifier:)) ?? calendarTimeZone.flatMap(TimeZone.init(identifier:))
            ?? TimeZone(identifier: "UTC")!
        let lines = try RecurrenceLines(master.recurrence ?? [], defaultZone: zone)

        // The series' length; end before start (providers do send it) is a one-day event.
        guard let length = SeriesLength(of: master) else {
            throw CalSyncError(.decoding, "the series \(master.id) mixes a date and a time in its start and end")
        }
        let isDate = master.start.isAllDay

        // Instance starts from every rule, bounded by the window with a margin (a day for
        // dates; three hours for times, more than any DST shift between wall-clock time and
        // instants); exact overlap is checked below.
        let lengthSeconds = length.seconds
        let margin: TimeInterval = isDate ? 86_400 : 3 * 3600
        // Every instance converted here lies between these instants (a day more each side):
        // the zone's offsets over them are read once and shared by the zone's series.
        let clock = ZoneClock(
            zone: zone,
            covering: Int64(
                (window.start.timeIntervalSince1970 - lengthSeconds - margin - 86_400).rounded(.down))..<Int64(
                    (window.end.timeIntervalSince1970 + margin + 86_400).rounded(.up)))
        let startWallClock: WallClock
        switch master.start {
        case .date(let start):
            startWallClock = WallClock(year: start.year, month: start.month, day: start.day, isDate: true)
        case .instant(let start): startWallClock = clock.wallClock(of: start)
        }
        func wallClock(_ instant: Date) -> WallClock { clock.wallClock(of: instant, isDate: startWallClock.isDate) }
        let skipTo = wallClock(window.start.addingTimeInterval(-lengthSeconds - margin))
        let rangeEnd = wallClock(window.end.addingTimeInterval(margin))
        // Only instances surely inside the window count toward the cap: counted in the
        // margins, a rule every second spent it all before the window opened (and showed
        // nothing) or after it closed (and reported a cut that was not). The instances left
        // uncounted this way are trimmed by the cap below.
        let countFrom = wallClock(window.start.addingTimeInterval(-lengthSeconds + margin))
        let counting = countFrom..<max(countFrom, wallClock(window.end.addingTimeInterval(-margin)))
        // Instance starts with their Unix seconds (dates at UTC midnight: the sort order),
        // collected in an array, sorted and deduplicated once: cheaper than a Set per instance.
        var starts: [(key: Int64, time: EventTime)] = []
        func add(_ time: EventTime) {
            let key: Int64
            switch time {
            case .date(let date): key = Int64(date.daysSinceEpoch) * 86_400
            case .instant(let instant): key = Int64(instant.timeIntervalSince1970.rounded(.down))
            }
            starts.append((key, time))
        }
        var truncated = false
        for rule in lines.rules {
            var untilOverride: WallClock?
            if let until = rule.until {
                untilOverride = clock.convertUntil(until.wallClock, isUTC: until.isUTC, forDates: startWallClock.isDate)
            }
            let result: (instances: [WallClock], truncated: Bool)
            do {
                result = try rule.iterate(
                    start: startWallClock, rangeEnd: rangeEnd, skipTo: skipTo, counting: counting,
                    untilOverride: untilOverride, limit: maximumInstances)
            } catch {
                throw CalSyncError(
                    .decoding,
                    "the recurrence rule \"\(rule.text)\" of the series \(master.id) cannot be iterated from \(startWallClock)"
                )
            }
            truncated = truncated || result.truncated
            starts.reserveCapacity(starts.count + result.instances.count)
            for wallClock in result.instances { add(clock.eventTime(wallClock)) }
        }
        if lines.rules.isEmpty {
            add(master.start)
        }
        for added in lines.additions { add(clock.eventTime(added, isDate: startWallClock.isDate)) }
        // Sorted by second, then dates before instants, then exactly: equal values end up
        // neighbours.
        starts.sort { lhs, rhs in
            if lhs.key != rhs.key { return lhs.key < rhs.key }
            switch (lhs.time, rhs.time) {
            case (.instant(let left), .instant(let right)): return left < right
            case (.date(let left), .date(let right)): return left < right
            case (.date, .instant): return true
            case (.instant, .date): return false
            }
        }
        var sorted: [EventTime] = []
        sorted.reserveCapacity(starts.count)
        var removed = Set(lines.exclusions.map { clock.eventTime($0, isDate: startWallClock.isDate) })
        if startWallClock.isDate {
            // A timed EXDATE on an all-day series removes that day.
            for exclusion in lines.exclusions where !exclusion.value.isDate {
                removed.insert(clock.eventTime(exclusion, isDate: true))
            }
        }
        for start in starts where sorted.last != start.time && !removed.contains(start.time) {
            sorted.append(start.time)
        }
        if !startWallClock.isDate {
            // A date EXDATE on a timed series removes that day's instances (in the series'
            // zone), as libical reads it; compared as an instant it matched nothing.
            let days = Set(
                lines.exclusions.filter(\.value.isDate).map {
                    CalendarDate(year: $0.value.year, month: $0.value.month, day: $0.value.day)
                })
            if !days.isEmpty {
                sorted = sorted.filter { start in
                    guard case .instant(let instant) = start else { return true }
                    let local = clock.wallClock(of: instant)
                    return !days.contains(CalendarDate(year: local.year, month: local.month, day: local.day))
                }
            }
        }

        var exceptionsByStart: [EventTime: CalendarEvent] = [:]
        for exception in exceptions {
            if let original = exception.originalStart { exceptionsByStart[original] = exception }
        }
        var occurrences: [Occurrence] = []
        occurrences.reserveCapacity(sorted.count)
        // One buffer for every instance id of the series: the master's id stays in it.
        var idBuffer = Array(master.id.utf8)
        idBuffer.append(UInt8(ascii: "_"))
        let idPrefixLength = idBuffer.count
        for start in sorted {
            if !exceptionsByStart.isEmpty, let exception = exceptionsByStart.removeValue(forKey: start) {
                // Moved out of the window, it still takes its original slot away.
                if exception.status != .cancelled,
                    Self.overlaps(start: exception.start, end: exception.end, window: window, clock: clock)
                {
                    occurrences.append(
                        Occurrence(
                            instanceID: exception.id, eventID: exception.id, seriesID: master.id,
                            start: exception.start,
                            end: exception.end))
                }
                continue
            }
            let end = length.end(after: start)
            guard Self.overlaps(start: start, end: end, window: window, clock: clock) else { continue }
            occurrences.append(
                Occurrence(
                    instanceID: Self.instanceID(start: start, buffer: &idBuffer, prefixLength: idPrefixLength),
                    eventID: master.id,
                    seriesID: master.id,
                    start: start, end: end))
        }
        // Exceptions whose original slot the rule does not produce (moved or changed rules)
        // keep their own slot; cancelled ones have nothing to show. Exceptions are all of the
        // series' (last year's too), so only those overlapping the window are instances here.
        for exception in exceptionsByStart.values
        where exception.status != .cancelled
            && Self.overlaps(start: exception.start, end: exception.end, window: window, clock: clock)
        {
            occurrences.append(
                Occurrence(
                    instanceID: exception.id, eventID: exception.id, seriesID: master.id, start: exception.start,
                    end: exception.end))
        }
        if occurrences.count > maximumInstances {
            occurrences = Array(occurrences.prefix(maximumInstances))
            truncated = true
        }
        return OccurrenceExpansion(occurrences: occurrences, truncated: truncated)
    }

    /// Google's instance ids: `<master>_<YYYYMMDDTHHMMSSZ>` (UTC) or `<master>_<YYYYMMDD>`.
    package static func instanceID(master: String, start: EventTime) -> String {
        var buffer = Array(master.utf8)
        buffer.append(UInt8(ascii: "_"))
        return instanceID(start: start, buffer: &buffer, prefixLength: buffer.count)
    }

    /// The id written after the first `prefixLength` bytes of `buffer` (`<master>_`), which
    /// the caller keeps from one instance to the next: no allocation but the `String`.
    static func instanceID(start: EventTime, buffer: inout [UInt8], prefixLength: Int) -> String {
        buffer.removeSubrange(prefixLength...)
        switch start {
        case .date(let date): date.appendText(compact: true, to: &buffer)
        case .instant(let instant): Timestamp.appendText(from: instant, compact: true, to: &buffer)
        }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Whether an instance overlaps the window, dates read in the series' zone.
    static func overlaps(start: EventTime, end: EventTime, window: SyncWindow, clock: ZoneClock) -> Bool {
        let startSeconds = Double(clock.unixSeconds(start))
        let endSeconds = Double(clock.unixSeconds(end))
        let windowStart = window.start.timeIntervalSince1970
        let windowEnd = window.end.timeIntervalSince1970
        return startSeconds < windowEnd
            && (endSeconds > windowStart || (endSeconds == startSeconds && startSeconds >= windowStart))
    }
}
