import GRDB

extension StoreSchema {
    /// The outbox migration (write-back, docs/write-back.md): the `outbox` table of version 1
    /// rebuilt to the contract. It gains `client_key` (the idempotency key of a create, chosen
    /// before the first attempt), `attempts`, `notify` (`--notify`: the provider tells the
    /// attendees) and the state `sent`, which a CHECK constraint lists: SQLite cannot change a
    /// constraint in place, so the table is copied aside, dropped, created again and filled
    /// from the copy (as v5 did, without `ALTER TABLE … RENAME`). Rows written before (no
    /// daemon pushed them) stay `pending`.
    ///
    /// Registered as one line in ``migrator``; `version` is the schema version it sets.
    static func migrateOutbox(_ db: Database, version: Int) throws {
        try db.execute(sql: outboxMigration)
        try db.execute(sql: "PRAGMA user_version = \(version)")
    }

    static let outboxMigration = """
        CREATE TABLE outbox_v1 AS SELECT * FROM outbox;
        DROP TABLE outbox;
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            account_id TEXT NOT NULL,
            calendar_id TEXT NOT NULL,
            op TEXT NOT NULL CHECK (op IN ('create', 'update', 'delete')),
            event_id TEXT,
            payload TEXT,
            if_etag TEXT,
            client_key TEXT,
            notify INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'sent', 'done', 'conflict', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            result_event_id TEXT,
            error TEXT,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        INSERT INTO outbox(id, account_id, calendar_id, op, event_id, payload, if_etag, state, result_event_id,
            error, created_at, updated_at)
            SELECT id, account_id, calendar_id, op, event_id, payload, if_etag, state, result_event_id, error,
                created_at, updated_at
            FROM outbox_v1;
        DROP TABLE outbox_v1;
        CREATE INDEX outbox_open ON outbox(account_id, id) WHERE state IN ('pending', 'sent');
        """
}
