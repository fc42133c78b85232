import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// `calendars/{calendarId}/events/{eventId}`: get, insert, update (PUT), patch, delete,
/// with etags and `If-Match`, as Google's API behaves.
extension EmulatorState {
    func getGoogleEvent(calendarID: String, eventID: String) -> EmulatorResponse {
        guard let calendar = google.calendars[calendarID] else { return GoogleErrorBody.notFound() }
        if let event = calendar.event(eventID) {
            return .json(200, bytes: event.resourceBytes, headers: [(name: "ETag", value: event.etag)])
        }
        // An instance of a series that has no exception yet, as Google answers for it.
        guard let instance = currentOrVirtualInstance(calendarID: calendarID, eventID: eventID) else {
            return GoogleErrorBody.notFound()
        }
        return .json(200, instance, headers: [(name: "ETag", value: instance["etag"]?.stringValue ?? "")])
    }

    func insertGoogleEvent(calendarID: String, body: Data) -> EmulatorResponse {
        guard google.calendars[calendarID] != nil else { return GoogleErrorBody.notFound() }
        guard var resource = try? JSONValue.parse(body), case .object = resource else {
            return GoogleErrorBody.badRequest("Parse Error")
        }
        guard resource["start"] != nil, resource["end"] != nil else {
            return GoogleErrorBody.response(400, reason: "required", message: "Missing end time.")
        }
        if let id = resource["id"]?.stringValue {
            // Google's rule for client-chosen ids: base32hex characters, 5 to 1024 of them.
            guard (5...1024).contains(id.count), id.allSatisfy({ "abcdefghijklmnopqrstuv0123456789".contains($0) })
            else { return GoogleErrorBody.response(400, reason: "invalid", message: "Invalid resource id value.") }
            if google.calendars[calendarID]!.event(id) != nil { return GoogleErrorBody.duplicate() }
        } else {
            resource.set("id", .string(newGoogleEventID()))
        }
        let stored = storeGoogleEvent(resource, in: calendarID, previous: nil)
        return .json(200, bytes: stored.bytes, headers: [(name: "ETag", value: stored["etag"]?.stringValue ?? "")])
    }

    /// PUT replaces the resource; PATCH merges the given fields into it.
    func writeGoogleEvent(
        _ request: EmulatorRequest, calendarID: String, eventID: String, merge: Bool
    )
        -> EmulatorResponse
    {
        guard google.calendars[calendarID] != nil else { return GoogleErrorBody.notFound() }
        guard let body = try? JSONValue.parse(request.body), case .object = body else {
            return GoogleErrorBody.badRequest("Parse Error")
        }
        guard var current = currentOrVirtualInstance(calendarID: calendarID, eventID: eventID) else {
            return GoogleErrorBody.notFound()
        }
        if let ifMatch = request.header("If-Match"), ifMatch != current["etag"]?.stringValue {
            return GoogleErrorBody.conditionNotMet()
        }
        let previous = current
        if merge {
            current.merge(body)
        } else {
            var replacement = body
            for key in ["id", "recurringEventId", "originalStartTime", "iCalUID", "created", "creator", "organizer"] {
                if replacement[key] == nil { replacement.set(key, previous[key]) }
            }
            current = replacement
        }
        current.set("id", .string(eventID))
        if current["status"] == nil { current.set("status", "confirmed") }
        let stored = storeGoogleEvent(current, in: calendarID, previous: previous)
        return .json(200, bytes: stored.bytes, headers: [(name: "ETag", value: stored["etag"]?.stringValue ?? "")])
    }

    func deleteGoogleEvent(_ request: EmulatorRequest, calendarID: String, eventID: String) -> EmulatorResponse {
        guard google.calendars[calendarID] != nil else { return GoogleErrorBody.notFound() }
        guard var current = currentOrVirtualInstance(calendarID: calendarID, eventID: eventID) else {
            return GoogleErrorBody.notFound()
        }
        if current["status"]?.stringValue == "cancelled" { return GoogleErrorBody.deleted() }
        if let ifMatch = request.header("If-Match"), ifMatch != current["etag"]?.stringValue {
            return GoogleErrorBody.conditionNotMet()
        }
        let previous = current
        current.set("status", "cancelled")
        storeGoogleEvent(current, in: calendarID, previous: previous)
        // Deleting a series deletes its exceptions with it.
        if previous["recurrence"] != nil {
            for exceptionID in google.calendars[calendarID]!.exceptionIDs(of: eventID) {
                guard var exception = google.calendars[calendarID]!.event(exceptionID)?.resource,
                    exception["status"]?.stringValue != "cancelled"
                else { continue }
                let before = exception
                exception.set("status", "cancelled")
                storeGoogleEvent(exception, in: calendarID, previous: before)
            }
        }
        return EmulatorResponse(status: 204)
    }

    /// The stored event, or for `<masterId>_<stamp>` of a series without such an
    /// exception yet, the instance the series would produce (writing it creates the
    /// exception, as at Google). The emulator does not check that the rule produces it.
    func currentOrVirtualInstance(calendarID: String, eventID: String) -> JSONValue? {
        guard let calendar = google.calendars[calendarID] else { return nil }
        if let event = calendar.event(eventID) { return event.resource }
        guard let separator = eventID.lastIndex(of: "_") else { return nil }
        let masterID = String(eventID[..<separator])
        let stamp = String(eventID[eventID.index(after: separator)...])
        guard let master = calendar.event(masterID), master.isSeriesMaster, !master.isCancelled,
            let originalStart = Self.instanceStart(stamp: stamp, master: master.resource, calendar: calendar)
        else { return nil }
        var instance = master.resource
        instance.set("id", .string(eventID))
        instance.set("recurrence", nil)
        instance.set("recurringEventId", .string(masterID))
        instance.set("originalStartTime", originalStart.start)
        instance.set("start", originalStart.start)
        instance.set("end", originalStart.end)
        // Google gives every instance an etag of its own; derived from the series' here,
        // so it moves when the series changes.
        if let etag = master.resource["etag"]?.stringValue, etag.hasSuffix("\"") {
            instance.set("etag", .string(etag.dropLast() + "1\""))
        }
        return instance
    }

    /// The `originalStartTime` and default end of the instance with this id stamp.
    static func instanceStart(
        stamp: String, master: JSONValue, calendar: GoogleCalendarRecord
    )
        -> (start: JSONValue, end: JSONValue)?
    {
        guard let masterStart = master["start"], let masterEnd = master["end"] else { return nil }
        let zone = masterStart["timeZone"]?.stringValue.flatMap(TimeZone.init(identifier:)) ?? calendar.timeZone
        if GoogleTime.isAllDay(masterStart) {
            guard stamp.count == 8,
                let day = EmulatorClock.parseDate(
                    "\(stamp.prefix(4))-\(stamp.dropFirst(4).prefix(2))-\(stamp.suffix(2))", in: zone),
                let first = GoogleTime.instant(masterStart, calendarZone: zone),
                let last = GoogleTime.instant(masterEnd, calendarZone: zone)
            else { return nil }
            let days = Calendar.gregorian(in: zone).dateComponents([.day], from: first, to: last).day ?? 1
            let end = Calendar.gregorian(in: zone).date(byAdding: .day, value: days, to: day)!
            return (
                .object([("date", .string(EmulatorClock.dateString(day, in: zone)))]),
                .object([("date", .string(EmulatorClock.dateString(end, in: zone)))])
            )
        }
        guard stamp.count == 16, stamp.hasSuffix("Z"),
            let instant = EmulatorClock.parseInstant(
                "\(stamp.prefix(4))-\(stamp.dropFirst(4).prefix(2))-\(stamp.dropFirst(6).prefix(2))T"
                    + "\(stamp.dropFirst(9).prefix(2)):\(stamp.dropFirst(11).prefix(2)):\(stamp.dropFirst(13).prefix(2))Z"
            ),
            let first = GoogleTime.instant(masterStart, calendarZone: zone),
            let last = GoogleTime.instant(masterEnd, calendarZone: zone)
        else { return nil }
        let length = last.timeIntervalSince(first)
        let timeZoneField: [(String, JSONValue)] = [("timeZone", .string(zone.name))]
        return (
            .object([("dateTime", .string(EmulatorClock.googleDateTime(instant, in: zone)))] + timeZoneField),
            .object(
                [("dateTime", .string(EmulatorClock.googleDateTime(instant.addingTimeInterval(length), in: zone)))]
                    + timeZoneField)
        )
    }

    /// Completes and stores an event written through the API or the control API.
    @discardableResult
    func storeGoogleEvent(_ input: JSONValue, in calendarID: String, previous: JSONValue?) -> JSONValue {
        let number = google.nextChangeNumber()
        let resource = Self.googleResource(
            from: input, calendarID: calendarID, previous: previous, changeNumber: number, now: clock())
        google.calendars[calendarID]!.store(resource, changeNumber: number, now: clock())
        return resource
    }

    /// The event as Google returns it: server-set fields (`kind`, `etag`, `htmlLink`,
    /// `created`, `updated`, `sequence`, …) first and as Google sets them, then the rest.
    static func googleResource(
        from input: JSONValue, calendarID: String, previous: JSONValue?, changeNumber: Int, now: Date,
        nowText precomputed: String? = nil
    ) -> JSONValue {
        let eventID = input["id"]?.stringValue ?? ""
        let nowText = JSONValue.string(precomputed ?? EmulatorClock.rfc3339(now))
        var members: [(String, JSONValue)] = [
            ("kind", "calendar#event"), ("etag", .string("\"\(3_000_000_000_000_000 + changeNumber)\"")),
            ("id", .string(eventID)), ("status", input["status"] ?? "confirmed"),
            (
                "htmlLink",
                .string(
                    "https://www.google.com/calendar/event?eid="
                        + Data((eventID + " " + calendarID).utf8).base64EncodedString())
            ),
            ("created", previous?["created"] ?? nowText), ("updated", nowText),
        ]
        let serverSet: Set<String> = ["kind", "etag", "id", "status", "htmlLink", "created", "updated", "sequence"]
        members += Self.members(of: input).filter { !serverSet.contains($0.0) }
        var resource = JSONValue.object(members)
        let owner: JSONValue = .object([("email", .string(calendarID)), ("self", true)])
        if resource["creator"] == nil { resource.set("creator", owner) }
        if resource["organizer"] == nil { resource.set("organizer", owner) }
        if resource["iCalUID"] == nil {
            let uidBase = input["recurringEventId"]?.stringValue ?? eventID
            resource.set("iCalUID", .string(uidBase + "@google.com"))
        }
        // Google bumps `sequence` on changes attendees would care about; the emulator on
        // every write.
        let sequence = previous.map { ($0["sequence"]?.intValue ?? 0) + 1 } ?? 0
        resource.set("sequence", .number(Double(sequence)))
        if resource["reminders"] == nil { resource.set("reminders", .object([("useDefault", true)])) }
        if resource["eventType"] == nil { resource.set("eventType", "default") }
        return resource
    }

    static func members(of value: JSONValue) -> [(String, JSONValue)] {
        if case .object(let members) = value { return members }
        return []
    }

    /// A new event id in Google's alphabet (base32hex, lower case), 26 characters.
    func newGoogleEventID() -> String {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuv")
        return String((0..<26).map { _ in alphabet[Int.random(in: 0..<32, using: &random)] })
    }
}
