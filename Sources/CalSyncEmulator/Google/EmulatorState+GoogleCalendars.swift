import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// `users/me/calendarList` (with sync tokens and deleted entries) and `calendars/{id}`.
extension EmulatorState {
    func googleCalendarListEntry(_ calendar: GoogleCalendarRecord) -> JSONValue {
        if calendar.isDeleted {
            return .object([
                ("kind", "calendar#calendarListEntry"), ("etag", .string("\"\(calendar.listChangeNumber)\"")),
                ("id", .string(calendar.id)), ("deleted", true),
            ])
        }
        var entry: JSONValue = .object([
            ("kind", "calendar#calendarListEntry"), ("etag", .string("\"\(calendar.listChangeNumber)\"")),
            ("id", .string(calendar.id)), ("summary", .string(calendar.summary)),
        ])
        if !calendar.description.isEmpty { entry.set("description", .string(calendar.description)) }
        entry.set("timeZone", .string(calendar.timeZone.name))
        entry.set("colorId", .string(calendar.colorID))
        entry.set("backgroundColor", "#9fc6e7")
        entry.set("foregroundColor", "#000000")
        entry.set("selected", true)
        entry.set("accessRole", .string(calendar.accessRole))
        entry.set("defaultReminders", .array([.object([("method", "popup"), ("minutes", 10)])]))
        entry.set(
            "conferenceProperties", .object([("allowedConferenceSolutionTypes", .array(["hangoutsMeet"]))]))
        if calendar.isPrimary { entry.set("primary", true) }
        return entry
    }

    func listGoogleCalendars(_ request: EmulatorRequest, user: String) -> EmulatorResponse {
        let maxResults = min(Int(request.parameter("maxResults") ?? "") ?? 100, 250)
        guard maxResults > 0 else { return GoogleErrorBody.invalidValue("maxResults") }
        let showDeleted = request.parameter("showDeleted") == "true"
        var since: Int?
        var start = 0
        var snapshot = google.lastChangeNumber
        if let syncToken = request.parameter("syncToken") {
            guard let token = GoogleListToken(decoding: syncToken), token.kind == .sync,
                token.scope == "calendarList"
            else { return GoogleErrorBody.invalidValue() }
            guard token.generation == google.listGeneration else { return GoogleErrorBody.fullSyncRequired() }
            since = token.changeNumber
        }
        if let pageToken = request.parameter("pageToken") {
            guard let token = GoogleListToken(decoding: pageToken), token.kind != .sync,
                token.scope == "calendarList", let position = Int(token.position)
            else { return GoogleErrorBody.invalidValue("pageToken") }
            start = position
            snapshot = token.changeNumber
            if token.kind == .incrementPage { since = token.base }
        }
        let visible = google.calendarOrder.compactMap { google.calendars[$0] }.filter { calendar in
            guard calendar.owner == user || calendar.isPublic else { return false }
            if let since { return calendar.listChangeNumber > since }
            return !calendar.isDeleted || showDeleted
        }
        let page = visible.dropFirst(start).prefix(maxResults)
        var body: JSONValue = .object([("kind", "calendar#calendarList"), ("etag", .string("\"\(snapshot)\""))])
        if start + page.count < visible.count {
            let next = GoogleListToken(
                kind: since == nil ? .fullPage : .incrementPage, scope: "calendarList",
                generation: google.listGeneration, changeNumber: snapshot, position: String(start + page.count),
                base: since ?? 0)
            body.set("nextPageToken", .string(next.encoded))
        } else {
            let sync = GoogleListToken(
                kind: .sync, scope: "calendarList", generation: google.listGeneration, changeNumber: snapshot)
            body.set("nextSyncToken", .string(sync.encoded))
        }
        body.set("items", .array(page.map(googleCalendarListEntry)))
        return .json(200, body)
    }

    func getGoogleCalendar(_ calendarID: String) -> EmulatorResponse {
        guard let calendar = google.calendars[calendarID], !calendar.isDeleted else {
            return GoogleErrorBody.notFound()
        }
        var body: JSONValue = .object([
            ("kind", "calendar#calendar"), ("etag", .string("\"\(calendar.listChangeNumber)\"")),
            ("id", .string(calendar.id)), ("summary", .string(calendar.summary)),
        ])
        if !calendar.description.isEmpty { body.set("description", .string(calendar.description)) }
        body.set("timeZone", .string(calendar.timeZone.name))
        body.set(
            "conferenceProperties", .object([("allowedConferenceSolutionTypes", .array(["hangoutsMeet"]))]))
        return .json(200, body)
    }
}
