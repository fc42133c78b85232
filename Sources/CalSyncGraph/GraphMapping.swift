import CalSyncModel
import CalSyncRecurrence
import Foundation

/// Graph's JSON → calsync's domain model (docs/store.md "events"/"calendars"; the rules and
/// the choices behind them in docs/providers-graph.md "Items").
enum GraphMapping {
    /// What one `value` item of a delta page asks of the store: a single event, an
    /// exception or (defensively) a series master to upsert, an `@removed` to delete, an
    /// unreadable item to quarantine, or an occurrence stub.
    typealias Item = PageItem<Stub>

    /// An occurrence stub of `calendarView/delta`: Graph's id for the occurrence, its
    /// series, its start and end as sent (stubs do not say whether they are all-day: the
    /// master does) and the `@odata.etag` it carries (the master's change key, as the
    /// occurrence is the master's).
    struct Stub: Equatable, Sendable {
        var id: String
        var seriesID: String
        var start: GraphWire.DateTimeTimeZone?
        var end: GraphWire.DateTimeTimeZone?
        var changeKey: String?

        /// The occurrence row: its times read as dates for an all-day series (the
        /// wall-clock dates Graph sends), else as instants; nil when a time is unreadable.
        func occurrence(allDay: Bool, fallbackZone: String?) -> Occurrence? {
            guard case .success(let startTime) = GraphTimes.time(start, allDay: allDay, fallbackZone: fallbackZone)
            else { return nil }
            var endTime = (try? GraphTimes.time(end, allDay: allDay, fallbackZone: fallbackZone).get()) ?? startTime
            if case .date(let first) = startTime, case .date(let last) = endTime, last <= first {
                endTime = .date(first.adding(days: 1))
            }
            return Occurrence(instanceID: id, eventID: seriesID, seriesID: seriesID, start: startTime, end: endTime)
        }
    }

    /// A delta page decoded item by item.
    struct DecodedPage {
        var links: GraphWire.Page
        var changes: ChangePage
        /// The occurrence stubs, in page order.
        var stubs: [Stub]
    }

    /// Decodes a page (``PageDecoder``); unreadable items are quarantined with their raw
    /// bytes, not fatal. Stubs are read by ``GraphStubReader``, other items by
    /// ``GraphEventReader``; whatever either leaves takes `JSONDecoder`.
    /// - Parameter linksRead: the page's links, once read and before its items are.
    static func page(
        _ bytes: [UInt8], fallbackZone: String?, linksRead: (GraphWire.Page) -> Void = { _ in }
    ) throws -> DecodedPage {
        try page(bytes, fallbackZone: fallbackZone, singlePass: true, linksRead: linksRead)
    }

    /// The same page with every item but a stub decoded by `JSONDecoder`: the path
    /// ``GraphEventReader`` must agree with (GraphEventReaderEquivalenceTests).
    static func codablePage(_ bytes: [UInt8], fallbackZone: String?) throws -> DecodedPage {
        try page(bytes, fallbackZone: fallbackZone, singlePass: false)
    }

    private static func page(
        _ bytes: [UInt8], fallbackZone: String?, singlePass: Bool, linksRead: (GraphWire.Page) -> Void = { _ in }
    ) throws -> DecodedPage {
        var stubs: [Stub] = []
        let decoder = JSONDecoder()
        let (links, changes) = try PageDecoder.decode(
            bytes, arrayKey: "value", envelope: GraphWire.Page.self, naming: "a delta page",
            envelopeRead: linksRead,
            extraRead: { itemBytes in
                // Only a stub read whole and strictly by GraphStubReader (no JSONDecoder).
                guard let wire = GraphStubReader.read(itemBytes), let read = occurrenceStub(wire),
                    case .extra(let stub) = read.item
                else { return nil }
                return stub
            },
            fastRead: !singlePass
                ? nil
                : { itemBytes, raw, _ -> PageDecoder.Read<Stub>? in
                    // What `read` below makes of the same wire event: an occurrence whose
                    // stub reading succeeds maps alike through `item`.
                    guard let wire = GraphEventReader.event(itemBytes) else { return nil }
                    return (wire.id, item(wire, raw: raw, fallbackZone: fallbackZone))
                },
            read: { itemBytes, raw, _ -> PageDecoder.Read<Stub>? in
                if let stub = occurrenceStub(itemBytes, decoder: decoder) {
                    return (stub.id, stub.item)
                }
                guard let wire = try? decoder.decode(GraphWire.Event.self, from: Data(itemBytes)) else { return nil }
                return (wire.id, item(wire, raw: raw, fallbackZone: fallbackZone))
            },
            seen: { item in
                if case .extra(let stub) = item { stubs.append(stub) }
            })
        return DecodedPage(links: links, changes: changes, stubs: stubs)
    }

    /// Decodes a series master read on its own (a `$batch` answer's body).
    /// - Throws: `.transport` when the body is not JSON at all (``ResponseBody``); a JSON
    ///   body that is not a readable event quarantines the series instead.
    /// - Parameter singlePass: false reads it with `JSONDecoder` only, the path
    ///   ``GraphEventReader`` must agree with (GraphEventReaderEquivalenceTests).
    static func master(_ bytes: ArraySlice<UInt8>, fallbackZone: String?, singlePass: Bool = true) throws -> Item {
        let raw = String(decoding: JSONItemScanner.compact(bytes), as: UTF8.self)
        guard
            let wire = (singlePass ? GraphEventReader.event(bytes) : nil)
                ?? (StrictJSON.isValid(bytes)
                    ? try? JSONDecoder().decode(GraphWire.Event.self, from: Data(bytes)) : nil)
        else {
            let unreadable = CalSyncError(.decoding, "the series master is not a readable event object")
            let classified = ResponseBody.classify(unreadable, body: Array(bytes))
            if classified.code != .decoding { throw classified }
            return .quarantine(unreadable.message)
        }
        guard wire.recurrence != nil else { return .quarantine("the series master has no recurrence") }
        if bytes.count > ItemLimits.maximumItemBytes {
            return .quarantine("the series master is \(bytes.count) bytes, more than the item limit")
        }
        let read = item(wire, raw: raw, fallbackZone: fallbackZone)
        if case .upsert(let event) = read, let reason = ItemLimits.oversizeField(event) { return .quarantine(reason) }
        return read
    }

    static func master(_ bytes: [UInt8], fallbackZone: String?, singlePass: Bool = true) throws -> Item {
        try master(bytes[...], fallbackZone: fallbackZone, singlePass: singlePass)
    }

    /// An occurrence stub (`type: occurrence`).
    static func occurrence(
        id: String, seriesMasterID: String?, start: GraphWire.DateTimeTimeZone?, end: GraphWire.DateTimeTimeZone?,
        changeKey: String?
    ) -> Item {
        guard let seriesID = seriesMasterID, !seriesID.isEmpty else {
            return .quarantine("an occurrence without seriesMasterId")
        }
        return .extra(Stub(id: id, seriesID: seriesID, start: start, end: end, changeKey: changeKey))
    }

    /// `W/"<changeKey>"` → `<changeKey>` (Graph's `@odata.etag` is the change key, quoted).
    static func changeKey(etag: String?) -> String? {
        guard let etag else { return nil }
        // By UTF-8 positions, one copy at the end: every stub carries an etag, and the
        // same by characters (`count`, `dropFirst`, a copy per step) was 5 % of a Graph
        // first sync. The marks are ASCII, so both ways cut the same.
        let bytes = etag.utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        if bytes.starts(with: "W/".utf8) { start = bytes.index(start, offsetBy: 2) }
        let quote = UInt8(ascii: "\"")
        if bytes.distance(from: start, to: end) >= 2, bytes[start] == quote, bytes[bytes.index(before: end)] == quote {
            start = bytes.index(after: start)
            end = bytes.index(before: end)
        }
        return start == end ? nil : String(etag[start..<end])
    }

    /// An occurrence stub read as ``GraphWire/InstanceStub`` (seven members instead of the
    /// whole event's thirty: most items of a delta page are stubs) by ``GraphStubReader``,
    /// or by JSONDecoder where that reader cannot be sure; nil for anything else, which
    /// takes ``item(_:raw:fallbackZone:)``'s whole path. Both paths read a stub alike; the
    /// id returned is the item's as sent, for quarantine.
    static func occurrenceStub(_ itemBytes: ArraySlice<UInt8>, decoder: JSONDecoder) -> (id: String, item: Item)? {
        guard
            let stub = GraphStubReader.read(itemBytes)
                ?? (try? decoder.decode(GraphWire.InstanceStub.self, from: Data(itemBytes)))
        else { return nil }
        return occurrenceStub(stub)
    }

    /// The same, from the stub's members as read.
    static func occurrenceStub(_ stub: GraphWire.InstanceStub) -> (id: String, item: Item)? {
        guard stub.type == "occurrence", stub.removed == nil, let wireID = stub.id else { return nil }
        let id = wireID.trimmingWhitespace()
        guard !id.isEmpty else { return nil }
        return (
            wireID,
            occurrence(
                id: id, seriesMasterID: stub.seriesMasterId, start: stub.start, end: stub.end,
                changeKey: stub.changeKey)
        )
    }

    static func item(_ wire: GraphWire.Event, raw: String, fallbackZone: String?) -> Item {
        guard let id = wire.id?.trimmingWhitespace(), !id.isEmpty else {
            return .quarantine("the event has no id")
        }
        if wire.removed != nil { return .delete(id) }
        if wire.type == "occurrence" {
            return occurrence(
                id: id, seriesMasterID: wire.seriesMasterId, start: wire.start, end: wire.end,
                changeKey: changeKey(etag: wire.etag))
        }
        let kind: CalendarEvent.Kind
        switch wire.type {
        case "exception": kind = .exception
        case "seriesMaster": kind = .series
        case nil where wire.recurrence != nil: kind = .series
        default: kind = .single
        }
        let allDay = wire.isAllDay ?? false
        // The event's zone; a series is expanded in its recurrence zone.
        var zone = GraphTimes.ianaName(wire.originalStartTimeZone) ?? fallbackZone
        var recurrence: [String]?
        if kind == .series {
            guard let wireRecurrence = wire.recurrence else { return .quarantine("a series master without recurrence") }
            switch GraphRecurrence.lines(wireRecurrence, allDay: allDay) {
            case .failure(let problem): return .quarantine(problem.reason)
            case .success(let lines): recurrence = lines
            }
            zone = GraphTimes.ianaName(wireRecurrence.range?.recurrenceTimeZone) ?? zone
        }
        let start: EventTime
        switch GraphTimes.time(wire.start, allDay: allDay, fallbackZone: fallbackZone) {
        case .success(let time): start = time
        case .failure(.sentinel): return .quarantine("the start is Outlook's placeholder for no time")
        case .failure(.missing): return .quarantine("the start is missing")
        case .failure(.unreadable(let text)): return .quarantine("the start \(text) is not a date and time")
        }
        var end: EventTime
        switch GraphTimes.time(wire.end, allDay: allDay, fallbackZone: fallbackZone) {
        case .success(let time): end = time
        case .failure(.sentinel): end = start
        case .failure(.missing): return .quarantine("the end is missing")
        case .failure(.unreadable(let text)): return .quarantine("the end \(text) is not a date and time")
        }
        if case .date(let startDate) = start, case .date(let endDate) = end, endDate <= startDate {
            end = .date(startDate.adding(days: 1))
        } else if case .instant(let startInstant) = start, case .instant(let endInstant) = end,
            endInstant < startInstant
        {
            end = start
        }
        var seriesID: String?
        var originalStart: EventTime?
        if kind == .exception {
            guard let master = wire.seriesMasterId, !master.isEmpty else {
                return .quarantine("an exception without seriesMasterId")
            }
            guard let original = GraphTimes.originalStart(wire.originalStart, allDay: allDay, zone: zone) else {
                return .quarantine("an exception without a readable originalStart")
            }
            seriesID = master
            originalStart = original
        }
        let organizerEmail = wire.organizer?.emailAddress?.address
        return .upsert(
            CalendarEvent(
                id: id, icalUID: nonEmpty(wire.iCalUId), etag: wire.changeKey ?? wire.etag, kind: kind,
                seriesID: seriesID, originalStart: originalStart,
                status: wire.isCancelled == true ? .cancelled : .confirmed, summary: nonEmpty(wire.subject),
                description: description(wire), location: nonEmpty(wire.location?.displayName), start: start,
                end: end, timeZone: zone, recurrence: recurrence,
                transparency: wire.showAs == "free" ? .transparent : .opaque,
                visibility: visibility(wire.sensitivity),
                organizer: wire.organizer?.emailAddress.map {
                    .init(email: nonEmpty($0.address), name: nonEmpty($0.name))
                },
                attendees: (wire.attendees ?? []).map { attendee($0, organizerEmail: organizerEmail) },
                url: nonEmpty(wire.webLink),
                conferenceURL: nonEmpty(wire.onlineMeeting?.joinUrl) ?? nonEmpty(wire.onlineMeetingUrl),
                eventType: nil, created: timestamp(wire.createdDateTime),
                updated: timestamp(wire.lastModifiedDateTime), raw: raw))
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.trimmingWhitespaceAndNewlines().isEmpty else { return nil }
        return text
    }

    static func timestamp(_ text: String?) -> Date? {
        guard let text, !GraphTimes.isSentinel(text) else { return nil }
        return Timestamp.parse(text)
    }

    /// Plain text: the body when it came as text (we ask for it with
    /// `Prefer: outlook.body-content-type="text"`), else the server's `bodyPreview`.
    static func description(_ wire: GraphWire.Event) -> String? {
        if wire.body?.contentType?.lowercased() == "text", let content = nonEmpty(wire.body?.content) {
            return content
        }
        return nonEmpty(wire.bodyPreview)
    }

    static func visibility(_ sensitivity: String?) -> CalendarEvent.Visibility {
        switch sensitivity {
        case "personal", "private": .private
        case "confidential": .confidential
        default: .default
        }
    }

    static func attendee(_ wire: GraphWire.Attendee, organizerEmail: String?) -> CalendarEvent.Attendee {
        let response: CalendarEvent.Attendee.Response =
            switch wire.status?.response {
            case "accepted", "organizer": .accepted
            case "declined": .declined
            case "tentativelyAccepted": .tentative
            default: .needsAction
            }
        let email = nonEmpty(wire.emailAddress?.address)
        let isOrganizer =
            wire.status?.response == "organizer"
            || (email != nil && email?.lowercased() == organizerEmail?.lowercased())
        return .init(
            email: email, name: nonEmpty(wire.emailAddress?.name), response: response,
            optional: wire.type == "optional", organizer: isOrganizer)
    }

    /// A calendar of `/me/calendars`; Graph calendars carry no zone, the mailbox's is used.
    static func calendar(_ wire: GraphWire.Calendar, timeZone: String?) -> RemoteCalendar {
        let color = wire.hexColor.flatMap { $0.count == 7 && $0.hasPrefix("#") ? $0.lowercased() : nil }
        let access: RemoteCalendar.Access =
            wire.isDefaultCalendar == true ? .owner : wire.canEdit == true ? .writer : .reader
        return RemoteCalendar(
            id: wire.id, name: nonEmpty(wire.name) ?? wire.id, timeZone: timeZone, color: color, access: access,
            isPrimary: wire.isDefaultCalendar ?? false, etag: wire.changeKey)
    }
}
