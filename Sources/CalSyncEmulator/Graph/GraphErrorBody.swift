import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// Microsoft Graph's error responses (`{"error":{"code","message","innerError":{…}}}`),
/// in the shapes of the recorded fixtures.
enum GraphErrorBody {
    static func response(
        _ status: Int, code: String, message: String, headers: [(name: String, value: String)] = []
    ) -> EmulatorResponse {
        let inner: JSONValue = .object([
            ("date", .string(String(EmulatorClock.rfc3339(Date()).prefix(19)))),
            ("request-id", .string(UUID().uuidString.lowercased())),
            ("client-request-id", .string(UUID().uuidString.lowercased())),
        ])
        let body: JSONValue = .object([
            ("error", .object([("code", .string(code)), ("message", .string(message)), ("innerError", inner)]))
        ])
        return .json(status, body, headers: headers)
    }

    static func invalidToken() -> EmulatorResponse {
        response(
            401, code: "InvalidAuthenticationToken", message: "Access token has expired or is not yet valid.",
            headers: [(name: "WWW-Authenticate", value: "Bearer realm=\"\", error=\"invalid_token\"")])
    }

    static func syncStateNotFound() -> EmulatorResponse {
        response(
            410, code: "SyncStateNotFound",
            message: "The sync state generation is not found; the delta token is expired or superseded.")
    }

    static func notFound(_ what: String = "The specified object was not found in the store.") -> EmulatorResponse {
        response(404, code: "ErrorItemNotFound", message: what)
    }

    static func badRequest(_ message: String) -> EmulatorResponse {
        response(400, code: "ErrorInvalidRequest", message: message)
    }

    /// The body of an injected fault's status, as Graph would word it.
    static func injected(_ status: Int, retryAfter: String?) -> EmulatorResponse {
        let headers = retryAfter.map { [(name: "Retry-After", value: $0)] } ?? []
        switch status {
        case 401: return invalidToken()
        case 410: return syncStateNotFound()
        case 429:
            return response(
                429, code: "ApplicationThrottled",
                message: "Application is over its MailboxConcurrency limit.", headers: headers)
        case 503:
            return response(
                503, code: "ServiceUnavailable", message: "Service is temporarily unavailable.", headers: headers)
        case 504: return response(504, code: "GatewayTimeout", message: "Gateway timeout.", headers: headers)
        case 500..<600:
            return response(status, code: "InternalServerError", message: "Internal server error.", headers: headers)
        default: return response(status, code: "InjectedFault", message: "Injected fault \(status).", headers: headers)
        }
    }
}
