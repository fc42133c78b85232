import CalSyncModel
import Foundation

/// Graph's answers to a write → ``CalSyncError`` codes (docs/providers-graph.md "Writes").
/// Throttling, 401 and 5xx read as for reads (``GraphErrors``); what only a write meets is
/// told apart here.
enum GraphWriteErrors {
    /// Codes of a 403 that mean the token may not write (Graph does not tell a missing
    /// `Calendars.ReadWrite` from a calendar shared read-only: both are "access denied").
    static let deniedCodes: Set<String> = ["erroraccessdenied", "accessdenied"]

    static func error(_ response: HTTPResponse, now: Date) -> CalSyncError {
        let read = GraphErrors.error(response, storedLink: false, now: now)
        let body = try? JSONDecoder().decode(GraphWire.ErrorBody.self, from: response.body)
        let code = body?.error.code?.lowercased() ?? ""
        switch response.status {
        case 403 where deniedCodes.contains(code):
            return CalSyncError(
                .missingScope,
                read.message + " — the account may not write to this calendar: set `write = true` for it and run "
                    + "`calsyncctl login NAME` again (Calendars.ReadWrite), or check the calendar is not shared read-only",
                httpStatus: 403)
        case 410:
            return CalSyncError(.notFound, read.message, httpStatus: 410)
        case 400..<500 where read.code == .http || read.code == .cursorExpired:
            // 400 ErrorInvalidRequest, ErrorOccurrenceCrossingBoundary, 403 other …: the
            // same request can never succeed.
            return CalSyncError(.refused, read.message, httpStatus: response.status)
        default:
            return read
        }
    }
}
