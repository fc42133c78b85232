public import Logging

/// A provider that can write events (write-back, docs/write-back.md). The engine takes the
/// rows of the store's `outbox` one at a time and hands each to the account's provider
/// through this protocol; `GoogleProvider` and `GraphProvider` conform.
///
/// Every method either returns an outcome or throws a ``CalSyncError``:
/// - transient (``CalSyncError/isTransient``: `.rateLimited`, `.server`, `.transport`,
///   `.timeout`) — the engine retries the same request later with the sync backoff and
///   `Retry-After`; a create is retried with the same `clientKey`, so it never doubles;
/// - `.missingScope` — the token cannot write: the row fails, telling the user to run
///   `calsyncctl login NAME` again (with `write = true`);
/// - `.refused` — 400 or a 403 that is not throttling: the row fails with the provider's message;
/// - `.notFound` — the target does not exist (for update; a delete of a missing event is `.done`);
/// - `.needsLogin`, `.quotaExceeded` — as in reads.
public protocol CalendarWriting: Sendable {
    /// Creates an event (a single event, or a series when `draft.recurrence` is set).
    ///
    /// `clientKey` is chosen before the first attempt and stored with the request
    /// (``ClientKey``): Google uses it as the new event's `id` (a retry that meets 409
    /// `duplicate` reads the event and returns it), Graph as the POST's `transactionId`.
    func create(
        calendarID: String, draft: EventDraft, clientKey: String, notify: Bool, logger: Logger
    ) async throws -> WriteOutcome

    /// Changes the members of `changes` that are set on the event, series or occurrence `eventID`
    /// (an `events.id` or an `occurrences.instance_id`). With `ifEtag`, a provider-side change
    /// since that etag is a `.conflict` and nothing is written (Google `If-Match`; Graph
    /// compares `changeKey` right before the PATCH). Without it the write is forced.
    func update(
        calendarID: String, eventID: String, changes: EventDraft, ifEtag: String?, notify: Bool, logger: Logger
    ) async throws -> WriteOutcome

    /// Deletes the event, series or occurrence `eventID`, with the same `ifEtag` rule. 404 and
    /// 410 count as done (`.done(nil)`).
    func delete(
        calendarID: String, eventID: String, ifEtag: String?, notify: Bool, logger: Logger
    ) async throws -> WriteOutcome
}

/// What a write ended as at the provider.
public enum WriteOutcome: Sendable, Equatable {
    /// Applied. The resource as the provider returned it after the write (nil after a
    /// delete), to go into the store in the transaction that marks the request done.
    case done(WrittenEvent?)
    /// The event changed at the provider since the request's etag: nothing was written.
    /// `reason` is one line saying what differs; `current` the provider's version when read.
    case conflict(reason: String, current: CalendarEvent?)
}

/// An event a write returned, with what the store needs to show it at once.
public struct WrittenEvent: Sendable, Equatable {
    /// The event, series master or exception as the provider returned it.
    public var event: CalendarEvent
    /// For providers whose listings carry occurrences (Graph): the occurrences of `event`
    /// the provider reported, to store as they are. nil: the store derives them as it does
    /// for the calendar's pages (Google: expanded from the series).
    public var occurrences: [Occurrence]?
    /// For a write to one occurrence: the id of the occurrence row it replaced or removed
    /// (`occurrences.instance_id`), when it differs from `event.id`.
    public var occurrenceID: String?

    public init(event: CalendarEvent, occurrences: [Occurrence]? = nil, occurrenceID: String? = nil) {
        self.event = event
        self.occurrences = occurrences
        self.occurrenceID = occurrenceID
    }
}

/// The members of an event a write sets: an outbox row's `payload` (docs/store.md). For a
/// create, `summary`, `start` and `end` are required; for an update only the members that
/// are set change (`nil` = leave as it is). `start`/`end` being dates makes the event all-day.
public struct EventDraft: Sendable, Equatable {
    public var summary: String?
    public var description: String?
    public var location: String?
    public var start: EventTime?
    public var end: EventTime?
    /// IANA zone name the times are meant in (Google `start.timeZone`, Graph `start.timeZone`).
    public var timeZone: String?
    /// RFC 5545 lines (`RRULE:FREQ=WEEKLY;COUNT=5`, `EXDATE…`) for a series.
    public var recurrence: [String]?
    public var transparency: CalendarEvent.Transparency?

    public init(
        summary: String? = nil, description: String? = nil, location: String? = nil, start: EventTime? = nil,
        end: EventTime? = nil, timeZone: String? = nil, recurrence: [String]? = nil,
        transparency: CalendarEvent.Transparency? = nil
    ) {
        self.summary = summary
        self.description = description
        self.location = location
        self.start = start
        self.end = end
        self.timeZone = timeZone
        self.recurrence = recurrence
        self.transparency = transparency
    }
}

/// Idempotency keys for creates: 26 characters of base32hex (`0-9a-v`, 130 random bits),
/// which Google accepts as an event id (5–1024 characters of `a-v0-9`) and Graph as a
/// `transactionId`.
public enum ClientKey {
    static let alphabet = Array("0123456789abcdefghijklmnopqrstuv")

    /// A new random key.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<26).map { _ in alphabet[Int(generator.next(upperBound: UInt8(32)))] })
    }

    /// Whether `key` is usable as a Google event id (and so as any provider's key).
    public static func isValid(_ key: String) -> Bool {
        (5...1024).contains(key.count) && key.allSatisfy { ("0"..."9").contains($0) || ("a"..."v").contains($0) }
    }
}
