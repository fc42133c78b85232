import CalSyncModel
import GRDB

/// Tells whether another connection committed to the store since the last look:
/// `PRAGMA data_version` on a connection of its own (docs/write-back.md "How the daemon
/// notices new rows"). Asking costs no I/O beyond the shared-memory index SQLite reads
/// anyway, so the outbox pusher can ask every 200 ms and hear of a row a program inserted
/// well within a second. Commits of the daemon's own writer count too (they are another
/// connection): the pusher then looks for pending rows, which is one indexed query.
public final class StoreChangeWatcher: Sendable {
    private let queue: DatabaseQueue

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "calsync-change-watcher"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw CalSyncError(.store, StoreErrorMessage.line("cannot open the store \(path)", error))
        }
    }

    /// The connection's `PRAGMA data_version`: it changes when another connection commits.
    public func dataVersion() throws -> Int {
        do {
            return try queue.inDatabase { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        } catch {
            throw CalSyncError(.store, StoreErrorMessage.line("cannot read the store", error))
        }
    }
}
