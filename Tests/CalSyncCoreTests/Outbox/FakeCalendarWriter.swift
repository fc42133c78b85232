import CalSyncModel
import Foundation
import Logging
import Synchronization

/// An in-memory provider that writes: the provider's truth for outbox tests, with
/// injectable failures. Creates are de-duplicated by client key (as Google's client-chosen
/// ids and Graph's `transactionId`), updates and deletes compare the etag.
final class FakeCalendarWriter: CalendarProvider, CalendarWriting, Sendable {
    /// What the next call does instead of (or after) its work.
    enum Fault: Sendable {
        /// Fails before anything is applied.
        case transient(retryAfter: Duration?)
        /// Applies the write, then the answer is lost (a dropped connection, a kill -9).
        case lostAnswer
        case missingScope
        case refused(String)
    }

    struct State {
        var events: [String: CalendarEvent] = [:]
        var faults: [Fault] = []
        var calls = 0
        var etagCounter = 0
    }

    let state = Mutex(State())

    var events: [String: CalendarEvent] { state.withLock { $0.events } }
    var calls: Int { state.withLock { $0.calls } }

    func inject(_ faults: Fault...) {
        state.withLock { $0.faults += faults }
    }

    /// Puts an event at the provider (as if written elsewhere).
    func put(_ event: CalendarEvent) {
        state.withLock { $0.events[event.id] = event }
    }

    /// Someone else changes the event at the provider: its etag moves.
    func changeElsewhere(_ id: String, summary: String) {
        state.withLock { state in
            state.etagCounter += 1
            state.events[id]?.summary = summary
            state.events[id]?.etag = "elsewhere-\(state.etagCounter)"
        }
    }

    func listCalendars(logger: Logger) async throws -> [RemoteCalendar] { [] }
    func changes(
        calendarID: String, cursor: SyncCursor, window: SyncWindow, logger: Logger
    ) async throws
        -> ProviderPage
    { ProviderPage(changes: ChangePage(), next: .initial) }
    func cursorFingerprint(calendarID: String, window: SyncWindow) -> String { "" }

    func create(
        calendarID: String, draft: EventDraft, clientKey: String, notify: Bool, logger: Logger
    ) async throws -> WriteOutcome {
        try perform { state in
            if let existing = state.events[clientKey] { return .done(WrittenEvent(event: existing)) }
            state.etagCounter += 1
            let event = CalendarEvent(
                id: clientKey, etag: "etag-\(state.etagCounter)", kind: draft.recurrence == nil ? .single : .series,
                summary: draft.summary, description: draft.description, location: draft.location,
                start: draft.start!, end: draft.end!, timeZone: draft.timeZone, recurrence: draft.recurrence,
                raw: #"{"id":"\#(clientKey)"}"#)
            state.events[clientKey] = event
            return .done(WrittenEvent(event: event))
        }
    }

    func update(
        calendarID: String, eventID: String, changes: EventDraft, ifEtag: String?, notify: Bool, logger: Logger
    ) async throws -> WriteOutcome {
        try perform { state in
            guard var event = state.events[eventID] else { throw CalSyncError(.notFound, "no event \(eventID)") }
            if let ifEtag, ifEtag != event.etag {
                return .conflict(
                    reason: "the event changed at the provider (etag \(event.etag ?? "none"))", current: event)
            }
            if let summary = changes.summary { event.summary = summary }
            if let location = changes.location { event.location = location }
            if let description = changes.description { event.description = description }
            if let start = changes.start { event.start = start }
            if let end = changes.end { event.end = end }
            state.etagCounter += 1
            event.etag = "etag-\(state.etagCounter)"
            event.raw = #"{"id":"\#(eventID)","etag":"\#(event.etag!)"}"#
            state.events[eventID] = event
            return .done(WrittenEvent(event: event))
        }
    }

    func delete(
        calendarID: String, eventID: String, ifEtag: String?, notify: Bool, logger: Logger
    ) async throws -> WriteOutcome {
        try perform { state in
            guard let event = state.events[eventID] else { return .done(nil) }
            if let ifEtag, ifEtag != event.etag {
                return .conflict(reason: "the event changed at the provider", current: event)
            }
            state.events[eventID] = nil
            return .done(nil)
        }
    }

    private func perform(_ body: (inout State) throws -> WriteOutcome) throws -> WriteOutcome {
        try state.withLock { state in
            state.calls += 1
            let fault = state.faults.isEmpty ? nil : state.faults.removeFirst()
            switch fault {
            case .transient(let retryAfter)?:
                throw CalSyncError(.rateLimited, "HTTP 429 slow down", httpStatus: 429, retryAfter: retryAfter)
            case .missingScope?:
                throw CalSyncError(.missingScope, "HTTP 403 insufficient scope")
            case .refused(let message)?:
                throw CalSyncError(.refused, message)
            case .lostAnswer?:
                _ = try body(&state)
                throw CalSyncError(.transport, "the connection was dropped")
            case nil:
                return try body(&state)
            }
        }
    }
}
