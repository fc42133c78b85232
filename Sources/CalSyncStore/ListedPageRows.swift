import CalSyncModel
import GRDB
import GRDBSQLite

/// The statements a listed page (Graph's `calendarView/delta`, ~1,000 occurrences a page)
/// runs per occurrence written live or removed, prepared once per page for one
/// ``OccurrenceSink/Target`` (staged: `internal_listed_staged`, read whole) and bound
/// with SQLite's own calls: GRDB's `cachedStatement(sql:)` hashes the SQL text on every call
/// and its `StatementArguments` box every value (docs/benchmarks.md, issue 18).
///
/// Also the page's light event lookup: an occurrence needs of its event only the rowid,
/// the kind, the id and the time zone, read once per page and event (a page lists
/// occurrences of hundreds of series whose masters came on earlier pages).
struct ListedPageRows {
    /// What a listed occurrence needs of its event.
    struct ListedEvent {
        var key: Int64
        var kind: CalendarEvent.Kind
        var id: String
        var timeZone: String?
    }

    let target: OccurrenceSink.Target
    private let accountID: String
    private let calendarID: String
    /// The events earlier pages read, by `calendarKey`; nil: none kept.
    private let cache: ListedEventCache?
    private let calendarKey: Int64
    /// The events this page read from the store (not from the cache), for the cache to learn.
    private(set) var readFromStore: [String: ListedEventCache.Event] = [:]
    private let selectEvent: HeldStatement
    private let deleteByStoredID: HeldStatement
    private let deleteByDerivedID: HeldStatement
    private let deleteAtStart: HeldStatement
    private var events: [String: ListedEvent] = [:]

    init(
        _ db: Database, target: OccurrenceSink.Target, accountID: String, calendarID: String,
        cache: ListedEventCache? = nil, calendarKey: Int64 = 0
    ) throws {
        self.target = target
        self.accountID = accountID
        self.calendarID = calendarID
        self.cache = cache
        self.calendarKey = calendarKey
        selectEvent = try HeldStatement(
            db, sql: "SELECT rowid, kind, time_zone FROM events WHERE account_id = ?1 AND calendar_id = ?2 AND id = ?3")
        let rows = Self.rows(of: target)
        switch target {
        case .live:
            deleteByStoredID = try HeldStatement(
                db,
                sql: """
                    DELETE FROM internal_occurrences WHERE \(ListedKey.storesID(id: "?1", key: "?4"))
                    AND (SELECT account_id = ?2 AND calendar_id = ?3 FROM events WHERE rowid = event)
                    """)
            deleteAtStart = try HeldStatement(
                db, sql: "DELETE FROM internal_occurrences WHERE event = ?1 AND start_ts = ?2")
        case .staged:
            // The stage has no index but its order of arrival: these scan the calendar's
            // staged rows, and run only for removals (a listed row is not looked for there
            // when it is written: the newest of an id wins at publish).
            deleteByStoredID = try HeldStatement(
                db, sql: "DELETE FROM \(rows.table) WHERE \(rows.ofCalendar("")) instance_id = ?1")
            deleteAtStart = try HeldStatement(
                db, sql: "DELETE FROM \(rows.table) WHERE \(rows.ofCalendar("")) event = ?1 AND start_ts = ?2")
        }
        deleteByDerivedID = try HeldStatement(
            db,
            sql: """
                DELETE FROM \(rows.table)
                WHERE \(rows.ofCalendar("")) (event, start_ts) IN (
                    SELECT e.rowid, o.start_ts FROM events e JOIN \(rows.table) o ON \(rows.ofCalendar("o.")) o.event = e.rowid
                    WHERE e.account_id = ?2 AND e.calendar_id = ?3
                    AND e.id IN (?1, rtrim(rtrim(?1, '0123456789TZ'), '_'))
                    AND \(StoreSchema.derivedInstanceID("o.instance_id")) = ?1)
                """)
    }

    /// The table of `target`'s rows, and the condition that keeps a staged row to its
    /// calendar and to listed occurrences (not the marks of deleted events) (`prefix` the
    /// table's alias with its dot), with `AND`; empty when live.
    static func rows(of target: OccurrenceSink.Target) -> (table: String, ofCalendar: (String) -> String) {
        switch target {
        case .live: ("internal_occurrences", { _ in "" })
        case .staged(let calendar):
            ("internal_listed_staged", { "\($0)calendar = \(calendar) AND \($0)drops_event = 0 AND" })
        }
    }

    /// The event `id` of the calendar: as the page wrote it (`written`), else as an earlier
    /// page read it (the cache; not when this page `deleted` it), else as stored (read once
    /// per page); nil when it is not in the store.
    mutating func event(_ id: String, written: KeyedEvent?, deleted: Bool = false) throws -> ListedEvent? {
        if let written {
            return ListedEvent(
                key: written.key, kind: written.event.kind, id: written.event.id, timeZone: written.event.timeZone)
        }
        if let known = events[id] { return known }
        if !deleted, let cached = cache?.event(id, calendar: calendarKey) {
            let event = ListedEvent(key: cached.key, kind: cached.kind, id: id, timeZone: cached.timeZone)
            events[id] = event
            return event
        }
        let read = try selectEvent.firstRow(.text(accountID), .text(calendarID), .text(id)) { row in
            ListedEvent(
                key: sqlite3_column_int64(row, 0),
                kind: HeldStatement.text(row, 1).flatMap(CalendarEvent.Kind.init(rawValue:)) ?? .single, id: id,
                timeZone: HeldStatement.text(row, 2))
        }
        events[id] = read
        if let read {
            readFromStore[id] = ListedEventCache.Event(key: read.key, kind: read.kind, timeZone: read.timeZone)
        }
        return read
    }

    /// Deletes the rows whose stored instance id is `instanceID`; returns how many went.
    func deleteStored(_ instanceID: String) throws -> Int {
        switch target {
        case .live:
            try deleteByStoredID.execute(
                .text(instanceID), .text(accountID), .text(calendarID), .integer(ListedKey.of(instanceID)))
        case .staged: try deleteByStoredID.execute(.text(instanceID))
        }
    }

    /// Deletes the rows whose instance id, stored as NULL, the views derive as `instanceID`
    /// (found from the event that id names); returns how many went.
    func deleteDerived(_ instanceID: String) throws -> Int {
        try deleteByDerivedID.execute(.text(instanceID), .text(accountID), .text(calendarID))
    }

    /// Deletes the row of the `events` row `event` at `start` (the table's key).
    func deleteRow(event: Int64, start: Int64) throws -> Int {
        try deleteAtStart.execute(.integer(event), .integer(start))
    }

    /// Whether `id` ends in `_<YYYYMMDD>` or `_<YYYYMMDDTHHMMSSZ>` after a non-empty prefix:
    /// the form of a series instance's derived id. A derived id is that or its event's own
    /// id (a single's, an exception's); Graph's ids of a series' instances are neither, and
    /// need no look-up as derived ids.
    static func hasStampSuffix(_ id: String) -> Bool {
        // Only the id's last 9 or 17 bytes can say: a stamp holds no `_`, so the one before
        // it is the id's last. (Searching the id backwards for its last `_` cost 1.3 % of a
        // 100,000-event Graph first sync: every stub's id, some 150 bytes without one.)
        var id = id
        return id.withUTF8 { bytes in
            let count = bytes.count
            func digits(_ range: Range<Int>) -> Bool {
                range.allSatisfy { bytes[$0] >= UInt8(ascii: "0") && bytes[$0] <= UInt8(ascii: "9") }
            }
            if count >= 10, bytes[count - 9] == UInt8(ascii: "_"), digits(count - 8..<count) { return true }
            return count >= 18 && bytes[count - 17] == UInt8(ascii: "_") && digits(count - 16..<count - 8)
                && bytes[count - 8] == UInt8(ascii: "T") && digits(count - 7..<count - 1)
                && bytes[count - 1] == UInt8(ascii: "Z")
        }
    }
}

/// A statement prepared once and run many times, bound with SQLite's own calls (?1, ?2…
/// in order).
struct HeldStatement {
    enum Value {
        case text(String)
        case integer(Int64)
    }

    let statement: Statement

    init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
    }

    /// Runs the statement to its end; returns the rows it changed.
    @discardableResult
    func execute(_ values: Value...) throws -> Int {
        let handle = bind(values)
        defer { sqlite3_reset(handle) }
        var code = sqlite3_step(handle)
        while code == SQLITE_ROW { code = sqlite3_step(handle) }
        try check(code, handle)
        return Int(sqlite3_changes(sqlite3_db_handle(handle)))
    }

    /// The first row the query returns, read by `read`; nil when there is none.
    func firstRow<T>(_ values: Value..., read: (OpaquePointer) -> T) throws -> T? {
        let handle = bind(values)
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return read(handle) }
        try check(code, handle)
        return nil
    }

    /// The text of column `index` of the current row; nil when NULL.
    static func text(_ row: OpaquePointer, _ index: Int32) -> String? {
        guard let text = sqlite3_column_text(row, index) else { return nil }
        return String(cString: text)
    }

    private func bind(_ values: [Value]) -> OpaquePointer {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .integer(let integer):
                sqlite3_bind_int64(handle, index, integer)
            case .text(var text):
                // SQLite copies the text (`SQLITE_TRANSIENT`): the Swift string may go right after.
                text.withUTF8 { bytes in
                    _ = sqlite3_bind_text(
                        handle, index, bytes.baseAddress, Int32(bytes.count),
                        unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self))
                }
            }
        }
        return handle
    }

    private func check(_ code: Int32, _ handle: OpaquePointer) throws {
        guard code != SQLITE_DONE else { return }
        throw DatabaseError(
            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))),
            sql: statement.sql)
    }
}
