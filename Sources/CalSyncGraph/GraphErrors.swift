import CalSyncModel
import CalSyncRecurrence
import Foundation

/// Graph's HTTP failures → ``CalSyncError`` codes (docs/providers-graph.md "Errors and limits").
enum GraphErrors {
    /// Error codes that mean the delta link is dead, compared case-insensitively (the docs
    /// write `syncStateNotFound`, the service sends `SyncStateNotFound`).
    static let expiredCursorCodes: Set<String> = ["syncstatenotfound", "resyncrequired", "syncstateinvalid"]

    /// - Parameters:
    ///   - storedLink: the request was a nextLink or deltaLink we kept, so a 400 means the
    ///     link is unusable (evolution-ews does the same).
    static func error(_ response: HTTPResponse, storedLink: Bool, now: Date) -> CalSyncError {
        let body = try? JSONDecoder().decode(GraphWire.ErrorBody.self, from: response.body)
        let code = body?.error.code
        let message = body?.error.message ?? "no error message"
        let line = "HTTP \(response.status)\(code.map { " \($0)" } ?? ""): \(message)"
        let retryAfter = RetryAfter.parse(response.header("Retry-After"), now: now)
        let expired = code.map { expiredCursorCodes.contains($0.lowercased()) } ?? false
        switch response.status {
        case 401:
            return CalSyncError(.unauthorized, line, httpStatus: 401)
        case 410:
            return CalSyncError(.cursorExpired, line, httpStatus: 410)
        case 400 where storedLink:
            return CalSyncError(.cursorExpired, line, httpStatus: 400)
        case 400..<500 where expired:
            return CalSyncError(.cursorExpired, line, httpStatus: response.status)
        case 429, 503, 504:
            return CalSyncError(.rateLimited, line, httpStatus: response.status, retryAfter: retryAfter)
        case 404:
            return CalSyncError(.notFound, line, httpStatus: 404)
        case 409, 412:
            return CalSyncError(.conflict, line, httpStatus: response.status)
        case 500...:
            return CalSyncError(.server, line, httpStatus: response.status, retryAfter: retryAfter)
        default:
            return CalSyncError(.http, line, httpStatus: response.status)
        }
    }
}
