import CalSyncModel
import CalSyncRecurrence
import Foundation
import GRDB
import GRDBSQLite

/// Conversions between ``CalendarEvent`` and the `events` table's columns.
enum StoredEvent {
    /// The plain insert of an event the page knows is not in the store (a first listing's
    /// 100,000): its rowid is `sqlite3_last_insert_rowid`. `RETURNING` made SQLite open and
    /// close a temporary table on every execution, 6 % of a 100,000-event first sync's CPU.
    static let insertNewSQL = """
        INSERT INTO events(account_id, calendar_id, id, ical_uid, etag, kind, series_id, original_start,
            status, summary, description, location, all_day, start, "end", start_ts, end_ts, time_zone, recurrence,
            transparency, visibility, organizer, attendees, url, conference_url, event_type, created, updated, raw,
            synced_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Inserts or updates in place, returning the row's rowid: an update keeps it, and
    /// the event's occurrences (`internal_occurrences.event`) with it.
    static let insertSQL =
        insertNewSQL + """

            ON CONFLICT(account_id, calendar_id, id) DO UPDATE SET
                ical_uid = excluded.ical_uid, etag = excluded.etag, kind = excluded.kind, series_id = excluded.series_id,
                original_start = excluded.original_start, status = excluded.status, summary = excluded.summary,
                description = excluded.description, location = excluded.location, all_day = excluded.all_day,
                start = excluded.start, "end" = excluded."end", start_ts = excluded.start_ts, end_ts = excluded.end_ts,
                time_zone = excluded.time_zone, recurrence = excluded.recurrence, transparency = excluded.transparency,
                visibility = excluded.visibility, organizer = excluded.organizer, attendees = excluded.attendees,
                url = excluded.url, conference_url = excluded.conference_url, event_type = excluded.event_type,
                created = excluded.created, updated = excluded.updated, raw = excluded.raw, synced_at = excluded.synced_at
            RETURNING rowid
            """

    /// Empty text is stored as NULL (docs/store.md "Value formats": NULL when absent or empty).
    static func text(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    /// Runs ``insertSQL`` (or ``insertNewSQL``) for `event` on `statement` (the connection's
    /// cached one) and returns the row's rowid. Bound with SQLite's own calls: GRDB's `StatementArguments`
    /// boxed thirty values per event, 6 % of a first sync's profile (docs/benchmarks.md).
    static func write(
        _ event: CalendarEvent, with statement: Statement, accountID: String, calendarID: String,
        allDayZone: TimeZone?, now: String
    ) throws -> Int64 {
        let zone = event.timeZone.flatMap(TimeZone.init(identifier:)) ?? allDayZone
        let allDayZone = allDayZone ?? zone
        var row = RowBinder(statement.sqliteStatement)
        row.text(accountID)
        row.text(calendarID)
        row.text(event.id)
        row.text(text(event.icalUID))
        row.text(event.etag)
        row.text(event.kind.rawValue)
        row.text(event.seriesID)
        row.text(event.originalStart?.description)
        row.text(event.status.rawValue)
        row.text(text(event.summary))
        row.text(text(event.description))
        row.text(text(event.location))
        row.integer(event.allDay ? 1 : 0)
        row.text(event.start.description)
        row.text(event.end.description)
        row.integer(event.start.unixSeconds(allDayZone: allDayZone))
        row.integer(event.end.unixSeconds(allDayZone: allDayZone))
        row.text(event.timeZone)
        row.text(CompactJSON.recurrence(event.recurrence))
        row.text(event.transparency.rawValue)
        row.text(event.visibility.rawValue)
        row.text(CompactJSON.organizer(event.organizer))
        row.text(CompactJSON.attendees(event.attendees))
        row.text(text(event.url))
        row.text(text(event.conferenceURL))
        row.text(event.eventType)
        row.text(event.created.map(Timestamp.string(from:)))
        row.text(event.updated.map(Timestamp.string(from:)))
        row.text(event.raw)
        row.text(now)
        // The SQL only for an error: GRDB's `Statement.sql` trims the text through Foundation
        // on every call, which cost a third of a first sync's CPU when read per row.
        return try row.run(sql: statement.sql)
    }

    /// Binds a statement's parameters in order and runs it to its end, returning the
    /// integer of its first result row (`RETURNING rowid`).
    private struct RowBinder {
        let statement: OpaquePointer
        var index: Int32 = 0

        init(_ statement: OpaquePointer) {
            self.statement = statement
            sqlite3_reset(statement)
        }

        /// SQLite copies the text (`SQLITE_TRANSIENT`): the Swift string may go right after.
        mutating func text(_ value: String?) {
            index += 1
            guard var value else {
                sqlite3_bind_null(statement, index)
                return
            }
            value.withUTF8 { bytes in
                _ = sqlite3_bind_text(
                    statement, index, bytes.baseAddress, Int32(bytes.count),
                    unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self))
            }
        }

        mutating func integer(_ value: Int64) {
            index += 1
            sqlite3_bind_int64(statement, index, value)
        }

        func run(sql: @autoclosure () -> String) throws -> Int64 {
            defer { sqlite3_reset(statement) }
            var code = sqlite3_step(statement)
            var result: Int64 = 0
            if code == SQLITE_ROW {
                result = sqlite3_column_int64(statement, 0)
                code = sqlite3_step(statement)
            } else if code == SQLITE_DONE {
                // ``insertNewSQL``: no RETURNING.
                result = sqlite3_last_insert_rowid(sqlite3_db_handle(statement))
            }
            guard code == SQLITE_DONE else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code),
                    message: String(cString: sqlite3_errmsg(sqlite3_db_handle(statement))), sql: sql())
            }
            return result
        }
    }

    /// The columns ``event(from:)`` reads: not `raw` and the other large ones, which the
    /// expansion never needs (SELECT * copied every event's JSON out of the page cache).
    static let expansionColumns = """
        rowid, id, ical_uid, etag, kind, series_id, original_start, status, summary, start, "end", time_zone, recurrence
        """

    /// Reads a row (``expansionColumns``) back with its rowid, the key of its occurrences.
    static func keyedEvent(from row: Row) -> KeyedEvent? {
        event(from: row).map { KeyedEvent(event: $0, key: row["rowid"]) }
    }

    /// Reads a row back into the fields the occurrence expansion needs.
    static func event(from row: Row) -> CalendarEvent? {
        guard let startText: String = row["start"], let endText: String = row["end"],
            let start = EventTime(storeText: startText), let end = EventTime(storeText: endText)
        else { return nil }
        var recurrence: [String]?
        if let json: String = row["recurrence"] {
            recurrence = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String]
        }
        let originalStart: String? = row["original_start"]
        return CalendarEvent(
            id: row["id"], icalUID: row["ical_uid"], etag: row["etag"],
            kind: CalendarEvent.Kind(rawValue: row["kind"]) ?? .single, seriesID: row["series_id"],
            originalStart: originalStart.flatMap(EventTime.init(storeText:)),
            status: CalendarEvent.Status(rawValue: row["status"]) ?? .confirmed, summary: row["summary"], start: start,
            end: end, timeZone: row["time_zone"], recurrence: recurrence)
    }
}
