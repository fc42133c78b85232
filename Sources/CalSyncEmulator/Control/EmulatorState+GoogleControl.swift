import CalSyncEmulatorCalendars
public import CalSyncEmulatorServer
public import Foundation

/// The library API for driving the Google side: what a test, the demo or the benchmarks
/// do to a calendar "on the server", as another client of the user would.
extension EmulatorState {
    /// Adds a calendar to the user's list (or brings a removed one back).
    public func addGoogleCalendar(
        id: String, summary: String? = nil, timeZone: String = "UTC", isPublic: Bool = false, owner: String? = nil
    ) throws(EmulatorError) {
        guard let zone = TimeZone(identifier: timeZone) else { throw EmulatorError("unknown time zone \(timeZone)") }
        guard !id.isEmpty else { throw EmulatorError("a calendar needs an id") }
        google.addCalendar(
            id: id, owner: owner ?? options.googleUser, summary: summary ?? id, timeZone: zone, isPublic: isPublic,
            now: clock())
    }

    /// Removes a calendar from the user's list (listed as `deleted` in increments); its
    /// events answer 404 from then on.
    public func removeGoogleCalendar(id: String) throws(EmulatorError) {
        guard google.calendars[id]?.isDeleted == false else { throw EmulatorError("no Google calendar \(id)") }
        google.calendars[id]!.isDeleted = true
        google.calendars[id]!.listChangeNumber = google.nextChangeNumber()
    }

    public var googleCalendarIDs: [String] { google.calendarOrder.filter { google.calendars[$0]?.isDeleted == false } }

    /// Adds an event (Google's JSON; `id` optional) and returns it as stored.
    @discardableResult
    public func addGoogleEvent(calendarID: String, _ event: JSONValue) throws(EmulatorError) -> JSONValue {
        try checkedCalendar(calendarID)
        var event = event
        if event["id"] == nil { event.set("id", .string(newGoogleEventID())) }
        guard google.calendars[calendarID]!.event(event["id"]!.stringValue ?? "") == nil else {
            throw EmulatorError("event \(event["id"]!.stringValue ?? "") already exists in \(calendarID)")
        }
        return storeGoogleEvent(event, in: calendarID, previous: nil)
    }

    /// Merges `changes` into an event (or creates the exception of a series instance).
    @discardableResult
    public func editGoogleEvent(
        calendarID: String, eventID: String, _ changes: JSONValue
    ) throws(EmulatorError)
        -> JSONValue
    {
        try checkedCalendar(calendarID)
        guard var current = currentOrVirtualInstance(calendarID: calendarID, eventID: eventID) else {
            throw EmulatorError("no event \(eventID) in \(calendarID)")
        }
        let previous = current
        current.merge(changes)
        current.set("id", .string(eventID))
        return storeGoogleEvent(current, in: calendarID, previous: previous)
    }

    /// Deletes an event; an instance id (`<master>_20260105T090000Z`) cancels that one
    /// instance; a series takes its exceptions with it.
    public func deleteGoogleEvent(calendarID: String, eventID: String) throws(EmulatorError) {
        try checkedCalendar(calendarID)
        let response = deleteGoogleEvent(
            EmulatorRequest(method: "DELETE", path: ""), calendarID: calendarID, eventID: eventID)
        guard response.status == 204 else {
            throw EmulatorError("cannot delete \(eventID) in \(calendarID): status \(response.status)")
        }
    }

    /// Moves one instance of a series to new times (an exception keeping its
    /// `originalStartTime`).
    @discardableResult
    public func moveGoogleInstance(
        calendarID: String, instanceID: String, start: JSONValue, end: JSONValue
    )
        throws(EmulatorError) -> JSONValue
    {
        guard instanceID.contains("_") else { throw EmulatorError("\(instanceID) is not an instance id") }
        return try editGoogleEvent(
            calendarID: calendarID, eventID: instanceID, .object([("start", start), ("end", end)]))
    }

    /// "This and following": the series ends before `at` (its rule gains an UNTIL) and a
    /// new series `<id>_R<stamp>` with a new iCalUID continues from `at`. Exceptions of
    /// the old series from `at` on are cancelled, as they no longer belong to it.
    @discardableResult
    public func splitGoogleSeries(
        calendarID: String, masterID: String, at split: Date
    ) throws(EmulatorError)
        -> JSONValue
    {
        try checkedCalendar(calendarID)
        guard let master = google.calendars[calendarID]!.event(masterID), master.isSeriesMaster,
            !master.isCancelled
        else { throw EmulatorError("no live series \(masterID) in \(calendarID)") }
        let calendar = google.calendars[calendarID]!
        let old = master.resource
        guard let oldStart = old["start"], let oldEnd = old["end"],
            let first = GoogleTime.instant(oldStart, calendarZone: calendar.timeZone),
            let last = GoogleTime.instant(oldEnd, calendarZone: calendar.timeZone), split > first
        else { throw EmulatorError("the split point must come after the series' first instance") }
        let zone = oldStart["timeZone"]?.stringValue.flatMap(TimeZone.init(identifier:)) ?? calendar.timeZone
        let rules = old["recurrence"]?.arrayValue?.compactMap(\.stringValue) ?? []

        let untilStamp = EmulatorClock.instanceStamp(split.addingTimeInterval(-1), allDay: false, zone: zone)
        var ended = old
        ended.set("recurrence", .array(rules.map { .string(Self.rule($0, until: untilStamp)) }))
        storeGoogleEvent(ended, in: calendarID, previous: old)

        for exceptionID in calendar.exceptionIDs(of: masterID) {
            guard let exception = google.calendars[calendarID]!.event(exceptionID), !exception.isCancelled,
                let original = exception.resource["originalStartTime"],
                let originalStart = GoogleTime.instant(original, calendarZone: zone), originalStart >= split
            else { continue }
            var cancelled = exception.resource
            cancelled.set("status", "cancelled")
            storeGoogleEvent(cancelled, in: calendarID, previous: exception.resource)
        }

        let allDay = GoogleTime.isAllDay(oldStart)
        let newID =
            masterID + "_R"
            + EmulatorClock.instanceStamp(split, allDay: allDay, zone: zone)
            .replacingOccurrences(of: "Z", with: "")
        let length = last.timeIntervalSince(first)
        var successor = old
        successor.set("id", .string(newID))
        successor.set("iCalUID", .string(newID + "@google.com"))
        successor.set("recurrence", .array(rules.map { .string(Self.rule($0, until: nil)) }))
        successor.set("start", GoogleTime.value(split, allDay: allDay, zone: zone))
        successor.set("end", GoogleTime.value(split.addingTimeInterval(length), allDay: allDay, zone: zone))
        return storeGoogleEvent(successor, in: calendarID, previous: nil)
    }

    /// Every sync token (and page token) of the calendar, or of all calendars and the
    /// calendar list, answers 410 `fullSyncRequired` from now on.
    public func expireGoogleSyncTokens(calendarID: String? = nil) throws(EmulatorError) {
        if let calendarID {
            try checkedCalendar(calendarID)
            google.calendars[calendarID]!.tokenGeneration += 1
        } else {
            for id in google.calendarOrder { google.calendars[id]!.tokenGeneration += 1 }
            google.listGeneration += 1
        }
    }

    /// The calendar's live events as the server holds them (the truth a synced store
    /// must equal): masters, exceptions (cancelled ones included) and single events.
    public func googleEvents(calendarID: String) throws(EmulatorError) -> [JSONValue] {
        try checkedCalendar(calendarID)
        let calendar = google.calendars[calendarID]!
        return calendar.sortedIDs.compactMap { id in
            guard let event = calendar.event(id) else { return nil }
            if event.isCancelled, event.recurringEventID == nil { return nil }
            return event.resource
        }
    }

    func checkedCalendar(_ calendarID: String) throws(EmulatorError) {
        guard google.calendars[calendarID] != nil else { throw EmulatorError("no Google calendar \(calendarID)") }
    }

    /// An RRULE line with its UNTIL replaced (and COUNT dropped), or both removed.
    static func rule(_ line: String, until: String?) -> String {
        guard line.uppercased().hasPrefix("RRULE:") else { return line }
        var parts = line.dropFirst(6).split(separator: ";").map(String.init).filter {
            !$0.uppercased().hasPrefix("UNTIL=") && !$0.uppercased().hasPrefix("COUNT=")
        }
        if let until { parts.append("UNTIL=" + until) }
        return "RRULE:" + parts.joined(separator: ";")
    }

}
