import CalSyncModel
public import Foundation
import GRDB

/// The outbox for a program other than the daemon (`calsyncctl event …`, `outbox retry`):
/// a plain read-write connection to an existing store, as any program with write access
/// would open. It takes no writer lock (the daemon holds it): SQLite serialises the
/// writes, and the daemon notices new rows within a second (docs/write-back.md).
public final class OutboxClient: Sendable {
    public let path: String
    private let queue: DatabaseQueue

    /// Opens the store read-write.
    /// - Throws: ``CalSyncError`` `.store` when there is no store, it is not writable by
    ///   this user, or it is older than the outbox (calsyncd upgrades it when it starts).
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw CalSyncError(.store, "there is no store at \(path) yet (calsyncd creates it when it first starts)")
        }
        guard access(path, W_OK) == 0 else {
            throw CalSyncError(
                .store,
                "you may not write the store \(path): queue writes as root or as the user calsyncd runs as")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "calsync-outbox-client"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let version = try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
            let hasOutbox = try queue.read { db in
                try db.columns(in: "outbox").contains { $0.name == "client_key" }
            }
            guard hasOutbox else {
                throw CalSyncError(
                    .store,
                    "the store \(path) is schema version \(version), older than write-back: start calsyncd once "
                        + "to upgrade it")
            }
        } catch let error as CalSyncError {
            throw error
        } catch {
            throw CalSyncError(.store, StoreErrorMessage.line("cannot open the store \(path)", error))
        }
    }

    public func enqueue(_ request: OutboxRequest, now: Date = Date()) throws -> OutboxRow {
        try write { db in try OutboxTable.enqueue(db, request, now: Timestamp.string(from: now)) }
    }

    /// One row by id (what `--wait` reads until the row ends).
    public func row(id: Int64) throws -> OutboxRow? {
        do {
            return try queue.read { db in try OutboxTable.row(db, id: id) }
        } catch {
            throw CalSyncError(.store, StoreErrorMessage.line("the store \(path) could not be read", error))
        }
    }

    public func retry(id: Int64, force: Bool, now: Date = Date()) throws -> OutboxRow {
        try write { db in try OutboxTable.retry(db, id: id, force: force, now: Timestamp.string(from: now)) }
    }

    public func drop(id: Int64) throws -> OutboxRow {
        try write { db in try OutboxTable.drop(db, id: id) }
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.write(body)
        } catch let error as CalSyncError {
            throw error
        } catch {
            throw CalSyncError(.store, StoreErrorMessage.line("the store \(path) could not be written", error))
        }
    }
}
