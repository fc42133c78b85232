import CalSyncModel
import CalSyncRecurrence
import Foundation

/// Graph's JSON → calsync's domain model (docs/store.md "events"/"calendars"; the rules and
/// the choices behind them in docs/providers-graph.md "Items").
enum GraphMapping {
    /// What one `value` item of a delta page asks of the store: a single event, an
    /// exception or (defensively) a series master to upsert, an `@removed` to delete, an
    /// unreadable item to quarantine, or an occurrence stub.
    typealias Item = PageItem<Occurrence>

    /// An occurrence stub: its series master must be fetched and stored; the store derives
    /// the instance from the master's rule. `day` is the wall-clock date of the stub's
    /// start (stubs do not say if they are all-day).
    struct Occurrence: Equatable, Sendable {
        var id: String
        var seriesID: String
        var start: EventTime?
        var day: CalendarDate?
    }

    /// An instance of a series seen in a page (an occurrence stub or an exception), kept so
    /// that a later `@removed` of its id can be told apart from a plain deletion.
    struct Instance: Equatable, Sendable {
        var id: String
        var seriesID: String
        /// Its start in the series (a stub's start; an exception's `originalStart`).
        var originalStart: EventTime?
        /// An exception (else an occurrence stub).
        var isException = false
        /// A stub's wall-clock start date: its day if the series is all-day.
        var day: CalendarDate?

        /// The original start as the series' instances are keyed: a date for all-day series.
        func start(allDay: Bool) -> EventTime? {
            guard allDay, case .instant(let instant) = originalStart else { return originalStart }
            return .date(day ?? CalendarDate(utcDayOf: instant))
        }
    }

    /// A delta page decoded item by item.
    struct DecodedPage {
        var links: GraphWire.Page
        var changes: ChangePage
        /// Series masters the page's occurrences and exceptions need, in first-seen order.
        var mastersNeeded: [String]
        /// The occurrence stubs and exceptions read.
        var instances: [Instance]
        /// How many of those were occurrence stubs (their instances come from expansion).
        var occurrences: Int
    }

    /// Decodes a page (``PageDecoder``); unreadable items are quarantined with their raw
    /// bytes, not fatal.
    static func page(_ bytes: [UInt8], fallbackZone: String?) throws -> DecodedPage {
        var instances: [Instance] = []
        var mastersNeeded: [String] = []
        var needed: Set<String> = []
        var occurrences = 0
        let decoder = JSONDecoder()
        let (links, changes) = try PageDecoder.decode(
            bytes, arrayKey: "value", envelope: GraphWire.Page.self, naming: "a delta page",
            read: { itemBytes, raw, _ -> PageDecoder.Read<Occurrence>? in
                if let stub = occurrenceStub(itemBytes, decoder: decoder, fallbackZone: fallbackZone) {
                    return (stub.id, stub.item)
                }
                guard let wire = try? decoder.decode(GraphWire.Event.self, from: Data(itemBytes)) else { return nil }
                return (wire.id, item(wire, raw: raw, fallbackZone: fallbackZone))
            },
            seen: { item in
                if let instance = item.instance {
                    instances.append(instance)
                    if needed.insert(instance.seriesID).inserted { mastersNeeded.append(instance.seriesID) }
                }
                if case .extra = item { occurrences += 1 }
            })
        return DecodedPage(
            links: links, changes: changes, mastersNeeded: mastersNeeded, instances: instances,
            occurrences: occurrences)
    }

    /// Decodes a series master fetched on its own (`GET …/events/{id}`).
    /// - Throws: `.transport` when the body is not JSON at all (``ResponseBody``); a JSON
    ///   body that is not a readable event quarantines the series instead.
    static func master(_ bytes: [UInt8], fallbackZone: String?) throws -> Item {
        let raw = String(decoding: JSONItemScanner.compact(bytes[...]), as: UTF8.self)
        guard StrictJSON.isValid(bytes[...]),
            let wire = try? JSONDecoder().decode(GraphWire.Event.self, from: Data(bytes))
        else {
            let unreadable = CalSyncError(.decoding, "the series master is not a readable event object")
            let classified = ResponseBody.classify(unreadable, body: bytes)
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

    /// An occurrence stub (`type: occurrence`), from a delta page or an `/instances` listing.
    static func occurrence(
        id: String, seriesMasterID: String?, start wireStart: GraphWire.DateTimeTimeZone?, fallbackZone: String?
    ) -> Item {
        guard let seriesID = seriesMasterID, !seriesID.isEmpty else {
            return .quarantine("an occurrence without seriesMasterId")
        }
        // Stubs carry no isAllDay: the start is read as an instant, and made a date
        // when the master turns out to be all-day.
        let start = try? GraphTimes.time(wireStart, allDay: false, fallbackZone: fallbackZone).get()
        let day = wireStart?.dateTime.flatMap { CalendarDate($0.prefix(10)) }
        return .extra(Occurrence(id: id, seriesID: seriesID, start: start, day: day))
    }

    /// An occurrence stub read as ``GraphWire/InstanceStub`` (five members instead of the
    /// whole event's thirty: most items of a delta page and of an `/instances` listing are
    /// stubs) by ``GraphStubReader``, or by JSONDecoder where that reader cannot be sure;
    /// nil for anything else, which takes ``item(_:raw:fallbackZone:)``'s whole path. Both
    /// paths read a stub alike; the id returned is the item's as sent, for quarantine.
    static func occurrenceStub(
        _ itemBytes: ArraySlice<UInt8>, decoder: JSONDecoder, fallbackZone: String?
    ) -> (id: String, item: Item)? {
        guard
            let stub = GraphStubReader.read(itemBytes)
                ?? (try? decoder.decode(GraphWire.InstanceStub.self, from: Data(itemBytes))),
            stub.type == "occurrence", stub.removed == nil, let wireID = stub.id
        else { return nil }
        let id = wireID.trimmingWhitespace()
        guard !id.isEmpty else { return nil }
        return (
            wireID,
            occurrence(id: id, seriesMasterID: stub.seriesMasterId, start: stub.start, fallbackZone: fallbackZone)
        )
    }

    /// The instances (occurrences and exceptions) a series' `/instances` page lists, and
    /// the link to its next page. Occurrences are read through ``GraphWire/InstanceStub``;
    /// anything else takes ``item(_:raw:fallbackZone:)``'s whole path, so both read an
    /// instance alike. Items `page` would quarantine are left out, as there.
    static func instances(_ bytes: [UInt8], fallbackZone: String?) throws -> InstancesPage {
        let (links, items) = try PageDecoder.scan(
            bytes, arrayKey: "value", envelope: GraphWire.Page.self, naming: "an instances page")
        var instances: [Instance] = []
        let decoder = JSONDecoder()
        for itemBytes in items where StrictJSON.isValid(itemBytes) {
            let read: Item
            if let stub = occurrenceStub(itemBytes, decoder: decoder, fallbackZone: fallbackZone) {
                read = stub.item
            } else if let wire = try? decoder.decode(GraphWire.Event.self, from: Data(itemBytes)) {
                read = item(wire, raw: "", fallbackZone: fallbackZone)
            } else {
                continue
            }
            if let instance = read.instance { instances.append(instance) }
        }
        return InstancesPage(instances: instances, nextLink: links.nextLink)
    }

    /// What a series' `/instances` page lists, and the link to the next one.
    struct InstancesPage {
        var instances: [Instance]
        var nextLink: String?
    }

    static func item(_ wire: GraphWire.Event, raw: String, fallbackZone: String?) -> Item {
        guard let id = wire.id?.trimmingWhitespace(), !id.isEmpty else {
            return .quarantine("the event has no id")
        }
        if wire.removed != nil { return .delete(id) }
        if wire.type == "occurrence" {
            return occurrence(
                id: id, seriesMasterID: wire.seriesMasterId, start: wire.start, fallbackZone: fallbackZone)
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

extension PageItem where Extra == GraphMapping.Occurrence {
    /// The series instance this item is (an occurrence stub or an exception); nil for
    /// anything else.
    var instance: GraphMapping.Instance? {
        switch self {
        case .upsert(let event):
            guard event.kind == .exception, let seriesID = event.seriesID else { return nil }
            return GraphMapping.Instance(
                id: event.id, seriesID: seriesID, originalStart: event.originalStart, isException: true)
        case .extra(let stub):
            return GraphMapping.Instance(id: stub.id, seriesID: stub.seriesID, originalStart: stub.start, day: stub.day)
        case .delete, .quarantine:
            return nil
        }
    }
}
