public import CalSyncModel
import Foundation
public import Logging

/// Write-back through Microsoft Graph v1.0 (docs/providers-graph.md "Writes"): POST with
/// `transactionId` (the client key) so a retried create makes no second event; PATCH and
/// DELETE after reading the event's `changeKey`, which must still be the one the write was
/// based on (Graph documents no `If-Match` on events). Every request holds one of the
/// mailbox's permits and waits out its pauses, as reads do.
extension GraphProvider: CalendarWriting {
    public func create(
        calendarID: String, draft: EventDraft, clientKey: String, notify: Bool, logger: Logger
    ) async throws -> WriteOutcome {
        let event = try GraphWriteWire.event(draft, transactionID: clientKey, zone: fallbackZone)
        let response = try await sendWrite(.POST, endpoints.events(calendarID), body: GraphWriteWire.body(event))
        return .done(try read(response.body, requestedID: nil, logger: logger)?.written)
    }

    public func update(
        calendarID: String, eventID: String, changes: EventDraft, ifEtag: String?, notify: Bool, logger: Logger
    ) async throws -> WriteOutcome {
        var zone = fallbackZone
        if let ifEtag {
            guard let current = try await currentEvent(calendarID: calendarID, eventID: eventID, logger: logger)
            else {
                throw CalSyncError(.notFound, "the event \(eventID) does not exist in \(calendarID)", httpStatus: 404)
            }
            if try await moved(current, since: ifEtag, calendarID: calendarID, logger: logger) {
                return conflict(current, ifEtag: ifEtag, changes: changes)
            }
            zone = current.event.timeZone ?? zone
        }
        // The race window: a change at Graph between the read above and this PATCH is
        // overwritten (docs/providers-graph.md "Writes"). Times without a zone of their
        // own are meant in the event's (when read) or the mailbox's.
        let event = try GraphWriteWire.event(changes, zone: zone)
        let response = try await sendWrite(
            .PATCH, endpoints.writableEvent(eventID, calendarID: calendarID), body: GraphWriteWire.body(event))
        return .done(try read(response.body, requestedID: eventID, logger: logger)?.written)
    }

    public func delete(
        calendarID: String, eventID: String, ifEtag: String?, notify: Bool, logger: Logger
    ) async throws -> WriteOutcome {
        if let ifEtag {
            guard let current = try await currentEvent(calendarID: calendarID, eventID: eventID, logger: logger) else {
                return .done(nil)
            }
            if try await moved(current, since: ifEtag, calendarID: calendarID, logger: logger) {
                return conflict(current, ifEtag: ifEtag, changes: nil)
            }
        }
        do {
            _ = try await sendWrite(.DELETE, endpoints.writableEvent(eventID, calendarID: calendarID), body: nil)
        } catch let error as CalSyncError where error.code == .notFound {
            logger.debug("The event was already deleted", metadata: ["calsync.event": "\(eventID)"])
        }
        return .done(nil)
    }

    /// Whether the event changed since `etag` (a change key, as the store keeps Graph's
    /// etags). An occurrence that is not an exception carries no change of its own: the
    /// store's etag for it is its series', so the series' change key is compared too.
    func moved(_ current: Current, since etag: String, calendarID: String, logger: Logger) async throws -> Bool {
        if current.event.etag == etag { return false }
        guard current.isPlainOccurrence, let seriesID = current.event.seriesID,
            let series = try await currentEvent(calendarID: calendarID, eventID: seriesID, logger: logger)
        else { return true }
        return series.event.etag != etag
    }

    func conflict(_ current: Current, ifEtag: String, changes: EventDraft?) -> WriteOutcome {
        .conflict(
            reason: WriteConflict.reason(
                provider: "Microsoft Graph", basedOn: ifEtag, current: current.event, changes: changes),
            current: current.event)
    }

    /// An event as Graph has it now, and whether it is an occurrence that is no exception
    /// (it has no change key of its own).
    struct Current {
        var event: CalendarEvent
        var isPlainOccurrence: Bool
    }

    /// The event, series master or occurrence as Graph has it now (calendar-scoped, as
    /// reads fetch masters); nil when it is gone.
    func currentEvent(calendarID: String, eventID: String, logger: Logger) async throws -> Current? {
        do {
            let response = try await sendWrite(
                .GET, endpoints.writableEvent(eventID, calendarID: calendarID), body: nil)
            guard let read = try read(response.body, requestedID: eventID, logger: logger) else { return nil }
            return Current(event: read.written.event, isPlainOccurrence: read.isPlainOccurrence)
        } catch let error as CalSyncError where error.code == .notFound {
            return nil
        }
    }

    /// The event Graph answered with, mapped as a poll maps it (``GraphMapping``): a single
    /// event or an exception with its one occurrence (instance id = its id), a series
    /// without (the engine's next poll lists Graph's occurrences). An occurrence that is
    /// not an exception maps as an exception of its series. nil when Graph's answer is not
    /// a storable event (the next poll sets it aside).
    func read(
        _ body: Data, requestedID: String?, logger: Logger
    ) throws -> (written: WrittenEvent, isPlainOccurrence: Bool)? {
        let bytes = [UInt8](body)
        guard StrictJSON.isValid(bytes[...]), var wire = try? JSONDecoder().decode(GraphWire.Event.self, from: body)
        else {
            throw ResponseBody.classify(
                CalSyncError(.decoding, "Microsoft Graph's answer to a write is not an event"), body: bytes)
        }
        let plainOccurrence = wire.type == "occurrence"
        if plainOccurrence {
            // A whole occurrence (GET of one, not a delta stub): read as the exception it
            // becomes when written, at its own start.
            wire.type = "exception"
            if wire.originalStart == nil, let start = wire.start?.dateTime, wire.start?.timeZone == "UTC" {
                wire.originalStart = String(start.prefix(19)) + "Z"
            }
        }
        let raw = String(decoding: JSONItemScanner.compact(bytes[...]), as: UTF8.self)
        switch GraphMapping.item(wire, raw: raw, fallbackZone: fallbackZone) {
        case .upsert(let event):
            var written = WrittenEvent(event: event)
            if event.kind != .series {
                written.occurrences = [
                    Occurrence(
                        instanceID: event.id, eventID: event.id, seriesID: event.seriesID, start: event.start,
                        end: event.end)
                ]
            }
            if let requestedID, requestedID != event.id { written.occurrenceID = requestedID }
            return (written, plainOccurrence)
        case .quarantine(let reason):
            logger.warning(
                "Microsoft Graph's answer to a write is not storable", metadata: ["calsync.reason": "\(reason)"])
            return nil
        case .delete, .extra:
            return nil
        }
    }

    /// A write (or the GET before one) under one of the mailbox's permits, after any pause
    /// Graph asked of the mailbox, with the `Prefer` headers of reads (UTC times, immutable
    /// ids, text bodies); one refresh-and-retry on 401 (``AuthorizedSend``). A throttled
    /// answer pauses the mailbox as in reads.
    func sendWrite(_ method: HTTPRequest.Method, _ url: String, body: Data?) async throws -> HTTPResponse {
        var headers = preferHeaders
        if body != nil { headers.append((name: "Content-Type", value: "application/json")) }
        return try await AuthorizedSend.send(
            tokens: tokens,
            beforeAttempt: {
                if let wait = mailbox.pauseRemaining(now: now()) { try await sleep(wait) }
            },
            perform: { authorization in
                let request = HTTPRequest(method: method, url: url, headers: headers + authorization, body: body)
                return try await mailbox.permits.withPermit { try await transport.perform(request) }
            },
            failure: { response in
                let error = GraphWriteErrors.error(response, now: now())
                if error.code == .rateLimited, let retryAfter = error.retryAfter {
                    let wait = min(max(retryAfter, .zero), RetryAfter.maximum)
                    mailbox.pause(until: now().addingTimeInterval(wait / .seconds(1)))
                }
                return error
            })
    }
}

extension GraphEndpoints {
    /// Where events of a calendar are created.
    func events(_ calendarID: String) -> String {
        "\(base)/me/calendars/\(Self.segment(calendarID))/events"
    }

    /// An event, series master or occurrence to read, change or delete, calendar-scoped
    /// (`/me/events/{id}` fails for shared calendars).
    func writableEvent(_ eventID: String, calendarID: String) -> String {
        events(calendarID) + "/" + Self.segment(eventID)
    }
}
