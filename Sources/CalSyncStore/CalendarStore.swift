public import CalSyncModel
import CalSyncRecurrence
public import Foundation
import GRDB
import GRDBSQLite
public import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The store's single writer: opens (creates, migrates) the SQLite file and applies what
/// the sync engine hands it, each step in one transaction.
///
/// The file follows the public contract in docs/store.md: WAL with a persistent `-wal`
/// and `-shm` (so read-only readers work while the daemon is stopped), mode 0640 in a
/// 0750 directory, `PRAGMA user_version` = schema version. Writes run on GRDB's writer
/// queue, awaited, never on the cooperative thread pool.
public final class CalendarStore: Sendable {
    public let path: String
    /// The page cache of each of the store's connections, in KiB.
    static let pageCacheKiB = 4096
    let pool: DatabasePool
    let expander: any OccurrenceExpanding
    let logger: Logger
    /// `PRAGMA journal_size_limit`, and the `-wal` size past which a poll ends with a
    /// TRUNCATE checkpoint (``truncateLargeWAL()``).
    let walSizeLimit: Int
    /// The most occurrences one calendar may hold (``defaultMaximumOccurrencesPerCalendar``);
    /// past it, no more are written for that calendar (docs/resilience.md "Limits").
    public let maximumOccurrencesPerCalendar: Int
    private let lock: WriterLock
    /// The events listed calendars' pages read, kept across pages (issue 18).
    let listedEvents = ListedEventCache()
    /// 64 MiB: a 100,000-event first listing writes more than that to the WAL, an ordinary
    /// poll a few pages (docs/store.md "The WAL").
    public static let defaultWALSizeLimit = 64 << 20
    /// 5,000,000: the benchmark calendar (100,000 events, 1.48 M occurrences) fits three
    /// times over; a calendar of endless daily series from a broken or hostile server
    /// stops there (about 1 GB of store) instead of filling the disk.
    public static let defaultMaximumOccurrencesPerCalendar = 5_000_000
    /// The writer's busy timeout (GRDB's `busyMode`), in milliseconds.
    static let busyTimeoutMilliseconds: Int32 = 10_000

    /// Opens the store at `path` for writing, creating the file and its directory if needed.
    /// - Parameter writerName: recorded in `meta.writer` (`calsyncd 0.1.0`).
    /// - Throws: ``CalSyncError`` `.storeLocked` when another process writes this store,
    ///   `.store` when the file cannot be opened or migrated.
    public init(
        path: String, writerName: String, expander: any OccurrenceExpanding, logger: Logger,
        walSizeLimit: Int = CalendarStore.defaultWALSizeLimit,
        maximumOccurrencesPerCalendar: Int = CalendarStore.defaultMaximumOccurrencesPerCalendar
    ) throws {
        self.path = path
        self.walSizeLimit = walSizeLimit
        self.maximumOccurrencesPerCalendar = max(0, maximumOccurrencesPerCalendar)
        self.expander = expander
        self.logger = logger
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            } catch {
                throw CalSyncError(
                    .store, "cannot create the store directory \(directory): \(error.localizedDescription)")
            }
        }
        lock = try WriterLock(storePath: path)

        var configuration = Configuration()
        configuration.label = "calsync-store"
        configuration.busyMode = .timeout(Double(Self.busyTimeoutMilliseconds) / 1000)
        // GRDB's default, said here because removing a calendar relies on it: its events,
        // occurrences and internal rows go by ON DELETE CASCADE (StoreSchema v5).
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // Keep -wal and -shm when the last connection closes: read-only readers cannot
            // create them in a directory they may not write (docs/store.md "File and access").
            var persist: Int32 = 1
            _ = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A WAL that a long read transaction let grow is cut back to this size when it is
            // next reset, instead of keeping its largest size for good.
            try db.execute(sql: "PRAGMA journal_size_limit = \(walSizeLimit)")
            // Statement journals and sorter spills stay in memory: on disk they cost a file
            // creation and writes per page transaction (docs/benchmarks.md, profile).
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // 4 MiB of page cache (SQLite's default is 2 MiB): enough for a page of events with
            // their occurrences; the first listing's bulk load spills to the WAL either way,
            // and 8 MiB put the 100,000-event sync over its 64 MB memory goal (docs/benchmarks.md).
            try db.execute(sql: "PRAGMA cache_size = -\(CalendarStore.pageCacheKiB)")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // Migrations keep temporary storage on disk: one that rewrites many rows (v9: every
            // row of a Microsoft calendar) made SQLite hold some 200 MB of statement journal in
            // memory for 100,000 events, 13 MB on disk. Set before the migrator's
            // `BEGIN IMMEDIATE`: changed inside it, the setting did not reach the journal.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA temp_store = FILE") }
            try StoreSchema.migrator.migrate(pool)
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA temp_store = MEMORY") }
            try pool.write { db in
                for (key, value) in [
                    ("schema_version", String(StoreSchema.version)), ("writer", writerName),
                ] {
                    try db.execute(
                        sql:
                            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        arguments: [key, value])
                }
                try db.execute(sql: "INSERT OR IGNORE INTO meta(key, value) VALUES ('changes_min_seq', '1')")
            }
        } catch let error as CalSyncError {
            throw error
        } catch {
            throw CalSyncError(.store, StoreErrorMessage.line("cannot open the store \(path)", error))
        }
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            chmod(file, 0o640)
        }
    }

    /// The pid of the process that writes the store at `path`, or nil when none does.
    public static func writerPID(storePath path: String) -> Int32? {
        WriterLock.holder(storePath: path)
    }

    // MARK: Accounts and calendars

    /// Creates or updates an account row (from the configuration and the sign-in).
    public func upsertAccount(
        id: String, provider: String, auth: String, email: String?, state: AccountState, stateDetail: String?,
        now: Date
    ) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO accounts(id, provider, email, auth, state, state_detail, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET provider = excluded.provider,
                        email = COALESCE(excluded.email, accounts.email), auth = excluded.auth,
                        state = excluded.state, state_detail = excluded.state_detail, updated_at = excluded.updated_at
                    WHERE accounts.provider IS NOT excluded.provider OR accounts.auth IS NOT excluded.auth
                        OR accounts.state IS NOT excluded.state OR accounts.state_detail IS NOT excluded.state_detail
                        OR (excluded.email IS NOT NULL AND accounts.email IS NOT excluded.email)
                    """,
                arguments: [id, provider, email, auth, state.rawValue, stateDetail, Timestamp.string(from: now)])
        }
    }

    /// The ids of the accounts the store holds.
    public func accountIDs() async throws -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT id FROM accounts ORDER BY id") }
    }

    /// Removes an account and everything of it: its calendars with their events (each
    /// deletion recorded in `changes`, so readers following `changes` see them go),
    /// occurrences, sync state and outbox rows. Returns the number of events removed, or
    /// nil when the store has no such account.
    public func forgetAccount(id: String, now: Date) async throws -> Int? {
        let nowText = Timestamp.string(from: now)
        return try await write { db -> Int? in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM accounts WHERE id = ?", arguments: [id]) == true else {
                return nil
            }
            let events =
                try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE account_id = ?", arguments: [id]) ?? 0
            let calendars = try String.fetchAll(
                db, sql: "SELECT id FROM calendars WHERE account_id = ?", arguments: [id])
            for calendar in calendars {
                try self.removeCalendar(db, accountID: id, calendarID: calendar, now: nowText)
            }
            try db.execute(sql: "DELETE FROM outbox WHERE account_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM accounts WHERE id = ?", arguments: [id])
            return events
        }
    }

    /// Changes an account's state and its sentence.
    public func setAccountState(id: String, state: AccountState, detail: String?, now: Date) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE accounts SET state = ?, state_detail = ?, updated_at = ?
                    WHERE id = ? AND (state IS NOT ? OR state_detail IS NOT ?)
                    """,
                arguments: [state.rawValue, detail, Timestamp.string(from: now), id, state.rawValue, detail])
        }
    }

    /// Makes the account's calendars what the provider listed: listed ones are inserted or
    /// updated (`sync_enabled` from `enabledIDs`); calendars no longer listed are removed
    /// with their events (each deletion recorded in `changes`), occurrences and state.
    public func replaceCalendars(
        accountID: String, calendars: [RemoteCalendar], enabledIDs: Set<String>, now: Date
    ) async throws {
        let nowText = Timestamp.string(from: now)
        try await write { db in
            for calendar in calendars {
                try db.execute(
                    sql: """
                        INSERT INTO calendars(account_id, id, name, description, time_zone, color, access, is_primary,
                            sync_enabled, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(account_id, id) DO UPDATE SET name = excluded.name,
                            description = excluded.description, time_zone = COALESCE(excluded.time_zone, calendars.time_zone),
                            color = excluded.color, access = excluded.access, is_primary = excluded.is_primary,
                            sync_enabled = excluded.sync_enabled, updated_at = excluded.updated_at
                        WHERE calendars.name IS NOT excluded.name OR calendars.description IS NOT excluded.description
                            OR (excluded.time_zone IS NOT NULL AND calendars.time_zone IS NOT excluded.time_zone)
                            OR calendars.color IS NOT excluded.color OR calendars.access IS NOT excluded.access
                            OR calendars.is_primary IS NOT excluded.is_primary
                            OR calendars.sync_enabled IS NOT excluded.sync_enabled
                        """,
                    arguments: [
                        accountID, calendar.id, calendar.name, calendar.description, calendar.timeZone, calendar.color,
                        calendar.access.rawValue, calendar.isPrimary, enabledIDs.contains(calendar.id), nowText,
                    ])
            }
            let listed = Set(calendars.map(\.id))
            let stored = try String.fetchAll(
                db, sql: "SELECT id FROM calendars WHERE account_id = ?", arguments: [accountID])
            for gone in stored where !listed.contains(gone) {
                try self.removeCalendar(db, accountID: accountID, calendarID: gone, now: nowText)
            }
        }
    }

    func removeCalendar(_ db: Database, accountID: String, calendarID: String, now: String) throws {
        try db.execute(
            sql: """
                INSERT INTO changes(account_id, calendar_id, event_id, op, at)
                SELECT account_id, calendar_id, id, ?, ? FROM events WHERE account_id = ? AND calendar_id = ?
                """,
            arguments: [ChangeOp.delete.rawValue, now, accountID, calendarID])
        // The foreign keys remove the rest with the calendar's row.
        for (table, cascades) in StoreSchema.calendarTables where !cascades {
            try db.execute(
                sql: "DELETE FROM \(table) WHERE account_id = ? AND calendar_id = ?",
                arguments: [accountID, calendarID])
        }
        try db.execute(
            sql: "DELETE FROM calendars WHERE account_id = ? AND id = ?", arguments: [accountID, calendarID])
    }

    // MARK: Cursors and sync state

    /// The saved end-of-round cursor and the fingerprint of the parameters it was made with.
    /// The share of the calendar a held deletion would delete (`would_delete / of_total`),
    /// or nil when the safety valve holds nothing for the calendar.
    public func heldDeletionShare(accountID: String, calendarID: String) async throws -> Double? {
        try await read { db in
            let row = try Row.fetchOne(
                db,
                sql:
                    "SELECT would_delete, of_total FROM internal_held_deletions WHERE account_id = ? AND calendar_id = ?",
                arguments: [accountID, calendarID])
            guard let row, let total = row["of_total"] as Int?, total > 0 else { return nil }
            return Double(row["would_delete"] as Int? ?? 0) / Double(total)
        }
    }

    public func savedCursor(accountID: String, calendarID: String) async throws -> (token: String, fingerprint: String)?
    {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT token, fingerprint FROM internal_cursors WHERE account_id = ? AND calendar_id = ?",
                arguments: [accountID, calendarID]
            ).map { ($0["token"], $0["fingerprint"]) }
        }
    }

    /// A provider's note about a calendar (``ProviderNotes``), nil when there is none.
    public func providerNote(accountID: String, calendarID: String, key: String) async throws -> String? {
        try await read { db in
            try String.fetchOne(
                db,
                sql: "SELECT value FROM internal_provider_notes WHERE account_id = ? AND calendar_id = ? AND key = ?",
                arguments: [accountID, calendarID, key])
        }
    }

    /// The occurrence window last materialised for the calendar, if any.
    public func storedWindow(accountID: String, calendarID: String) async throws -> SyncWindow? {
        try await read { db in try Self.storedWindow(db, accountID, calendarID) }
    }

    /// The calendar's occurrence window as `sync_state` records it (the public
    /// ``storedWindow(accountID:calendarID:)`` reads it in a transaction of its own).
    static func storedWindow(_ db: Database, _ accountID: String, _ calendarID: String) throws -> SyncWindow? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT window_start, window_end FROM sync_state WHERE account_id = ? AND calendar_id = ?",
                arguments: [accountID, calendarID]),
            let start = (row["window_start"] as String?).flatMap({ Timestamp.parse($0) }),
            let end = (row["window_end"] as String?).flatMap({ Timestamp.parse($0) })
        else { return nil }
        return SyncWindow(start: start, end: end)
    }

    /// Notes that a poll of the calendar starts now.
    public func recordAttempt(accountID: String, calendarID: String, now: Date) async throws {
        try await write { db in
            try Self.ensureSyncState(db, accountID, calendarID)
            try db.execute(
                sql: "UPDATE sync_state SET last_attempt = ? WHERE account_id = ? AND calendar_id = ?",
                arguments: [Timestamp.string(from: now), accountID, calendarID])
        }
    }

    /// Notes a finished poll: failures reset; the error line is cleared unless the safety
    /// valve still holds a deletion, which stays visible until it is resolved.
    public func recordSuccess(accountID: String, calendarID: String, now: Date, nextRun: Date?) async throws {
        try await write { db in
            try Self.ensureSyncState(db, accountID, calendarID)
            let held = try Row.fetchOne(
                db,
                sql:
                    "SELECT would_delete, of_total FROM internal_held_deletions WHERE account_id = ? AND calendar_id = ?",
                arguments: [accountID, calendarID])
            let message: String? = held.map { Self.heldMessage(wouldDelete: $0["would_delete"], of: $0["of_total"]) }
            try db.execute(
                sql: """
                    UPDATE sync_state SET last_success = ?, consecutive_failures = 0, last_error = ?, next_run = ?
                    WHERE account_id = ? AND calendar_id = ?
                    """,
                arguments: [
                    Timestamp.string(from: now), message, nextRun.map(Timestamp.string(from:)), accountID, calendarID,
                ])
        }
    }

    /// Notes a failed poll with its one-line error.
    public func recordFailure(
        accountID: String, calendarID: String, error: String, now: Date, nextRun: Date?
    ) async throws {
        let line = error.split(whereSeparator: \.isNewline).first.map(String.init) ?? error
        try await write { db in
            try Self.ensureSyncState(db, accountID, calendarID)
            try db.execute(
                sql: """
                    UPDATE sync_state SET last_error = ?, consecutive_failures = consecutive_failures + 1, next_run = ?
                    WHERE account_id = ? AND calendar_id = ?
                    """,
                arguments: [line, nextRun.map(Timestamp.string(from:)), accountID, calendarID])
        }
    }

    /// Sets when the scheduler plans the next poll.
    public func recordNextRun(accountID: String, calendarID: String, nextRun: Date) async throws {
        try await write { db in
            try Self.ensureSyncState(db, accountID, calendarID)
            try db.execute(
                sql: "UPDATE sync_state SET next_run = ? WHERE account_id = ? AND calendar_id = ?",
                arguments: [Timestamp.string(from: nextRun), accountID, calendarID])
        }
    }

    /// Drops `changes` rows older than `cutoff` and records the oldest retained `seq` in
    /// `meta.changes_min_seq`, so a reader who fell behind knows to re-read everything.
    public func pruneChanges(olderThan cutoff: Date) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM changes WHERE at < ?", arguments: [Timestamp.string(from: cutoff)])
            let minimum =
                try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM changes")
                ?? (try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'changes'") ?? 0) + 1
            try db.execute(
                sql: "UPDATE meta SET value = ? WHERE key = 'changes_min_seq'", arguments: [String(minimum)])
        }
    }

    /// Checkpoints the WAL into the database and empties the `-wal` file (TRUNCATE) when
    /// it has grown past ``walSizeLimit``: after a first listing, a bulk load, or any poll
    /// that wrote while a reader's transaction held the WAL. Never waits for readers and
    /// never fails the poll: a reader still inside a transaction makes it a no-op (logged),
    /// and the next poll tries again. Returns whether the file was emptied.
    @discardableResult
    public func truncateLargeWAL() async -> Bool {
        var info = stat()
        guard stat(path + "-wal", &info) == 0, Int(info.st_size) > walSizeLimit else { return false }
        let walBytes = Int(info.st_size)
        let code: Int32
        do {
            code = try await pool.writeWithoutTransaction { db in
                // Busy at once rather than after the writer's 10 s busy timeout: a reader's
                // transaction is not worth stalling the poll for.
                sqlite3_busy_timeout(db.sqliteConnection, 0)
                defer { sqlite3_busy_timeout(db.sqliteConnection, Self.busyTimeoutMilliseconds) }
                return sqlite3_wal_checkpoint_v2(db.sqliteConnection, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
            }
        } catch {
            code = SQLITE_ERROR
        }
        if code == SQLITE_OK { return true }
        logger.info(
            "WAL checkpoint postponed: a reader holds a transaction",
            metadata: ["calsync.wal_bytes": "\(walBytes)", "calsync.sqlite_code": "\(code)"])
        return false
    }

    static func heldMessage(wouldDelete: Int, of total: Int) -> String {
        "safety valve: a full re-sync would delete \(wouldDelete) of \(total) events; nothing was deleted "
            + "(if that is right, run: calsyncctl sync ACCOUNT/CALENDAR --full --force)"
    }

    static func ensureSyncState(_ db: Database, _ accountID: String, _ calendarID: String) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO sync_state(account_id, calendar_id) VALUES (?, ?)",
            arguments: [accountID, calendarID])
    }

    // MARK: Access

    /// Runs `body` in a write transaction. Unless it is a `page` (which keeps
    /// ``listedEvents`` true itself), the cache of listed events is forgotten first, in the
    /// writer's order: `body` may change any event.
    func write<T: Sendable>(
        page: Bool = false, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await pool.write { db in
                if !page { self.listedEvents.clear() }
                return try body(db)
            }
        } catch let error as CalSyncError {
            throw error
        } catch {
            throw CalSyncError(.store, StoreErrorMessage.line("the store \(path) could not be written", error))
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw CalSyncError(.store, StoreErrorMessage.line("the store \(path) could not be read", error))
        }
    }
}
