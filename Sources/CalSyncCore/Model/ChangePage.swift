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
