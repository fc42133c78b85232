import CalSyncModel
import CalSyncRecurrence
import Foundation
import GRDB
import GRDBSQLite

/// The one line a store failure is told with.
///
/// GRDB's own description of a `DatabaseError` carries the failing SQL statement, which
/// for a page is several lines long: a full disk came out in the journal as a multi-line
/// dump that did not say "disk full" up front (found by `scripts/chaos --only disk`).
/// This keeps SQLite's code and message, names the cause in plain words for the failures
/// an administrator can fix (space, permissions, a read-only file system), and drops the
/// statement.
enum StoreErrorMessage {
    /// `what` names the operation and the file: "the store /var/lib/calsync/calsync.db could not be written".
    static func line(_ what: String, _ error: any Error) -> String {
        guard let error = error as? DatabaseError else {
            return "\(what): \(String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " "))"
        }
        let detail = (error.message ?? "SQLite error \(error.resultCode.rawValue)")
            .split(whereSeparator: \.isNewline).joined(separator: " ")
        switch error.resultCode {
        case .SQLITE_FULL:
            return "\(what): disk full (no space left on the store's file system; SQLite: \(detail))"
        case .SQLITE_READONLY:
            return "\(what): read-only (SQLite: \(detail))"
        case .SQLITE_CANTOPEN, .SQLITE_PERM:
            return "\(what): not accessible (SQLite: \(detail))"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return "\(what): the file is damaged (SQLite: \(detail)); restore a backup"
        default:
            return "\(what): SQLite error \(error.extendedResultCode.rawValue): \(detail)"
        }
    }
}
