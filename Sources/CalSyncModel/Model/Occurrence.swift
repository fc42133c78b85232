public import Foundation

/// One concrete instance of an event inside the sync window: a row of `occurrences`.
public struct Occurrence: Hashable, Sendable {
    /// Provider instance id (`<master>_<YYYYMMDDTHHMMSSZ>` / `<master>_<YYYYMMDD>` for Google
    /// series, the Graph occurrence id, the event id for single events).
    public var instanceID: String
    /// The `events` row with the details: the exception, else the master, else the event.
    public var eventID: String
    /// The master's id for instances of a series.
    public var seriesID: String?
    public var start: EventTime
    public var end: EventTime

    public init(instanceID: String, eventID: String, seriesID: String?, start: EventTime, end: EventTime) {
        self.instanceID = instanceID
        self.eventID = eventID
        self.seriesID = seriesID
        self.start = start
        self.end = end
    }
}

/// The occurrence window of a calendar: `[start, end)`.
public struct SyncWindow: Hashable, Sendable {
    public var start: Date
    public var end: Date
    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    /// `[start of today UTC − past, start of today UTC + future)`.
    public static func around(_ now: Date, past: Duration, future: Duration) -> SyncWindow {
        let today = CalendarDate(utcDayOf: now).midnight(in: nil)
        return SyncWindow(
            start: today.addingTimeInterval(-Double(past.components.seconds)),
            end: today.addingTimeInterval(Double(future.components.seconds)))
    }
}

/// Expands a series (its master plus its exceptions) into the instances inside a window.
/// The libical-backed implementation lives in `Recurrence/`; the store depends only on this.
public protocol OccurrenceExpanding: Sendable {
    /// The instances of `master` that overlap `window`, with `exceptions` replacing or
    /// removing (when cancelled) the instances whose original start they name.
    /// - Throws: ``CalSyncError`` `.decoding` when the recurrence cannot be read (the
    ///   caller quarantines that series only).
    func occurrences(
        of master: CalendarEvent, exceptions: [CalendarEvent], window: SyncWindow, calendarTimeZone: String?
    ) throws -> OccurrenceExpansion
}

/// The result of expanding one series.
public struct OccurrenceExpansion: Sendable {
    public var occurrences: [Occurrence]
    /// True when the per-series cap cut the expansion short (reported in status).
    public var truncated: Bool
    public init(occurrences: [Occurrence], truncated: Bool) {
        self.occurrences = occurrences
        self.truncated = truncated
    }
}
