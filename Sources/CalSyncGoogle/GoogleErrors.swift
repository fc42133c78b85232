import CalSyncModel
import Foundation

/// Google's HTTP failures → ``CalSyncError`` codes (docs/providers-google.md "Errors and limits").
enum GoogleErrors {
    /// - Parameters:
    ///   - withSyncToken: the request carried a sync token, so a 400 "invalid" means the
    ///     token is unusable.
    ///   - now: for `dailyLimitExceeded`, which lasts until midnight Pacific time.
    static func error(_ response: HTTPResponse, withSyncToken: Bool, now: Date) -> CalSyncError {
        let body = try? JSONDecoder().decode(GoogleWire.ErrorBody.self, from: response.body)
        let reason = body?.error.errors?.first?.reason
        let message = body?.error.message ?? body?.error.errors?.first?.message ?? "no error message"
        let line = "HTTP \(response.status)\(reason.map { " \($0)" } ?? ""): \(message)"
        let retryAfter = RetryAfter.parse(response.header("Retry-After"), now: now)
        switch (response.status, reason) {
        case (401, _):
            return CalSyncError(.unauthorized, line, httpStatus: 401)
        case (410, _):
            return CalSyncError(.cursorExpired, line, httpStatus: 410)
        case (400, "invalid") where withSyncToken, (400, "invalidSyncToken"):
            return CalSyncError(.cursorExpired, line, httpStatus: 400)
        case (403, "rateLimitExceeded"), (403, "userRateLimitExceeded"), (429, _):
            return CalSyncError(.rateLimited, line, httpStatus: response.status, retryAfter: retryAfter)
        case (403, "quotaExceeded"):
            // Calendar usage limits last hours; try again in one.
            return CalSyncError(.quotaExceeded, line, httpStatus: 403, retryAfter: retryAfter ?? .seconds(3600))
        case (403, "dailyLimitExceeded"):
            return CalSyncError(.quotaExceeded, line, httpStatus: 403, retryAfter: untilPacificMidnight(now))
        case (404, _):
            return CalSyncError(.notFound, line, httpStatus: 404)
        case (409, _), (412, _):
            return CalSyncError(.conflict, line, httpStatus: response.status)
        case (500..., _):
            return CalSyncError(.server, line, httpStatus: response.status, retryAfter: retryAfter)
        default:
            return CalSyncError(.http, line, httpStatus: response.status)
        }
    }

    /// The time left until the next midnight in America/Los_Angeles, when Google's daily
    /// quotas reset.
    static func untilPacificMidnight(_ now: Date) -> Duration {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/Los_Angeles")!
        let midnight = calendar.nextDate(
            after: now, matching: DateComponents(hour: 0, minute: 0, second: 0), matchingPolicy: .nextTime)
        return .seconds(Int64((midnight ?? now.addingTimeInterval(86_400)).timeIntervalSince(now).rounded(.up)))
    }
}
