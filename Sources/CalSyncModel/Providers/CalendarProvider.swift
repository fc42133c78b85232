public import Logging

/// A remote calendar service. Each implementation lives in its own folder under
/// `Providers/` (wire types, mapping, endpoints, errors) and nothing outside that folder
/// knows its JSON. The sync engine and the store see only this protocol and the domain
/// model, so adding a provider (CalDAV, say) adds a folder and changes neither.
public protocol CalendarProvider: Sendable {
    /// The calendars the account can see, `primary` resolved to its real id.
    func listCalendars(logger: Logger) async throws -> [RemoteCalendar]

    /// One page of changes of `calendarID` starting at `cursor`.
    ///
    /// `.initial` starts a full listing (a new round); `.page` continues a chain;
    /// `.delta` asks for the changes since the end of the last round. The result's `next`
    /// is `.page` while the chain goes on and `.delta` on its last page; a provider that
    /// has no incremental protocol for this calendar (public Google calendars read with an
    /// API key) ends a listing with `.initial`, and the engine re-lists and diffs each poll.
    ///
    /// - Throws: ``CalSyncError`` — `.cursorExpired` when the provider discarded the token
    ///   or link (the engine then starts a full re-sync), `.unauthorized` after the one
    ///   refresh-and-retry failed, `.rateLimited` / `.server` / `.transport` / `.timeout`
    ///   (transient), `.needsLogin`, `.quotaExceeded`, `.decoding` for a page that cannot be
    ///   read at all (single bad items are quarantined in the page instead).
    func changes(
        calendarID: String, cursor: SyncCursor, window: SyncWindow, logger: Logger
    ) async throws -> ProviderPage

    /// The same, with the notes the provider left about the calendar in earlier pages
    /// (``ProviderNotes``, kept in the store) readable. The engine calls this one; a
    /// provider that keeps no notes need not implement it.
    func changes(
        calendarID: String, cursor: SyncCursor, window: SyncWindow, notes: ProviderNoteReader, logger: Logger
    ) async throws -> ProviderPage

    /// A fingerprint of the request parameters a saved cursor was made with (Google's
    /// event types, Graph's window). The engine stores it beside the cursor; when it no
    /// longer matches, the cursor is unusable and a full re-sync starts.
    func cursorFingerprint(calendarID: String, window: SyncWindow) -> String

    /// Whether the store expands this provider's series or takes the occurrences its pages
    /// list (``OccurrenceSource``). `.expanded` unless the provider says otherwise.
    var occurrenceSource: OccurrenceSource { get }

    /// The window the store keeps this calendar's occurrences for, given the engine's
    /// occurrence window: the same window unless the provider's listing reaches further
    /// (Graph's round window), so that `sync_state.window_*` says what is stored.
    func occurrenceWindow(for window: SyncWindow) -> SyncWindow
}

/// Reads the provider's note `key` about the calendar being polled; nil when none.
public typealias ProviderNoteReader = @Sendable (_ key: String) async throws -> String?

extension CalendarProvider {
    public var occurrenceSource: OccurrenceSource { .expanded }

    public func occurrenceWindow(for window: SyncWindow) -> SyncWindow { window }

    public func changes(
        calendarID: String, cursor: SyncCursor, window: SyncWindow, notes: ProviderNoteReader, logger: Logger
    ) async throws -> ProviderPage {
        try await changes(calendarID: calendarID, cursor: cursor, window: window, logger: logger)
    }
}

/// A page of changes and where the next request starts.
public struct ProviderPage: Sendable {
    public var changes: ChangePage
    public var next: SyncCursor

    public init(changes: ChangePage, next: SyncCursor) {
        self.changes = changes
        self.next = next
    }
}
