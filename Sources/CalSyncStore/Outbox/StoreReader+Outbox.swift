import GRDB

/// The outbox as `calsyncctl outbox` and `status` read it (read-only).
extension StoreReader {
    /// The rows that are not done, oldest first.
    public func openWrites(accountID: String? = nil) throws -> [OutboxRow] {
        try read { db in
            guard try db.tableExists("outbox") else { return [] }
            return try OutboxTable.openRows(db, accountID: accountID)
        }
    }

    /// One row by id.
    public func outboxRow(id: Int64) throws -> OutboxRow? {
        try read { db in try OutboxTable.row(db, id: id) }
    }

    /// Per account: pending, conflicting and failed writes.
    public func writeCounts() throws -> [String: OutboxCounts] {
        try read { db in
            guard try db.tableExists("outbox") else { return [:] }
            return try OutboxTable.counts(db)
        }
    }
}
