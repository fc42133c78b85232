import CalSyncModel
import Foundation

/// Google's answers to a write → ``CalSyncError`` codes (docs/providers-google.md "Writes").
/// Throttling, quotas, 401 and 5xx read as for reads (``GoogleErrors``); what only a write
/// meets is told apart here.
enum GoogleWriteErrors {
    /// Reasons of a 403 that mean the token's scopes do not allow the write.
    static let scopeReasons: Set<String> = ["insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"]

    static func error(_ response: HTTPResponse, now: Date) -> CalSyncError {
        let read = GoogleErrors.error(response, withSyncToken: false, now: now)
        let body = try? JSONDecoder().decode(GoogleWire.ErrorBody.self, from: response.body)
        let reasons = Set(
            (body?.error.errors ?? []).compactMap(\.reason) + (body?.error.details ?? []).compactMap(\.reason))
        switch response.status {
        case 403 where !reasons.isDisjoint(with: scopeReasons):
            return CalSyncError(
                .missingScope,
                read.message + " — the account is signed in without write access: set `write = true` for it "
                    + "and run `calsyncctl login NAME` again",
                httpStatus: 403)
        case 410:
            // `deleted`: the event is gone (not a sync token's end, as on a list).
            return CalSyncError(.notFound, read.message, httpStatus: 410)
        case 400..<500 where read.code == .http:
            // 400 invalid values, 403 forbidden (not a calendar writer, organizer-only
            // fields), 405 …: the same request can never succeed.
            return CalSyncError(.refused, read.message, httpStatus: response.status)
        default:
            return read
        }
    }
}
