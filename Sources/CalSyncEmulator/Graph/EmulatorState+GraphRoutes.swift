import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// Routes Microsoft Graph v1.0 requests (`/v1.0/me/…`) after checking the bearer token.
extension EmulatorState {
    func handleGraph(_ request: EmulatorRequest, segments: [String]) -> EmulatorResponse {
        guard let authorization = request.header("Authorization"), authorization.hasPrefix("Bearer "),
            let user = identity.user(
                forAccessToken: String(authorization.dropFirst(7)), provider: .microsoft, now: clock())
        else { return GraphErrorBody.invalidToken() }
        if segments == ["$batch"], request.method == "POST" { return graphBatch(request) }
        guard segments.first == "me", segments.count >= 2 else { return GraphErrorBody.notFound() }
        let path = graphCanonicalPath(Array(segments.dropFirst()))
        let method = request.method

        switch path.first {
        case "mailboxSettings" where path.count == 1 && method == "GET":
            return graphMailboxSettings(user: user)
        case "calendars" where path.count == 1 && method == "GET":
            return listGraphCalendars(user: user)
        case "events":
            return handleGraphEvents(request, calendarID: nil, path: Array(path.dropFirst()), user: user)
        case "calendars":
            let calendarID = path[1]
            guard graph.calendars[calendarID] != nil else { return GraphErrorBody.notFound() }
            let rest = Array(path.dropFirst(2))
            switch rest.map({ $0.lowercased() }) {
            case [] where method == "GET": return getGraphCalendar(calendarID, user: user)
            case ["calendarview", "delta"] where method == "GET":
                return graphCalendarViewDelta(request, calendarID: calendarID)
            case _ where rest.first == "events":
                return handleGraphEvents(request, calendarID: calendarID, path: Array(rest.dropFirst()), user: user)
            default: return GraphErrorBody.notFound()
            }
        default:
            return GraphErrorBody.notFound()
        }
    }

    /// `me/calendar/…` and `me/calendarView/…` are the default calendar's.
    func graphCanonicalPath(_ path: [String]) -> [String] {
        guard let defaultID = graph.defaultCalendarID else { return path }
        switch path.first?.lowercased() {
        case "calendar": return ["calendars", defaultID] + path.dropFirst()
        case "calendarview": return ["calendars", defaultID] + path
        default: return path
        }
    }

    /// `events`, `events/{id}`, `events/{id}/instances`, of one calendar or (`me/events`)
    /// of whichever calendar holds the id.
    func handleGraphEvents(
        _ request: EmulatorRequest, calendarID: String?, path: [String], user: String
    ) -> EmulatorResponse {
        if let refusal = graphWriteRefusal(request) { return refusal }
        if path.isEmpty {
            guard request.method == "POST" else { return GraphErrorBody.notFound() }
            guard let target = calendarID ?? graph.defaultCalendarID else { return GraphErrorBody.notFound() }
            return createGraphEvent(request, calendarID: target, user: user)
        }
        let eventID = path[0]
        guard let holder = calendarID ?? graph.calendarID(holding: eventID),
            graph.calendarID(holding: eventID) == holder
        else { return GraphErrorBody.notFound() }
        switch (request.method, path.count) {
        case ("GET", 1): return getGraphEvent(request, calendarID: holder, eventID: eventID, user: user)
        case ("GET", 2) where path[1] == "instances":
            return graphInstances(request, calendarID: holder, masterID: eventID, user: user)
        case ("PATCH", 1): return patchGraphEvent(request, calendarID: holder, eventID: eventID, user: user)
        case ("DELETE", 1):
            guard deleteGraphItem(calendarID: holder, eventID: eventID) else { return GraphErrorBody.notFound() }
            return EmulatorResponse(status: 204)
        default: return GraphErrorBody.notFound()
        }
    }

    /// The service root links and contexts are built on (`http://127.0.0.1:PORT/v1.0`).
    var graphRoot: String {
        let base =
            options.graphBasePath.hasSuffix("/") ? String(options.graphBasePath.dropLast()) : options.graphBasePath
        return baseURL + base
    }

    /// How the request's `Prefer` headers want events rendered, and the preferences applied
    /// (for `Preference-Applied`): `outlook.timezone="…"` when it names a zone the emulator
    /// knows, `outlook.body-content-type="text"` (or `"html"`, the default).
    func graphOutput(_ request: EmulatorRequest) -> (output: GraphEventResource.Output, applied: String?) {
        var output = GraphEventResource.Output.utc
        var applied: [String] = []
        for preference in request.headerValues("Prefer") {
            let parts = preference.splitting("=", maxSplits: 1).map {
                $0.trimmingSpacesAndTabs
            }
            guard parts.count == 2 else { continue }
            let value = parts[1].trimming(CharacterSet(charactersIn: "\""))
            switch parts[0].lowercased() {
            case "outlook.timezone":
                guard let zone = GraphTime.zone(named: value) else { continue }
                output.zone = zone
                output.name = value
                applied.append("outlook.timezone=\"\(value)\"")
            case "outlook.body-content-type":
                let type = value.lowercased()
                guard type == "text" || type == "html" else { continue }
                output.textBodies = type == "text"
                applied.append("outlook.body-content-type=\"\(type)\"")
            default:
                continue
            }
        }
        return (output, applied.isEmpty ? nil : applied.joined(separator: ", "))
    }

    static func percentEncodedSegment(_ segment: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/+")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}
