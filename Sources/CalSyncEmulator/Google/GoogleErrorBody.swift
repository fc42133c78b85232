import CalSyncEmulatorCalendars
import CalSyncEmulatorServer

/// Google's error responses, in the shapes of the recorded fixtures
/// (`{"error":{"errors":[{"domain","reason","message",…}],"code","message"}}`).
enum GoogleErrorBody {
    static func response(
        _ status: Int, reason: String, message: String, domain: String = "global",
        location: (type: String, name: String)? = nil, headers: [(name: String, value: String)] = []
    ) -> EmulatorResponse {
        var detail: JSONValue = .object([
            ("domain", .string(domain)), ("reason", .string(reason)), ("message", .string(message)),
        ])
        if let location {
            detail.set("locationType", .string(location.type))
            detail.set("location", .string(location.name))
        }
        let body: JSONValue = .object([
            (
                "error",
                .object([
                    ("errors", .array([detail])), ("code", .number(Double(status))), ("message", .string(message)),
                ])
            )
        ])
        return .json(status, body, headers: headers)
    }

    static func fullSyncRequired() -> EmulatorResponse {
        response(
            410, reason: "fullSyncRequired", message: "Sync token is no longer valid, a full sync is required.",
            domain: "calendar", location: ("parameter", "syncToken"))
    }

    static func invalidValue(_ parameter: String? = nil) -> EmulatorResponse {
        response(400, reason: "invalid", message: "Invalid Value", location: parameter.map { ("parameter", $0) })
    }

    static func badRequest(_ message: String) -> EmulatorResponse {
        response(400, reason: "badRequest", message: message)
    }

    static func invalidCredentials() -> EmulatorResponse {
        response(
            401, reason: "authError", message: "Invalid Credentials", location: ("header", "Authorization"),
            headers: [(name: "WWW-Authenticate", value: "Bearer realm=\"https://accounts.google.com/\"")])
    }

    /// No credentials at all: the recorded UNAUTHENTICATED shape.
    static func loginRequired() -> EmulatorResponse {
        let body: JSONValue = .object([
            (
                "error",
                .object([
                    ("code", 401),
                    (
                        "message",
                        "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
                    ),
                    (
                        "errors",
                        .array([
                            .object([
                                ("message", "Login Required."), ("domain", "global"), ("reason", "required"),
                                ("location", "Authorization"), ("locationType", "header"),
                            ])
                        ])
                    ),
                    ("status", "UNAUTHENTICATED"),
                ])
            )
        ])
        return .json(401, body)
    }

    static func notFound() -> EmulatorResponse {
        response(404, reason: "notFound", message: "Not Found")
    }

    static func deleted() -> EmulatorResponse {
        response(410, reason: "deleted", message: "Resource has been deleted")
    }

    static func duplicate() -> EmulatorResponse {
        response(409, reason: "duplicate", message: "The requested identifier already exists.")
    }

    static func conditionNotMet() -> EmulatorResponse {
        response(412, reason: "conditionNotMet", message: "Precondition Failed", location: ("header", "If-Match"))
    }

    static func forbidden(_ message: String = "Forbidden") -> EmulatorResponse {
        response(403, reason: "forbidden", message: message)
    }

    /// The body of an injected fault's status, as Google would word it.
    static func injected(_ status: Int, retryAfter: String?) -> EmulatorResponse {
        let headers = retryAfter.map { [(name: "Retry-After", value: $0)] } ?? []
        switch status {
        case 401: return invalidCredentials()
        case 403:
            return response(
                403, reason: "rateLimitExceeded", message: "Rate Limit Exceeded", domain: "usageLimits",
                headers: headers)
        case 429:
            return response(
                429, reason: "rateLimitExceeded", message: "Rate Limit Exceeded", domain: "usageLimits",
                headers: headers)
        case 410: return fullSyncRequired()
        case 500..<600:
            return response(status, reason: "backendError", message: "Backend Error", headers: headers)
        default:
            return response(status, reason: "injected", message: "Injected fault \(status)", headers: headers)
        }
    }
}
