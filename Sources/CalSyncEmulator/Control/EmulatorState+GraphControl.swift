import CalSyncEmulatorCalendars
public import CalSyncEmulatorServer
public import Foundation

/// The library API for driving the Graph side (what another client of the mailbox would
/// do), the control API under `/_emulator/graph/…`, and the `graph` part of data documents.
extension EmulatorState {
    /// Adds a calendar (the first one added becomes the default when there is none).
    /// `timeZone` is a Windows or IANA name; the default calendar's is the mailbox's.
    public func addGraphCalendar(
        id: String, name: String? = nil, timeZone: String = "UTC", isDefault: Bool = false
    ) throws(EmulatorError) {
        guard !id.isEmpty else { throw EmulatorError("a calendar needs an id") }
        guard GraphTime.zone(named: timeZone) != nil else { throw EmulatorError("unknown time zone \(timeZone)") }
        if graph.calendars[id] != nil {
            graph.calendars[id]!.name = name ?? graph.calendars[id]!.name
            graph.calendars[id]!.timeZoneName = timeZone
            graph.calendars[id]!.version += 1
            return
        }
        graph.addCalendar(
            id: id, name: name ?? id, timeZone: timeZone, owner: options.microsoftUser,
            isDefault: isDefault || graph.defaultCalendarID == nil)
    }

    public var graphCalendarIDs: [String] { graph.calendarOrder }

    /// The mailbox's default calendar (`me/calendar`), where `--generate` puts its events.
    public var defaultGraphCalendarID: String { graph.defaultCalendarID ?? GraphWorld.defaultCalendarID }

    /// Adds an event (Graph JSON: `subject`, `start`/`end` as `{dateTime, timeZone}`,
    /// `isAllDay`, `recurrence`, …; `id` optional) and returns it as stored.
    @discardableResult
    public func addGraphEvent(calendarID: String, _ event: JSONValue) throws(EmulatorError) -> JSONValue {
        try storeNewGraphEvent(event, calendarID: calendarID)
    }

    /// Merges `changes` into an event; an occurrence id makes an exception.
    @discardableResult
    public func editGraphEvent(
        calendarID: String, eventID: String, _ changes: JSONValue
    ) throws(EmulatorError) -> JSONValue {
        try checkedGraphCalendar(calendarID)
        guard let current = graphCurrentEvent(calendarID: calendarID, eventID: eventID) else {
            throw EmulatorError("no event \(eventID) in \(calendarID)")
        }
        return updateGraphEvent(calendarID: calendarID, current: current, changes: changes)
    }

    /// Deletes an event, a series with its exceptions, or (an occurrence id) one occurrence.
    public func deleteGraphEvent(calendarID: String, eventID: String) throws(EmulatorError) {
        try checkedGraphCalendar(calendarID)
        guard deleteGraphItem(calendarID: calendarID, eventID: eventID) else {
            throw EmulatorError("no event \(eventID) in \(calendarID)")
        }
    }

    /// Cancels one occurrence of a series (it disappears from views and `instances`).
    public func cancelGraphOccurrence(calendarID: String, occurrenceID: String) throws(EmulatorError) {
        guard GraphIDs.occurrenceParts(occurrenceID) != nil else {
            throw EmulatorError("\(occurrenceID) is not an occurrence id")
        }
        try deleteGraphEvent(calendarID: calendarID, eventID: occurrenceID)
    }

    /// Edits one occurrence, making it an exception (`type: exception`, same id).
    @discardableResult
    public func editGraphOccurrence(
        calendarID: String, occurrenceID: String, _ changes: JSONValue
    ) throws(EmulatorError) -> JSONValue {
        guard GraphIDs.occurrenceParts(occurrenceID) != nil else {
            throw EmulatorError("\(occurrenceID) is not an occurrence id")
        }
        return try editGraphEvent(calendarID: calendarID, eventID: occurrenceID, changes)
    }

    /// The occurrences (stubs' ids and times, UTC) a series has in `[from, to)`, without
    /// cancelled ones; exceptions appear as they are now.
    public func graphOccurrenceIDs(
        calendarID: String, seriesID: String, from: Date, to: Date
    ) throws(EmulatorError) -> [String] {
        try checkedGraphCalendar(calendarID)
        let calendar = graph.calendars[calendarID]!
        guard let master = calendar.event(seriesID), master.isSeriesMaster, !master.isDeleted else {
            throw EmulatorError("no live series \(seriesID) in \(calendarID)")
        }
        let cancelled = calendar.exceptions(of: seriesID).filter { $0.value.isDeleted }
        return GraphEventResource.occurrences(of: master, floatingZone: calendar.zone, from: from, to: to).map {
            GraphIDs.occurrenceID(masterID: seriesID, dayKey: $0.dayKey)
        }.filter { cancelled[$0] == nil }
    }

    /// Every delta and next link of the calendar (or of all calendars) answers 410
    /// `SyncStateNotFound` from now on.
    public func expireGraphDeltaLinks(calendarID: String? = nil) throws(EmulatorError) {
        if let calendarID {
            try checkedGraphCalendar(calendarID)
            graph.calendars[calendarID]!.tokenGeneration += 1
        } else {
            for id in graph.calendarOrder { graph.calendars[id]!.tokenGeneration += 1 }
        }
    }

    /// The calendar's live events as the server holds them (the truth a synced store must
    /// equal): single instances, series masters and live exceptions, times as stored.
    public func graphEvents(calendarID: String) throws(EmulatorError) -> [JSONValue] {
        try checkedGraphCalendar(calendarID)
        let calendar = graph.calendars[calendarID]!
        return calendar.eventIDs.sorted().compactMap { id in
            guard let record = calendar.event(id), !record.isDeleted else { return nil }
            if let masterID = record.seriesMasterID, calendar.event(masterID)?.isDeleted != false { return nil }
            return record.resource
        }
    }

    /// Adds `count` generated events (series and exceptions count one each); returns how many.
    @discardableResult
    public func generateGraphEvents(calendarID: String, count: Int, seed: UInt64? = nil) throws(EmulatorError) -> Int {
        try checkedGraphCalendar(calendarID)
        guard count >= 0 else { throw EmulatorError("count must not be negative") }
        var generator = GraphCalendarGenerator(
            seed: seed ?? UInt64(Int.random(in: 0..<Int.max, using: &random)),
            floatingZone: graph.calendars[calendarID]!.zone, around: clock())
        var added = 0
        for item in generator.events(count: count) {
            switch item {
            case .event(let event):
                _ = try storeNewGraphEvent(event, calendarID: calendarID)
            case .editOccurrence(let seriesID, let dayKey, let changes):
                try editGraphOccurrence(
                    calendarID: calendarID, occurrenceID: GraphIDs.occurrenceID(masterID: seriesID, dayKey: dayKey),
                    changes)
            case .cancelOccurrence(let seriesID, let dayKey):
                try cancelGraphOccurrence(
                    calendarID: calendarID, occurrenceID: GraphIDs.occurrenceID(masterID: seriesID, dayKey: dayKey))
            }
            added += 1
        }
        return added
    }

    func checkedGraphCalendar(_ calendarID: String) throws(EmulatorError) {
        guard graph.calendars[calendarID] != nil else { throw EmulatorError("no Graph calendar \(calendarID)") }
    }

    func controlGraph(
        _ request: EmulatorRequest, segments: [String], body: JSONValue
    ) throws(EmulatorError)
        -> EmulatorResponse
    {
        switch (request.method, segments.count, segments.first) {
        case ("GET", 1, "concurrency"):
            return .json(200, graphConcurrencyJSON())
        case ("DELETE", 1, "concurrency"):
            resetGraphConcurrency()
            return .json(200, graphConcurrencyJSON())
        case ("POST", 1, "expire"):
            try expireGraphDeltaLinks(calendarID: body["calendar"]?.stringValue)
            return .json(200, .object([]))
        case ("POST", 1, "calendars"):
            guard let id = body["id"]?.stringValue else { throw EmulatorError("a calendar needs an \"id\"") }
            try addGraphCalendar(
                id: id, name: body["name"]?.stringValue, timeZone: body["timeZone"]?.stringValue ?? "UTC",
                isDefault: body["isDefault"]?.boolValue ?? false)
            return .json(201, .object([("id", .string(id))]))
        case ("GET", 1, "calendars"):
            return .json(200, .object([("calendars", .array(graphCalendarIDs.map { .string($0) }))]))
        case ("POST", 3, "calendars") where segments[2] == "generate":
            let generated = try generateGraphEvents(
                calendarID: segments[1], count: body["count"]?.intValue ?? 100,
                seed: body["seed"]?.intValue.map(UInt64.init))
            return .json(200, .object([("generated", .number(Double(generated)))]))
        case ("GET", 3, "calendars") where segments[2] == "events":
            return .json(200, .object([("value", .array(try graphEvents(calendarID: segments[1])))]))
        case ("POST", 3, "calendars") where segments[2] == "events":
            return .json(201, try addGraphEvent(calendarID: segments[1], body))
        case ("PATCH", 4, "calendars") where segments[2] == "events":
            return .json(200, try editGraphEvent(calendarID: segments[1], eventID: segments[3], body))
        case ("DELETE", 4, "calendars") where segments[2] == "events":
            try deleteGraphEvent(calendarID: segments[1], eventID: segments[3])
            return EmulatorResponse(status: 204)
        default:
            throw EmulatorError("no Graph control endpoint \(request.method) \(request.path)")
        }
    }

    /// `{"calendars": [{"id", "name"?, "timeZone"?, "isDefault"?, "events": [Graph event JSON]}]}`;
    /// returns how many events it added.
    func loadGraphDocument(_ document: JSONValue) throws(EmulatorError) -> Int {
        var added = 0
        for calendar in document["calendars"]?.arrayValue ?? [] {
            guard let id = calendar["id"]?.stringValue else { throw EmulatorError("a Graph calendar needs an \"id\"") }
            if graph.calendars[id] == nil || calendar["timeZone"] != nil || calendar["name"] != nil {
                try addGraphCalendar(
                    id: id, name: calendar["name"]?.stringValue ?? graph.calendars[id]?.name,
                    timeZone: calendar["timeZone"]?.stringValue ?? graph.calendars[id]?.timeZoneName ?? "UTC",
                    isDefault: calendar["isDefault"]?.boolValue ?? false)
            }
            for event in calendar["events"]?.arrayValue ?? [] {
                do {
                    _ = try storeNewGraphEvent(event, calendarID: id)
                } catch {
                    throw EmulatorError(
                        "event \(event["id"]?.stringValue ?? "#\(added + 1)") in \(id): \(error.description)")
                }
                added += 1
            }
        }
        return added
    }
}
