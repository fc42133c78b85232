/// One page of changes from a provider, applied to the store in one transaction together
/// with the cursor that follows it.
public struct ChangePage: Sendable {
    /// Events to insert or replace.
    public var upserts: [CalendarEvent]
    /// Ids of events the provider deleted (Google non-instance `cancelled`, Graph `@removed`).
    /// Unknown ids are not an error.
    public var deletions: [String]
    /// Items that could not be interpreted: set aside and counted, never fatal to the page.
    public var quarantined: [QuarantinedItem]
    /// The calendar's time zone if the page carries one (Google events pages do).
    public var calendarTimeZone: String?
    /// What the provider wants remembered about the calendar, saved with the page.
    public var notes = ProviderNotes()
    /// For providers whose listings carry every occurrence (``OccurrenceSource/listed``,
    /// Graph's `calendarView/delta`): the occurrences on this page, stored as they are,
    /// keyed by instance id (inserted or replaced).
    public var listedOccurrences: [Occurrence] = []
    /// For the same providers: instance ids the provider removed (`@removed` of an
    /// occurrence); exactly those `occurrences` rows are deleted. Unknown ids are ignored.
    public var removedOccurrences: [String] = []

    public init(
        upserts: [CalendarEvent] = [], deletions: [String] = [], quarantined: [QuarantinedItem] = [],
        calendarTimeZone: String? = nil
    ) {
        self.upserts = upserts
        self.deletions = deletions
        self.quarantined = quarantined
        self.calendarTimeZone = calendarTimeZone
    }
}

/// An event the provider sent that calsync could not read; the reason is one line.
public struct QuarantinedItem: Hashable, Sendable {
    public var eventID: String?
    public var reason: String
    public var raw: String

    public init(eventID: String?, reason: String, raw: String) {
        self.eventID = eventID
        self.reason = reason
        self.raw = raw
    }
}

/// Where the next request of a calendar's sync starts.
public enum SyncCursor: Hashable, Sendable {
    /// No usable token: the next poll is a full sync.
    case initial
    /// In the middle of a chain (Google `pageToken`, Graph `@odata.nextLink`). Kept in memory
    /// only: after a crash the chain restarts from the last saved ``delta``.
    case page(String)
    /// The end of a round (Google `nextSyncToken`, Graph `@odata.deltaLink`): persisted.
    case delta(String)
}

/// Facts a provider keeps about one calendar across processes, as key → text, opaque to
/// the store (`internal_provider_notes`). They change with the page that carries them, in
/// its transaction: a page that is not applied teaches nothing and forgets nothing.
public struct ProviderNotes: Sendable, Equatable {
    /// Forget every note of the calendar first (a new round starts).
    public var clearFirst = false
    /// Notes to write (replacing the same keys).
    public var set: [String: String] = [:]
    /// Keys to forget (after `set`).
    public var removed: [String] = []

    public init(clearFirst: Bool = false, set: [String: String] = [:], removed: [String] = []) {
        self.clearFirst = clearFirst
        self.set = set
        self.removed = removed
    }

    public var isEmpty: Bool { !clearFirst && set.isEmpty && removed.isEmpty }
}

/// Where a calendar's occurrences come from.
public enum OccurrenceSource: Sendable, Equatable {
    /// The store expands each series from its recurrence rule within the window (Google,
    /// whose incremental listing sends masters and exceptions, not every instance).
    case expanded
    /// The provider lists every occurrence itself (Graph's `calendarView/delta`):
    /// ``ChangePage/listedOccurrences`` and ``ChangePage/removedOccurrences`` are the only
    /// source of `occurrences` rows; nothing is expanded locally.
    case listed
}
