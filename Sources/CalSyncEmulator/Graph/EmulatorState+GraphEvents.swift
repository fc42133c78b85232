import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// `me/calendars/{cal}/events/{id}` (and `me/events/{id}`): get, instances, create
/// (honouring `transactionId`), update and delete.
extension EmulatorState {
    func getGraphEvent(
        _ request: EmulatorRequest, calendarID: String, eventID: String, user: String
    ) -> EmulatorResponse {
        guard let resource = graphCurrentEvent(calendarID: calendarID, eventID: eventID) else {
            return GraphErrorBody.notFound()
        }
        let selection = GraphSelect.selection(request)
        if case .unknown(let name) = selection { return GraphSelect.unknownPropertyResponse(name) }
        let (output, applied) = graphOutput(request)
        var rendered = GraphEventResource.render(resource, in: output)
        if case .only(let names) = selection { rendered = GraphSelect.apply(rendered, keeping: names) }
        return graphEntity(200, rendered, calendarID: calendarID, user: user, applied: applied)
    }

    /// An event answer with its `@odata.context` and `ETag`.
    func graphEntity(
        _ status: Int, _ resource: JSONValue, calendarID: String, user: String, applied: String? = nil
    ) -> EmulatorResponse {
        guard case .object(let members) = resource else { return GraphErrorBody.notFound() }
        let context = "\(graphRoot)/$metadata#users('\(user)')/calendars('\(calendarID)')/events/$entity"
        var headers: [(name: String, value: String)] = [
            (name: "ETag", value: resource["@odata.etag"]?.stringValue ?? "")
        ]
        if let applied { headers.append((name: "Preference-Applied", value: applied)) }
        return .json(status, .object([("@odata.context", .string(context))] + members), headers: headers)
    }

    /// A stored live event, or the occurrence of a series an occurrence id names.
    func graphCurrentEvent(calendarID: String, eventID: String) -> JSONValue? {
        guard let calendar = graph.calendars[calendarID] else { return nil }
        if let record = calendar.event(eventID) {
            if record.isDeleted { return nil }
            if let masterID = record.seriesMasterID, calendar.event(masterID)?.isDeleted != false { return nil }
            return record.resource
        }
        guard let (masterID, dayKey) = GraphIDs.occurrenceParts(eventID),
            let master = calendar.event(masterID), master.isSeriesMaster, !master.isDeleted,
            let occurrence = graphOccurrence(of: master, dayKey: dayKey, calendar: calendar)
        else { return nil }
        return GraphEventResource.occurrence(occurrence, master: master, floatingZone: calendar.zone, output: .utc)
    }

    /// The series' occurrence on `dayKey` (yyyyMMdd in the series' zone), if it has one.
    func graphOccurrence(
        of master: GraphEventRecord, dayKey: String, calendar: GraphCalendarRecord
    ) -> GraphRecurrence.Occurrence? {
        guard
            let day = EmulatorClock.parseDate(
                "\(dayKey.prefix(4))-\(dayKey.dropFirst(4).prefix(2))-\(dayKey.suffix(2))",
                in: TimeZone(identifier: "UTC")!)
        else { return nil }
        // Wide enough for any zone's idea of that date.
        return GraphEventResource.occurrences(
            of: master, floatingZone: calendar.zone, from: day.addingTimeInterval(-2 * 86_400),
            to: day.addingTimeInterval(3 * 86_400)
        ).first { $0.dayKey == dayKey }
    }

    func graphInstances(
        _ request: EmulatorRequest, calendarID: String, masterID: String, user: String
    ) -> EmulatorResponse {
        let calendar = graph.calendars[calendarID]!
        guard let master = calendar.event(masterID), master.isSeriesMaster, !master.isDeleted else {
            return GraphErrorBody.notFound()
        }
        guard let startText = request.parameter("startDateTime"), let endText = request.parameter("endDateTime"),
            let start = GraphTime.queryInstant(startText), let end = GraphTime.queryInstant(endText)
        else {
            return GraphErrorBody.response(
                400, code: "ErrorInvalidParameter",
                message:
                    "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime."
            )
        }
        let selection = GraphSelect.selection(request)
        if case .unknown(let name) = selection { return GraphSelect.unknownPropertyResponse(name) }
        let (output, applied) = graphOutput(request)
        let exceptions = calendar.exceptions(of: masterID)
        var values: [JSONValue] = []
        for occurrence in GraphEventResource.occurrences(of: master, floatingZone: calendar.zone, from: start, to: end)
        {
            let id = GraphIDs.occurrenceID(masterID: masterID, dayKey: occurrence.dayKey)
            if exceptions[id] != nil { continue }
            values.append(
                GraphEventResource.occurrence(occurrence, master: master, floatingZone: calendar.zone, output: output))
        }
        // Exceptions are listed where they are now (they may have moved); cancelled ones not at all.
        for exception in exceptions.values where !exception.isDeleted {
            if exception.span.start < end, exception.span.end > start {
                values.append(GraphEventResource.render(exception.resource, in: output))
            }
        }
        values.sort {
            (GraphTime.instant($0["start"]) ?? .distantPast) < (GraphTime.instant($1["start"]) ?? .distantPast)
        }
        if case .only(let names) = selection {
            values = values.map { GraphSelect.apply($0, keeping: names) }
        }
        let context =
            "\(graphRoot)/$metadata#users('\(user)')/calendars('\(calendarID)')/events('\(masterID)')/instances"
        var headers: [(name: String, value: String)] = []
        if let applied { headers.append((name: "Preference-Applied", value: applied)) }
        return .json(200, .object([("@odata.context", .string(context)), ("value", .array(values))]), headers: headers)
    }

    func createGraphEvent(_ request: EmulatorRequest, calendarID: String, user: String) -> EmulatorResponse {
        guard let body = try? JSONValue.parse(request.body), case .object = body else {
            return GraphErrorBody.response(
                400, code: "RequestBodyRead", message: "Unable to read the request body as JSON.")
        }
        if let transactionID = body["transactionId"]?.stringValue,
            let earlier = graph.transactions[transactionID],
            let existing = graphCurrentEvent(calendarID: earlier.calendarID, eventID: earlier.eventID)
        {
            // A retried create: the event the first request made, not a second one.
            return graphEntity(
                201, GraphEventResource.render(existing, in: graphOutput(request).output),
                calendarID: earlier.calendarID, user: user)
        }
        do {
            let stored = try storeNewGraphEvent(body, calendarID: calendarID)
            return graphEntity(
                201, GraphEventResource.render(stored, in: graphOutput(request).output), calendarID: calendarID,
                user: user)
        } catch {
            return GraphErrorBody.badRequest(error.description)
        }
    }

    func patchGraphEvent(
        _ request: EmulatorRequest, calendarID: String, eventID: String, user: String
    ) -> EmulatorResponse {
        guard let body = try? JSONValue.parse(request.body), case .object = body else {
            return GraphErrorBody.response(
                400, code: "RequestBodyRead", message: "Unable to read the request body as JSON.")
        }
        guard let current = graphCurrentEvent(calendarID: calendarID, eventID: eventID) else {
            return GraphErrorBody.notFound()
        }
        if let ifMatch = request.header("If-Match"), ifMatch != "*", ifMatch != current["@odata.etag"]?.stringValue {
            return GraphErrorBody.response(
                412, code: "ErrorIrresolvableConflict",
                message:
                    "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item."
            )
        }
        let stored = updateGraphEvent(calendarID: calendarID, current: current, changes: body)
        return graphEntity(
            200, GraphEventResource.render(stored, in: graphOutput(request).output), calendarID: calendarID,
            user: user)
    }

    /// Stores a new event; `id` is kept when given (data files), else made.
    func storeNewGraphEvent(_ input: JSONValue, calendarID: String) throws(EmulatorError) -> JSONValue {
        guard graph.calendars[calendarID] != nil else { throw EmulatorError("no Graph calendar \(calendarID)") }
        guard GraphTime.instant(input["start"]) != nil, GraphTime.instant(input["end"]) != nil else {
            throw EmulatorError("an event needs \"start\" and \"end\" ({\"dateTime\", \"timeZone\"})")
        }
        let id = input["id"]?.stringValue ?? newGraphEventID()
        guard graph.calendars[calendarID]!.event(id) == nil else {
            throw EmulatorError("event \(id) already exists in \(calendarID)")
        }
        let type: String
        if let given = input["type"]?.stringValue, given == "exception" {
            type = given
        } else {
            type = (input["recurrence"] ?? .null) == .null ? "singleInstance" : "seriesMaster"
        }
        let stored = storeGraphEvent(input, id: id, type: type, calendarID: calendarID, previous: nil)
        if let transactionID = input["transactionId"]?.stringValue {
            graph.transactions[transactionID] = (calendarID, id)
        }
        return stored
    }

    /// Merges `changes` into `current` (a stored event, or an occurrence, which becomes
    /// an exception) and stores it with a new change key.
    @discardableResult
    func updateGraphEvent(calendarID: String, current: JSONValue, changes: JSONValue) -> JSONValue {
        var merged = current
        merged.merge(changes)
        let id = current["id"]?.stringValue ?? ""
        var type = current["type"]?.stringValue ?? "singleInstance"
        if type == "occurrence" { type = "exception" }
        if type == "singleInstance" || type == "seriesMaster" {
            type = (merged["recurrence"] ?? .null) == .null ? "singleInstance" : "seriesMaster"
        }
        let previous = graph.calendars[calendarID]!.event(id)?.resource
        return storeGraphEvent(merged, id: id, type: type, calendarID: calendarID, previous: previous ?? current)
    }

    @discardableResult
    func storeGraphEvent(
        _ input: JSONValue, id: String, type: String, calendarID: String, previous: JSONValue?
    ) -> JSONValue {
        let number = graph.nextChangeNumber()
        // Only the owner is read: a copy of the whole record held across the store below
        // would make the store copy every event (copy on write).
        let owner = graph.calendars[calendarID].map { ($0.ownerName, $0.ownerAddress) } ?? ("", "")
        let resource = GraphEventResource.complete(
            input, id: id, type: type, changeNumber: number, previous: previous, now: clock(), owner: owner)
        graph.calendars[calendarID]!.store(resource, changeNumber: number)
        return resource
    }

    /// Deletes an event, a series (with its exceptions) or one occurrence (cancelled).
    /// False when there is no such live item.
    func deleteGraphItem(calendarID: String, eventID: String) -> Bool {
        guard let current = graphCurrentEvent(calendarID: calendarID, eventID: eventID) else { return false }
        let stored = graph.calendars[calendarID]!.event(eventID)
        guard let stored else {
            // An occurrence without an exception yet: a cancelled exception record.
            var cancelled = current
            cancelled.set("type", "exception")
            let number = graph.nextChangeNumber()
            let owner = graph.calendars[calendarID].map { ($0.ownerName, $0.ownerAddress) } ?? ("", "")
            let resource = GraphEventResource.complete(
                cancelled, id: eventID, type: "exception", changeNumber: number, previous: nil, now: clock(),
                owner: owner)
            graph.calendars[calendarID]!.cancelOccurrence(resource, changeNumber: number)
            return true
        }
        let exceptions = stored.isSeriesMaster ? graph.calendars[calendarID]!.exceptions(of: eventID) : [:]
        graph.calendars[calendarID]!.delete(eventID, changeNumber: graph.nextChangeNumber())
        for (exceptionID, exception) in exceptions where !exception.isDeleted {
            graph.calendars[calendarID]!.delete(exceptionID, changeNumber: graph.nextChangeNumber())
        }
        return true
    }

    /// A new event id that looks like Graph's (base64 of an Exchange item id).
    func newGraphEventID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        let tail = String((0..<40).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
        return "AAMkAG" + tail + "AAA="
    }
}
