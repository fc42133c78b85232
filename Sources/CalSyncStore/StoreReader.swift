public import CalSyncModel
import CalSyncRecurrence
public import Foundation
import GRDB

/// Reads the store the way any reader should: read-only (`mode=ro`), never writing, never
/// blocking the daemon. Used by `calsyncctl`; also the reference for docs/store.md.
public final class StoreReader: Sendable {
    public let path: String
    private let queue: DatabaseQueue

    /// Opens the store read-only.
    /// - Throws: ``CalSyncError`` `.store` when the file is missing or unreadable, or is not
    ///   a calsync store.
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw CalSyncError(.store, "there is no store at \(path) yet (calsyncd creates it when it first starts)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        configuration.label = "calsync-reader"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let version = try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
            guard version >= 1 else {
                throw CalSyncError(.store, "\(path) is not a calsync store (schema version \(version))")
            }
        } catch let error as CalSyncError {
            throw error
        } catch {
            throw CalSyncError(.store, "cannot read the store \(path): \(error)")
        }
    }

    /// `PRAGMA user_version`.
    public func schemaVersion() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
    }

    /// A `meta` value.
    public func meta(_ key: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    /// The accounts with their calendars and sync state, for `calsyncctl status`. Intervals
    /// and token expiry come from the caller (configuration and token file).
    public func statusAccounts(
        interval: (String) -> Duration, tokenExpiry: (String) -> Date?
    ) throws -> [StatusReport.Account] {
        try read { db in
            let accounts = try Row.fetchAll(db, sql: "SELECT * FROM accounts ORDER BY id")
            return try accounts.map { account in
                let id: String = account["id"]
                let calendars = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT c.id, c.name, s.*, h.would_delete IS NOT NULL AS held
                        FROM calendars c
                        LEFT JOIN sync_state s ON s.account_id = c.account_id AND s.calendar_id = c.id
                        LEFT JOIN internal_held_deletions h ON h.account_id = c.account_id AND h.calendar_id = c.id
                        WHERE c.account_id = ? AND c.sync_enabled = 1
                        ORDER BY c.is_primary DESC, c.name
                        """,
                    arguments: [id])
                return StatusReport.Account(
                    id: id, provider: account["provider"], auth: account["auth"], email: account["email"],
                    state: account["state"], stateDetail: account["state_detail"], tokenExpiresAt: tokenExpiry(id),
                    intervalSeconds: Int(interval(id).components.seconds),
                    calendars: calendars.map { row in
                        StatusReport.Calendar(
                            id: row["id"], name: row["name"], lastSuccess: Self.instant(row["last_success"]),
                            lastAttempt: Self.instant(row["last_attempt"]),
                            lastFullSync: Self.instant(row["last_full_sync"]),
                            nextRun: Self.instant(row["next_run"]), lastError: row["last_error"],
                            consecutiveFailures: row["consecutive_failures"] ?? 0,
                            eventsCount: row["events_count"] ?? 0,
                            occurrencesCount: row["occurrences_count"] ?? 0,
                            quarantinedCount: row["quarantined_count"] ?? 0,
                            deletionHeld: row["held"] ?? false,
                            occurrencesCapped: (row["occurrences_count"] ?? 0)
                                >= CalendarStore.defaultMaximumOccurrencesPerCalendar)
                    })
            }
        }
    }

    /// The calendars, for `calsyncctl calendars`.
    public func calendars() throws -> [(accountID: String, calendar: RemoteCalendar, syncEnabled: Bool)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM calendars ORDER BY account_id, is_primary DESC, name").map { row in
                (
                    row["account_id"],
                    RemoteCalendar(
                        id: row["id"], name: row["name"], description: row["description"], timeZone: row["time_zone"],
                        color: row["color"], access: RemoteCalendar.Access(rawValue: row["access"]) ?? .reader,
                        isPrimary: row["is_primary"]),
                    row["sync_enabled"]
                )
            }
        }
    }

    /// The canonical reader query: what is on between `from` and `to`.
    public func agenda(from: Date, to: Date) throws -> [AgendaItem] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM agenda WHERE start_ts < ? AND end_ts > ?
                    ORDER BY start_ts, all_day DESC, calendar_name, summary
                    """,
                arguments: [Int64(to.timeIntervalSince1970), Int64(from.timeIntervalSince1970)]
            ).compactMap { row in
                guard let start = EventTime(storeText: row["start"]), let end = EventTime(storeText: row["end"]) else {
                    return nil
                }
                return AgendaItem(
                    accountID: row["account_id"], calendarID: row["calendar_id"], calendarName: row["calendar_name"],
                    eventID: row["event_id"], instanceID: row["instance_id"], summary: row["summary"],
                    location: row["location"], start: start, end: end, status: row["status"],
                    conferenceURL: row["conference_url"])
            }
        }
    }

    private static func instant(_ text: String?) -> Date? {
        text.flatMap { Timestamp.parse($0) }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch {
            throw CalSyncError(.store, "cannot read the store \(path): \(error)")
        }
    }
}
