import CalSyncModel
import CalSyncRecurrence
import Foundation
import GRDB
import GRDBSQLite

/// Writes occurrences of one calendar inside a window as rows of integers
/// (`internal_occurrences`, StoreSchema v6): the `events` rowid of the row holding the
/// details, `start_ts`, `end_ts` (all-day values at midnight in the calendar's zone, else
/// the event's own), and the instance id only when the view cannot derive it, with its
/// key (``ListedKey``).
///
/// A calendar's first sync writes ~15 rows per event, 1.5 million for 100,000 events, so
/// the row is bound with SQLite's own calls rather than GRDB's `StatementArguments`
/// (docs/benchmarks.md); `sqlite3_reset` keeps bindings, so a staged row's calendar is
/// bound once.
///
/// Rows go where the page's ``Target`` says: `live` (what readers see) or `staged` (a first
/// listing's, published by its last page). `INSERT OR IGNORE`: an instance already there
/// stays, which the window's slide relies on, and the count stays exact. A listed
/// calendar's stage is appended to instead, every row counted until its publish settles
/// it (PageWriter+ListedStage).
///
/// The sink also enforces the calendar's occurrence cap
/// (``CalendarStore/maximumOccurrencesPerCalendar``): it starts from the calendar's count
/// (``PageWriter`` keeps it exact), adds what it writes, subtracts what is deleted through
/// it (``removed(_:)``), and writes nothing more once the count reaches the cap (``capped``
/// then says so).
struct OccurrenceSink {
    /// Where a page's occurrences go.
    enum Target: Equatable {
        /// `internal_occurrences`, which the `occurrences` and `agenda` views show.
        case live
        /// `internal_occurrences_staged`, under the `calendars` rowid: a first listing's.
        case staged(calendar: Int64)
    }

    let target: Target
    let calendarZone: TimeZone?
    private let limit: Int
    /// The calendar's occurrences in the target, exact.
    private(set) var count: Int
    /// An occurrence was left out because the calendar reached its cap.
    private(set) var capped = false
    private let windowStart: Int64
    private let windowEnd: Int64
    private let insert: Statement
    /// The first parameter after the staged row's calendar (and a listed stage's `seq`).
    private let first: Int32
    /// The `seq` of a listed stage's last row; nil for the other targets.
    private var lastSeq: Int64?
    /// One TimeZone per name and transaction, not one per occurrence.
    private var zones: [String: TimeZone] = [:]

    init(writer: PageWriter, target: Target, window: SyncWindow, startingCount: Int) throws {
        self.target = target
        calendarZone = try writer.calendarZone()
        limit = writer.store.maximumOccurrencesPerCalendar
        count = startingCount
        windowStart = Int64(window.start.timeIntervalSince1970)
        windowEnd = Int64(window.end.timeIntervalSince1970)
        switch target {
        case .live:
            insert = try writer.db.cachedStatement(
                sql:
                    """
                    INSERT OR IGNORE INTO internal_occurrences(event, start_ts, end_ts, instance_id, listed_key)
                    VALUES (?, ?, ?, ?, ?)
                    """
            )
            sqlite3_reset(insert.sqliteStatement)
            first = 1
        case .staged(let calendar) where writer.source == .listed:
            // Appended in order of arrival (StoreSchema v8): no lookup, no random insert.
            insert = try writer.db.cachedStatement(
                sql: """
                    INSERT INTO internal_listed_staged(calendar, seq, event, start_ts, end_ts, instance_id, listed_key)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            sqlite3_reset(insert.sqliteStatement)
            sqlite3_bind_int64(insert.sqliteStatement, 1, calendar)
            lastSeq =
                try Int64.fetchOne(
                    writer.db, sql: PageWriter.lastListedSeq.replacingOccurrences(of: "?1", with: "?"),
                    arguments: [calendar]) ?? 0
            first = 3
        case .staged(let calendar):
            insert = try writer.db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO internal_occurrences_staged(
                        calendar, event, start_ts, end_ts, instance_id, listed_key)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """)
            sqlite3_reset(insert.sqliteStatement)
            sqlite3_bind_int64(insert.sqliteStatement, 1, calendar)
            first = 2
        }
    }

    /// Writes `occurrence` of the `events` row `event` if it overlaps the window; its
    /// instance id only when it is not the one the views derive. Returns whether a row was
    /// added.
    @discardableResult
    mutating func add(_ occurrence: Occurrence, event: Int64, eventZone: String?, derivedID: Bool) throws -> Bool {
        var allDayZone = calendarZone
        if allDayZone == nil, let eventZone {
            allDayZone = zones[eventZone] ?? TimeZone(identifier: eventZone)
            zones[eventZone] = allDayZone
        }
        let start = occurrence.start.unixSeconds(allDayZone: allDayZone)
        let end = occurrence.end.unixSeconds(allDayZone: allDayZone)
        // Zero-length events count when they start inside the window.
        guard start < windowEnd && (end > windowStart || (end == start && start >= windowStart)) else { return false }
        guard count < limit else {
            capped = true
            return false
        }
        let statement = insert.sqliteStatement
        if let lastSeq {
            sqlite3_bind_int64(statement, first - 1, lastSeq + 1)
            self.lastSeq = lastSeq + 1
        }
        sqlite3_bind_int64(statement, first, event)
        sqlite3_bind_int64(statement, first + 1, start)
        sqlite3_bind_int64(statement, first + 2, end)
        if derivedID {
            sqlite3_bind_null(statement, first + 3)
            sqlite3_bind_null(statement, first + 4)
        } else {
            Self.bind(occurrence.instanceID, at: first + 3, of: statement)
            sqlite3_bind_int64(statement, first + 4, ListedKey.of(occurrence.instanceID))
        }
        let code = sqlite3_step(statement)
        defer { sqlite3_reset(statement) }
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: String(cString: sqlite3_errmsg(sqlite3_db_handle(statement))), sql: insert.sql)
        }
        let added = sqlite3_changes(sqlite3_db_handle(statement)) > 0
        if added { count += 1 }
        return added
    }

    /// `rows` were written into the target without the sink (a statement that copies
    /// singles from `events`, given the room left under the cap): at the cap, some may
    /// have been left out.
    mutating func added(_ rows: Int) {
        count += rows
        if count >= limit { capped = true }
    }

    /// `rows` of the calendar's occurrences in the target were deleted.
    mutating func removed(_ rows: Int) {
        count = max(0, count - rows)
    }

    /// SQLite copies the text (`SQLITE_TRANSIENT`): the Swift string may go right after.
    private static func bind(_ text: String, at index: Int32, of statement: OpaquePointer) {
        var text = text
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(
                statement, index, bytes.baseAddress, Int32(bytes.count),
                unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self))
        }
    }
}
