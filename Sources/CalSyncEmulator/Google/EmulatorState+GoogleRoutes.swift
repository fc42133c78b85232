import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// Routes Google Calendar API v3 requests and checks who may make them.
extension EmulatorState {
    /// Who is calling: a signed-in user (bearer token), or an API key (public calendars only).
    enum GoogleCaller {
        case user(String)
        case apiKey
    }

    func handleGoogle(_ request: EmulatorRequest, segments: [String]) -> EmulatorResponse {
        let caller: GoogleCaller
        if let authorization = request.header("Authorization") {
            guard authorization.hasPrefix("Bearer "),
                let user = identity.user(
                    forAccessToken: String(authorization.dropFirst(7)), provider: .google, now: clock())
            else { return GoogleErrorBody.invalidCredentials() }
            caller = .user(user)
        } else if let key = request.parameter("key") {
            guard google.apiKeys.contains(key) else {
                return GoogleErrorBody.response(
                    400, reason: "badRequest", message: "API key not valid. Please pass a valid API key.")
            }
            caller = .apiKey
        } else {
            return GoogleErrorBody.loginRequired()
        }
        let user: String? = if case .user(let email) = caller { email } else { nil }

        // users/me/calendarList needs a user.
        if segments.starts(with: ["users", "me", "calendarList"]) {
            guard let user else { return GoogleErrorBody.loginRequired() }
            if segments.count == 3, request.method == "GET" { return listGoogleCalendars(request, user: user) }
            if segments.count == 4, request.method == "GET" {
                guard let calendar = google.calendars[google.resolve(segments[3], user: user)],
                    calendar.owner == user || calendar.isPublic
                else { return GoogleErrorBody.notFound() }
                return .json(200, googleCalendarListEntry(calendar))
            }
            return GoogleErrorBody.notFound()
        }
        guard segments.count >= 2, segments[0] == "calendars" else { return GoogleErrorBody.notFound() }
        let calendarID = google.resolve(segments[1], user: user)
        guard let calendar = google.calendars[calendarID] else { return GoogleErrorBody.notFound() }
        switch caller {
        case .apiKey:
            // Google answers 404 for a private calendar read with a key, not 403.
            guard calendar.isPublic else { return GoogleErrorBody.notFound() }
            guard request.method == "GET" else { return GoogleErrorBody.loginRequired() }
        case .user(let email):
            if let refusal = googleWriteRefusal(request) { return refusal }
            guard calendar.owner == email || calendar.isPublic else { return GoogleErrorBody.notFound() }
            if request.method != "GET", calendar.owner != email {
                return GoogleErrorBody.forbidden("You need to have writer access to this calendar.")
            }
        }

        switch (request.method, segments.count) {
        case ("GET", 2): return getGoogleCalendar(calendarID)
        case ("GET", 3) where segments[2] == "events": return listGoogleEvents(request, calendarID: calendarID)
        case ("POST", 3) where segments[2] == "events":
            return insertGoogleEvent(calendarID: calendarID, body: request.body)
        case ("GET", 4) where segments[2] == "events":
            return getGoogleEvent(calendarID: calendarID, eventID: segments[3])
        case ("PUT", 4) where segments[2] == "events":
            return writeGoogleEvent(request, calendarID: calendarID, eventID: segments[3], merge: false)
        case ("PATCH", 4) where segments[2] == "events":
            return writeGoogleEvent(request, calendarID: calendarID, eventID: segments[3], merge: true)
        case ("DELETE", 4) where segments[2] == "events":
            return deleteGoogleEvent(request, calendarID: calendarID, eventID: segments[3])
        default:
            return GoogleErrorBody.notFound()
        }
    }
}
