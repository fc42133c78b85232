import CalSyncModel
import CalSyncRecurrence
import Foundation
import GRDB
import GRDBSQLite

/// Writes occurrences of one calendar inside the sync window, with their `*_ts` columns
/// (all-day values at midnight in the calendar's zone, else the event's own).
///
/// A calendar's first sync writes ~15 rows per event, 1.5 million for 100,000 events, so
/// the row is bound with SQLite's own calls rather than GRDB's `StatementArguments`, whose
/// boxing of ten values per row cost a fifth of the load (docs/benchmarks.md). The
/// account and calendar are bound once: `sqlite3_reset` keeps bindings.
///
/// The sink also enforces the calendar's occurrence cap
/// (``CalendarStore/maximumOccurrencesPerCalendar``): it counts the calendar's rows from
/// `sync_state.occurrences_count` (exact at the start of each transaction), adds what it
/// writes, subtracts what the writer deletes (``removed(_:)``), and writes nothing more
/// once the count reaches the cap (``capped`` then says so).
struct OccurrenceSink {
    let calendarZone: TimeZone?
    private let limit: Int
    /// The calendar's occurrences as far as this transaction knows (an upper bound: a
    /// replaced row counts twice).
    private var count: Int
    /// An occurrence was left out because the calendar reached its cap.
    private(set) var capped = false
    private let windowStart: Int64
    private let windowEnd: Int64
    private let insert: Statement
    /// One TimeZone per name and transaction, not one per occurrence.
    private var zones: [String: TimeZone] = [:]

    /// - Parameter startingCount: the calendar's occurrences now; nil reads them from
    ///   `sync_state` (a bulk load, which deleted them all first, passes 0).
    init(writer: PageWriter, startingCount: Int? = nil) throws {
        calendarZone = try writer.calendarZone()
        limit = writer.store.maximumOccurrencesPerCalendar
        count =
            try startingCount
            ?? Int.fetchOne(
                writer.db, sql: "SELECT occurrences_count FROM sync_state WHERE account_id = ? AND calendar_id = ?",
                arguments: [writer.accountID, writer.calendarID]) ?? 0
        windowStart = Int64(writer.window.start.timeIntervalSince1970)
        windowEnd = Int64(writer.window.end.timeIntervalSince1970)
        insert = try writer.db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO occurrences(account_id, calendar_id, instance_id, event_id, series_id, start, "end",
                    all_day, start_ts, end_ts)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        sqlite3_reset(insert.sqliteStatement)
        Self.bind(writer.accountID, at: 1, of: insert.sqliteStatement)
        Self.bind(writer.calendarID, at: 2, of: insert.sqliteStatement)
    }

    mutating func add(_ occurrence: Occurrence, eventZone: String?) throws {
        var allDayZone = calendarZone
        if allDayZone == nil, let eventZone {
            allDayZone = zones[eventZone] ?? TimeZone(identifier: eventZone)
            zones[eventZone] = allDayZone
        }
        let start = occurrence.start.unixSeconds(allDayZone: allDayZone)
        let end = occurrence.end.unixSeconds(allDayZone: allDayZone)
        // Zero-length events count when they start inside the window.
        guard start < windowEnd && (end > windowStart || (end == start && start >= windowStart)) else { return }
        guard count < limit else {
            capped = true
            return
        }
        let statement = insert.sqliteStatement
        Self.bind(occurrence.instanceID, at: 3, of: statement)
        Self.bind(occurrence.eventID, at: 4, of: statement)
        if let seriesID = occurrence.seriesID {
            Self.bind(seriesID, at: 5, of: statement)
        } else {
            sqlite3_bind_null(statement, 5)
        }
        Self.bind(occurrence.start.description, at: 6, of: statement)
        Self.bind(occurrence.end.description, at: 7, of: statement)
        sqlite3_bind_int64(statement, 8, occurrence.start.isAllDay ? 1 : 0)
        sqlite3_bind_int64(statement, 9, start)
        sqlite3_bind_int64(statement, 10, end)
        let code = sqlite3_step(statement)
        defer { sqlite3_reset(statement) }
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: String(cString: sqlite3_errmsg(sqlite3_db_handle(statement))), sql: insert.sql)
        }
        count += 1
    }

    /// The writer deleted `rows` of the calendar's occurrences.
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
