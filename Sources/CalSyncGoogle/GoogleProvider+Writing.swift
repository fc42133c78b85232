public import CalSyncModel
import Foundation
public import Logging

/// Write-back through Google Calendar API v3 (docs/providers-google.md "Writes"):
/// `events.insert` with the client key as the event's `id`, `events.patch` and
/// `events.delete` with `If-Match`, `sendUpdates=none` unless the write asks to notify.
extension GoogleProvider: CalendarWriting {
    public func create(
        calendarID: String, draft: EventDraft, clientKey: String, notify: Bool, logger: Logger
    ) async throws -> WriteOutcome {
        guard ClientKey.isValid(clientKey) else {
            throw CalSyncError(.invalidInput, "the client key \(clientKey) is not a usable Google event id")
        }
        let body = GoogleWriteWire.body(GoogleWriteWire.event(draft, id: clientKey))
        do {
            let response = try await sendWrite(
                .POST, endpoints.insert(calendarID, notify: notify), body: body, ifMatch: nil)
            return .done(try written(response.body, calendarID: calendarID, logger: logger))
        } catch let error as CalSyncError where error.httpStatus == 409 {
            // `duplicate`: an earlier attempt of this very request made the event (the id
            // was chosen for it and is 130 random bits), and its answer was lost.
            logger.info(
                "The event exists already: an earlier attempt created it", metadata: ["calsync.event": "\(clientKey)"])
            guard let current = try await currentEvent(calendarID: calendarID, eventID: clientKey, logger: logger)
            else { throw CalSyncError(.refused, error.message, httpStatus: 409) }
            // Deleted since at Google: nothing to show.
            return .done(current.event.status == .cancelled ? nil : current)
        }
    }

    public func update(
        calendarID: String, eventID: String, changes: EventDraft, ifEtag: String?, notify: Bool, logger: Logger
    ) async throws -> WriteOutcome {
        let body = GoogleWriteWire.body(GoogleWriteWire.event(changes))
        var ifMatch = ifEtag
        while true {
            do {
                let response = try await sendWrite(
                    .PATCH, endpoints.event(calendarID, eventID, notify: notify), body: body, ifMatch: ifMatch)
                var written = try written(response.body, calendarID: calendarID, logger: logger)
                if let returned = written?.event.id, returned != eventID { written?.occurrenceID = eventID }
                return .done(written)
            } catch let error as CalSyncError where error.httpStatus == 412 {
                if let instanceEtag = try await etagToRetry(
                    after: ifMatch, ifEtag: ifEtag, calendarID: calendarID, eventID: eventID, logger: logger)
                {
                    ifMatch = instanceEtag
                    continue
                }
                return try await conflict(
                    calendarID: calendarID, eventID: eventID, ifEtag: ifEtag, changes: changes, logger: logger)
            }
        }
    }

    /// After a 412 on `ifMatch`: the instance's own etag to send once more, when the request
    /// was based on its series' etag (`ifEtag`, not yet retried) and the instance was not
    /// changed on its own (``untouchedInstanceEtag(calendarID:eventID:basedOn:logger:)``);
    /// nil when the 412 is a conflict.
    func etagToRetry(
        after ifMatch: String?, ifEtag: String?, calendarID: String, eventID: String, logger: Logger
    ) async throws -> String? {
        guard ifMatch == ifEtag, let ifEtag else { return nil }
        return try await untouchedInstanceEtag(
            calendarID: calendarID, eventID: eventID, basedOn: ifEtag, logger: logger)
    }

    public func delete(
        calendarID: String, eventID: String, ifEtag: String?, notify: Bool, logger: Logger
    ) async throws -> WriteOutcome {
        var ifMatch = ifEtag
        while true {
            do {
                _ = try await sendWrite(
                    .DELETE, endpoints.event(calendarID, eventID, notify: notify), body: nil, ifMatch: ifMatch)
            } catch let error as CalSyncError where error.code == .notFound {
                // 404, or 410 `deleted`: already gone, which is what was asked.
                logger.debug("The event was already deleted", metadata: ["calsync.event": "\(eventID)"])
            } catch let error as CalSyncError where error.httpStatus == 412 {
                if let instanceEtag = try await etagToRetry(
                    after: ifMatch, ifEtag: ifEtag, calendarID: calendarID, eventID: eventID, logger: logger)
                {
                    ifMatch = instanceEtag
                    continue
                }
                return try await conflict(
                    calendarID: calendarID, eventID: eventID, ifEtag: ifEtag, changes: nil, logger: logger)
            }
            return .done(nil)
        }
    }

    /// Google gives every instance of a series an etag of its own, but the store keeps
    /// etags per event row: a request for an instance without an exception is based on
    /// its series' etag, which Google's `If-Match` on the instance never matches. When the
    /// series still has that etag and the instance was not changed on its own since (its
    /// `updated` is not after the series'), nothing changed: the instance's own etag is
    /// returned, for one more attempt. nil otherwise (a real conflict).
    func untouchedInstanceEtag(
        calendarID: String, eventID: String, basedOn etag: String, logger: Logger
    ) async throws -> String? {
        guard let instance = try await currentEvent(calendarID: calendarID, eventID: eventID, logger: logger)?.event,
            instance.kind == .exception, instance.status != .cancelled, let seriesID = instance.seriesID,
            let instanceEtag = instance.etag, instanceEtag != etag,
            let series = try await currentEvent(calendarID: calendarID, eventID: seriesID, logger: logger)?.event,
            series.etag == etag
        else { return nil }
        if let changed = instance.updated, let seriesChanged = series.updated, changed > seriesChanged { return nil }
        logger.debug(
            "The instance's series is unchanged: writing with the instance's own etag",
            metadata: ["calsync.event": "\(eventID)"])
        return instanceEtag
    }

    /// `If-Match` failed: nothing was written. The event is read to say what differs.
    func conflict(
        calendarID: String, eventID: String, ifEtag: String?, changes: EventDraft?, logger: Logger
    ) async throws -> WriteOutcome {
        let current = try await currentEvent(calendarID: calendarID, eventID: eventID, logger: logger)?.event
        // A deleted event (not an instance) is only its id and etag at Google: the reason
        // says so, and there is no version to hand on.
        let deleted = current?.status == .cancelled && current?.kind != .exception
        return .conflict(
            reason: WriteConflict.reason(
                provider: "Google", basedOn: ifEtag ?? "?", current: current, changes: changes),
            current: deleted ? nil : current)
    }

    /// `events.get` of the event as a write returns it; nil when Google has no such id.
    func currentEvent(calendarID: String, eventID: String, logger: Logger) async throws -> WrittenEvent? {
        do {
            let response = try await sendWrite(
                .GET, endpoints.event(calendarID, eventID, notify: nil), body: nil, ifMatch: nil)
            return try written(response.body, calendarID: calendarID, logger: logger, keepCancelled: true)
        } catch let error as CalSyncError where error.code == .notFound {
            return nil
        }
    }

    /// The event a write returned, mapped as a poll maps it (``GoogleMapping``), so the
    /// store gets what the next incremental poll brings. A series comes without
    /// occurrences: the store expands it. nil when the answer is not a storable event (a
    /// deletion, or an item a poll would quarantine: the next poll sets it aside).
    func written(
        _ body: Data, calendarID: String, logger: Logger, keepCancelled: Bool = false
    ) throws -> WrittenEvent? {
        let bytes = [UInt8](body)
        guard StrictJSON.isValid(bytes[...]),
            let wire = try? JSONDecoder().decode(GoogleWire.Event.self, from: body)
        else {
            throw ResponseBody.classify(
                CalSyncError(.decoding, "Google's answer to a write is not an event"), body: bytes)
        }
        let raw = String(decoding: JSONItemScanner.compact(bytes[...]), as: UTF8.self)
        switch GoogleMapping.item(wire, raw: raw, calendarZone: calendarZone(calendarID)) {
        case .upsert(let event):
            return WrittenEvent(event: event)
        case .delete(let id):
            guard keepCancelled else { return nil }
            // A deleted event Google still answers for (`status: cancelled`).
            let placeholder = EventTime.instant(Date(timeIntervalSince1970: 0))
            return WrittenEvent(
                event: CalendarEvent(
                    id: id, etag: wire.etag, status: .cancelled, start: placeholder, end: placeholder, raw: raw))
        case .quarantine(let reason):
            logger.warning("Google's answer to a write is not storable", metadata: ["calsync.reason": "\(reason)"])
            return nil
        case .extra:
            return nil
        }
    }

    /// The calendar's zone as the calendar list said it, for events that name none (a
    /// page names it in its envelope; a single event does not).
    func calendarZone(_ calendarID: String) -> String? {
        guard let (cache, account) = configuration.calendarList else { return nil }
        return cache.entry(for: account)?.calendars.first { $0.id == calendarID }?.timeZone
    }

    /// A write (or the GET a write needs) with the access token and one refresh-and-retry
    /// on 401 (``AuthorizedSend``), failures mapped for writes (``GoogleWriteErrors``).
    func sendWrite(
        _ method: HTTPRequest.Method, _ url: String, body: Data?, ifMatch: String?
    ) async throws -> HTTPResponse {
        guard case .oauth(let tokens) = configuration.access else {
            throw CalSyncError(
                .missingScope, "an account read with an API key cannot write: sign in with `write = true`")
        }
        var headers: [(name: String, value: String)] = [(name: "Accept", value: "application/json")]
        if body != nil { headers.append((name: "Content-Type", value: "application/json")) }
        // Byte-exact: Google's etags are quoted strings, quotes included.
        if let ifMatch { headers.append((name: "If-Match", value: ifMatch)) }
        return try await AuthorizedSend.send(
            tokens: tokens,
            perform: { authorization in
                try await transport.perform(
                    HTTPRequest(method: method, url: url, headers: headers + authorization, body: body))
            },
            failure: { GoogleWriteErrors.error($0, now: now()) })
    }
}

extension GoogleEndpoints {
    /// `sendUpdates`: `all` notifies the guests, `none` (calsync's default) nobody.
    static func sendUpdates(_ notify: Bool) -> (String, String) {
        ("sendUpdates", notify ? "all" : "none")
    }

    func insert(_ calendarID: String, notify: Bool) -> String {
        "\(base)/calendars/\(Self.segment(calendarID))/events?"
            + FormEncoding.encode([Self.sendUpdates(notify), ("prettyPrint", "false")])
    }

    /// One event, series or instance (`<series>_<YYYYMMDDTHHMMSSZ>`); `notify` nil for a GET.
    func event(_ calendarID: String, _ eventID: String, notify: Bool?) -> String {
        "\(base)/calendars/\(Self.segment(calendarID))/events/\(Self.segment(eventID))?"
            + FormEncoding.encode((notify.map { [Self.sendUpdates($0)] } ?? []) + [("prettyPrint", "false")])
    }
}
