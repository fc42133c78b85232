import Foundation
import Testing

@testable import CalSyncModel
@testable import CalSyncRecurrence

/// One row of the expansion table: a series as a provider sends it, a window, and the
/// instances a calendar must show, written out by hand (or copied from RFC 5545 section
/// 3.8.5.3, converted to UTC with the zone's offset on that day).
struct RecurrenceCase: Sendable, CustomTestStringConvertible {
    /// A changed, moved or cancelled instance of the series (Google `recurringEventId`).
    struct Exception: Sendable {
        var id: String
        /// The slot it replaces, as an expected value is written (UTC instant or date).
        var originalStart: String
        var start: String
        var end: String
        var cancelled = false
    }

    var name: String
    /// The series' own zone (Google `start.timeZone`); nil: the calendar's.
    var zone: String?
    var calendarZone: String?
    /// DTSTART and DTEND: wall-clock time in `zone` (`2026-03-02T09:00:00`), UTC
    /// (`2026-03-02T08:00:00Z`) or a date (`2026-03-02`) for all-day series.
    var start: String
    var end: String
    /// The master's `recurrence` lines as the provider sent them.
    var lines: [String]
    /// `[start, end)` in UTC; a bare date is midnight UTC.
    var window: (start: String, end: String)
    var exceptions: [Exception] = []
    var maximumInstances = 10_000
    /// The instances' starts in the store's text (UTC instants or dates), in order.
    var expected: [String]
    /// The instances' ends, where they matter; nil: not checked.
    var expectedEnds: [String]?
    /// The `event_id` of each instance, where it matters (exceptions); nil: not checked.
    var expectedEventIDs: [String]?
    var expectedTruncated = false

    init(
        _ name: String, zone: String? = nil, calendarZone: String? = nil, start: String, end: String,
        lines: [String], window: (String, String), exceptions: [Exception] = [], maximumInstances: Int = 10_000,
        expected: [String], ends: [String]? = nil, eventIDs: [String]? = nil, truncated: Bool = false
    ) {
        self.name = name
        self.zone = zone
        self.calendarZone = calendarZone
        self.start = start
        self.end = end
        self.lines = lines
        self.window = (window.0, window.1)
        self.exceptions = exceptions
        self.maximumInstances = maximumInstances
        self.expected = expected
        self.expectedEnds = ends
        self.expectedEventIDs = eventIDs
        self.expectedTruncated = truncated
    }

    var testDescription: String { name }

    /// The id every table series has; exceptions are `master_<original start>`.
    static let masterID = "master"

    var master: CalendarEvent {
        CalendarEvent(
            id: Self.masterID, kind: .series, start: Self.time(start, zone: zone ?? calendarZone),
            end: Self.time(end, zone: zone ?? calendarZone), timeZone: zone, recurrence: lines)
    }

    var exceptionEvents: [CalendarEvent] {
        exceptions.map { exception in
            CalendarEvent(
                id: exception.id, kind: .exception, seriesID: Self.masterID,
                originalStart: Self.time(exception.originalStart, zone: nil),
                status: exception.cancelled ? .cancelled : .confirmed,
                start: Self.time(exception.start, zone: zone ?? calendarZone),
                end: Self.time(exception.end, zone: zone ?? calendarZone), timeZone: zone)
        }
    }

    var syncWindow: SyncWindow {
        SyncWindow(start: Self.instant(window.start), end: Self.instant(window.end))
    }

    func expand() throws -> OccurrenceExpansion {
        try RecurrenceExpander(maximumInstances: maximumInstances).occurrences(
            of: master, exceptions: exceptionEvents, window: syncWindow, calendarTimeZone: calendarZone)
    }

    /// `2026-03-02` as a date, `…Z` as UTC, anything else as wall-clock time in `zone`.
    static func time(_ text: String, zone: String?) -> EventTime {
        if let date = CalendarDate(text) { return .date(date) }
        guard let instant = Timestamp.parse(text, assumingTimeZone: zone.flatMap(TimeZone.init(identifier:))) else {
            preconditionFailure("the table has an unreadable time: \(text)")
        }
        return .instant(instant)
    }

    static func instant(_ text: String) -> Date {
        if let date = CalendarDate(text) { return date.midnight(in: nil) }
        guard let instant = Timestamp.parse(text) else {
            preconditionFailure("the table has an unreadable instant: \(text)")
        }
        return instant
    }
}

extension [Occurrence] {
    /// In time order (dates at UTC midnight), as a calendar lists them.
    var chronological: [Occurrence] {
        sorted { $0.start.unixSeconds(allDayZone: nil) < $1.start.unixSeconds(allDayZone: nil) }
    }
}
