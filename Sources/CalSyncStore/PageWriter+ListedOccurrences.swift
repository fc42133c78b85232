import CalSyncModel
import CalSyncRecurrence
import Foundation
import GRDB

/// Occurrences of calendars whose provider lists every instance itself
/// (``OccurrenceSource/listed``, Graph's `calendarView/delta`; docs/store.md "occurrences").
///
/// Nothing is expanded and nothing is staged: a page's ``ChangePage/listedOccurrences`` are
/// written live by instance id (inserted or replaced), its ``ChangePage/removedOccurrences``
/// deleted exactly, and an event the page deletes takes the occurrences that name it
/// (as their event or their series) with it. A series whose last occurrence is removed is
/// no longer in the provider's view (calendarView lists only events with an instance in
/// its window): its master goes too.
///
/// Rows are issue 19's `internal_occurrences` (StoreSchema v6): the `events` rowid, the
/// times, and the instance id only when the views cannot derive it (Graph's opaque ids of
/// a series' instances; a single's or an exception's id is its event's, stored as NULL).
/// An id is looked up by the partial index of stored ids, or from the event it names,
/// never by the `occurrences` view's derived column (no index can serve it).
extension PageWriter {
    /// The prefix under which a full re-sync marks the occurrences it listed in
    /// `internal_full_sync_seen` (beside the event ids it marks): the sweep at its end
    /// deletes the occurrences it did not list, as it deletes the events.
    static let listedOccurrenceMark = "occurrence/"

    /// Applies the occurrence part of a listed page, after the page's events were written
    /// and deleted (``PagePlan/steps``): occurrences of deleted events, removed instances,
    /// then the listed ones (marked seen when the page belongs to a marking re-sync), then
    /// the masters of series left without any occurrence. Keeps the calendar's occurrence
    /// count; call it before ``updateCounts()``.
    mutating func applyListedOccurrences(_ page: ChangePage, deletedEvents: [String], marking: Bool) throws {
        for id in deletedEvents { try deleteOccurrences(namingEvent: id) }
        var emptiedSeries: [String] = []
        for id in page.removedOccurrences {
            if let seriesID = try deleteOccurrence(instanceID: id), !emptiedSeries.contains(seriesID) {
                emptiedSeries.append(seriesID)
            }
        }
        try writeOccurrences(page.listedOccurrences)
        if marking {
            for occurrence in page.listedOccurrences { try markListed(occurrence.instanceID) }
        }
        let gone = try emptiedSeries.filter { try !hasOccurrences(seriesID: $0) }
        if !gone.isEmpty {
            // Deleting the master deletes its exceptions, and their rows with them.
            _ = try runDeletions(gone)
            for id in gone { try deleteOccurrences(namingEvent: id) }
        }
    }

    /// The daily slide of a listed calendar: rows outside the new window go, nothing is
    /// added (the provider's round lists what enters it). Returns false (no cap applies).
    mutating func slideListedOccurrences() throws -> Bool {
        try deleteOccurrencesOutsideWindow()
        try updateCounts()
        return false
    }

    /// The end of a marking full re-sync of a listed calendar whose sweep was applied:
    /// the occurrences the round did not list go, as the events it did not list did.
    mutating func sweepUnlistedOccurrences() throws {
        try deleteOccurrencesNotMarked()
    }

    /// Events rows no provider sent: the cancelled exceptions the Graph provider once
    /// synthesised for instances Outlook no longer listed (raw `{"@removed":…}`, before
    /// occurrences came from Graph's listing). A full re-sync of a listed calendar deletes
    /// them before its sweep, outside the safety valve's count: they were never Graph's
    /// events, so removing them is no sign of a calendar emptied by mistake.
    mutating func deleteSynthesisedCancellations() throws -> Int {
        let ids = try String.fetchAll(
            db,
            sql: """
                SELECT id FROM events
                WHERE account_id = ? AND calendar_id = ? AND kind = 'exception' AND status = 'cancelled'
                AND raw LIKE '%"@removed"%'
                """,
            arguments: key)
        return try runDeletions(ids)
    }

    private func markListed(_ instanceID: String) throws {
        try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO internal_full_sync_seen(account_id, calendar_id, event_id) VALUES (?, ?, ?)"
        ).execute(arguments: [accountID, calendarID, Self.listedOccurrenceMark + instanceID])
    }

    // MARK: One occurrence by its id

    /// Inserts or replaces the occurrence with `occurrence.instanceID` in the calendar.
    /// Returns false when it was not written: its event is not in the store, it lies
    /// outside the window, or the calendar reached its occurrence cap. A row of the same
    /// event at the same start (the table's key) is replaced too: the listing is the
    /// authority, so a `<master>_<time>` row the former expansion left gives way to Graph's
    /// id at once, instead of keeping it out until a sweep deletes both.
    @discardableResult
    mutating func storeListedOccurrence(_ occurrence: Occurrence, into sink: inout OccurrenceSink) throws -> Bool {
        var events: [String: KeyedEvent] = [:]
        return try storeListedOccurrence(occurrence, into: &sink, events: &events)
    }

    /// The same, with the events already looked up for the page's other occurrences:
    /// a page lists up to a thousand occurrences of a few series whose masters came on
    /// earlier pages, and each master is read from `events` once, not once per occurrence.
    @discardableResult
    private mutating func storeListedOccurrence(
        _ occurrence: Occurrence, into sink: inout OccurrenceSink, events: inout [String: KeyedEvent]
    ) throws -> Bool {
        let event: KeyedEvent
        if let known = events[occurrence.eventID] {
            event = known
        } else {
            guard let read = try keyedEvent(occurrence.eventID) else { return false }
            events[occurrence.eventID] = read
            event = read
        }
        sink.removed(try deleteListedOccurrence(occurrence.instanceID, in: sink.target))
        // A row the page's own insert of the event cannot have (its rowid is new).
        if !freshKeys.contains(event.key) {
            let allDayZone =
                occurrence.start.isAllDay
                ? sink.calendarZone ?? event.event.timeZone.flatMap(TimeZone.init(identifier:)) : nil
            sink.removed(
                try deleteOccurrenceRow(
                    event: event.key, start: occurrence.start.unixSeconds(allDayZone: allDayZone), in: sink.target))
        }
        let derived =
            event.event.kind == .series
            ? RecurrenceExpander.instanceID(master: event.event.id, start: occurrence.start) : event.event.id
        return try sink.add(
            occurrence, event: event.key, eventZone: event.event.timeZone, derivedID: derived == occurrence.instanceID)
    }

    /// Deletes the occurrence with this instance id from the calendar (live and staged);
    /// unknown ids are ignored. Returns how many rows went.
    @discardableResult
    mutating func removeListedOccurrence(_ instanceID: String) throws -> Int {
        let live = try deleteListedOccurrence(instanceID, in: .live)
        if live > 0 { setOccurrenceCount(try occurrenceCount(of: .live) - live, of: .live) }
        let target = OccurrenceSink.Target.staged(calendar: calendarKey)
        let staged = try deleteListedOccurrence(instanceID, in: target)
        if staged > 0 { setOccurrenceCount(try occurrenceCount(of: target) - staged, of: target) }
        return live + staged
    }

    // MARK: Rows (every statement on occurrence rows for listed calendars)

    /// The series column of a row of `internal_occurrences` `o` joined to its event `e`, as
    /// the `occurrences` view gives it.
    private static let seriesOfRow = "CASE e.kind WHEN 'series' THEN e.id WHEN 'exception' THEN e.series_id END"

    /// Inserts or replaces the listed occurrences that overlap the writer's window, live,
    /// through the store's ``OccurrenceSink`` (SQLite's own bind calls, the calendar's
    /// occurrence cap, all-day times in the calendar's zone).
    private mutating func writeOccurrences(_ occurrences: [Occurrence]) throws {
        guard !occurrences.isEmpty else { return }
        var sink = try OccurrenceSink(
            writer: self, target: .live, window: window, startingCount: try occurrenceCount(of: .live))
        defer {
            setOccurrenceCount(sink.count, of: .live)
            outcome.occurrencesCapped = outcome.occurrencesCapped || sink.capped
        }
        var events: [String: KeyedEvent] = [:]
        for occurrence in occurrences { try storeListedOccurrence(occurrence, into: &sink, events: &events) }
    }

    /// Deletes the occurrence `instanceID`; returns its series, if it had one (nil too when
    /// there was no such occurrence).
    private mutating func deleteOccurrence(instanceID: String) throws -> String? {
        let arguments: StatementArguments = [instanceID, accountID, calendarID]
        // A stored id, by the partial index of stored ids.
        var row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT \(Self.seriesOfRow) AS series_id FROM internal_occurrences o JOIN events e ON e.rowid = o.event
                    WHERE o.instance_id = ?1 AND e.account_id = ?2 AND e.calendar_id = ?3 LIMIT 1
                    """),
            arguments: arguments)
        if row == nil {
            // A derived id: the single or exception of that id, or a series' `<master>_<stamp>`.
            row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.seriesOfRow) AS series_id FROM events e JOIN internal_occurrences o ON o.event = e.rowid
                        WHERE e.account_id = ?2 AND e.calendar_id = ?3 AND e.id IN (?1, rtrim(rtrim(?1, '0123456789TZ'), '_'))
                        AND \(StoreSchema.derivedInstanceID("o.instance_id")) = ?1 LIMIT 1
                        """),
                arguments: arguments)
        }
        guard let row else { return nil }
        try removeListedOccurrence(instanceID)
        return row["series_id"]
    }

    /// Deletes the rows of `target` whose instance id (stored, else derived) is `instanceID`.
    /// A stored id is found by the partial index of listed ids; a derived one from the
    /// event its id names.
    private func deleteListedOccurrence(_ instanceID: String, in target: OccurrenceSink.Target) throws -> Int {
        switch target {
        case .live:
            try db.cachedStatement(
                sql: """
                    DELETE FROM internal_occurrences WHERE instance_id = ?1
                    AND (SELECT account_id = ?2 AND calendar_id = ?3 FROM events WHERE rowid = event)
                    """
            ).execute(arguments: [instanceID, accountID, calendarID])
            if db.changesCount > 0 { return db.changesCount }
            try db.cachedStatement(
                sql: """
                    DELETE FROM internal_occurrences
                    WHERE (event, start_ts) IN (
                        SELECT e.rowid, o.start_ts FROM events e JOIN internal_occurrences o ON o.event = e.rowid
                        WHERE e.account_id = ?2 AND e.calendar_id = ?3
                        AND e.id IN (?1, rtrim(rtrim(?1, '0123456789TZ'), '_'))
                        AND \(StoreSchema.derivedInstanceID("o.instance_id")) = ?1)
                    """
            ).execute(arguments: [instanceID, accountID, calendarID])
            return db.changesCount
        case .staged(let calendar):
            try db.cachedStatement(
                sql: "DELETE FROM internal_occurrences_staged WHERE calendar = ? AND instance_id = ?"
            ).execute(arguments: [calendar, instanceID])
            return db.changesCount
        }
    }

    /// Deletes the row of the `events` row `event` at `start` (the table's key) in `target`.
    private func deleteOccurrenceRow(event: Int64, start: Int64, in target: OccurrenceSink.Target) throws -> Int {
        switch target {
        case .live:
            try db.cachedStatement(sql: "DELETE FROM internal_occurrences WHERE event = ? AND start_ts = ?")
                .execute(arguments: [event, start])
        case .staged(let calendar):
            try db.cachedStatement(
                sql: "DELETE FROM internal_occurrences_staged WHERE calendar = ? AND event = ? AND start_ts = ?"
            ).execute(arguments: [calendar, event, start])
        }
        return db.changesCount
    }

    /// Deletes the occurrences whose event or series is the event `id`.
    private mutating func deleteOccurrences(namingEvent id: String) throws {
        try db.cachedStatement(
            sql: """
                DELETE FROM internal_occurrences WHERE event IN (
                    SELECT rowid FROM events WHERE account_id = ?1 AND calendar_id = ?2 AND id = ?3
                    UNION ALL
                    SELECT rowid FROM events WHERE account_id = ?1 AND calendar_id = ?2 AND series_id = ?3)
                """
        ).execute(arguments: [accountID, calendarID, id])
        let deleted = db.changesCount
        if deleted > 0 { setOccurrenceCount(try occurrenceCount(of: .live) - deleted, of: .live) }
    }

    private func hasOccurrences(seriesID: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT EXISTS (SELECT 1 FROM events e JOIN internal_occurrences o ON o.event = e.rowid
                        WHERE e.account_id = ?1 AND e.calendar_id = ?2 AND e.id = ?3)
                    OR EXISTS (SELECT 1 FROM events e JOIN internal_occurrences o ON o.event = e.rowid
                        WHERE e.account_id = ?1 AND e.calendar_id = ?2 AND e.series_id = ?3)
                    """),
            arguments: [accountID, calendarID, seriesID]) ?? false
    }

    /// Deletes the rows that ended before the window or start after it, by the time index
    /// (a zero-length row at the window's start stays, as the writer admits it).
    private mutating func deleteOccurrencesOutsideWindow() throws {
        var live = try occurrenceCount(of: .live)
        let calendar = "(SELECT account_id = ?2 AND calendar_id = ?3 FROM events WHERE rowid = event)"
        try db.execute(
            sql: "DELETE FROM internal_occurrences WHERE start_ts < ?1 AND end_ts <= ?1 AND \(calendar)",
            arguments: [Int64(window.start.timeIntervalSince1970), accountID, calendarID])
        live -= db.changesCount
        try db.execute(
            sql: "DELETE FROM internal_occurrences WHERE start_ts >= ?1 AND \(calendar)",
            arguments: [Int64(window.end.timeIntervalSince1970), accountID, calendarID])
        live -= db.changesCount
        setOccurrenceCount(live, of: .live)
    }

    /// Deletes the calendar's rows whose instance id (stored, else derived, as the views
    /// give it) the re-sync did not mark: one statement over the calendar's events.
    private mutating func deleteOccurrencesNotMarked() throws {
        try db.execute(
            sql: """
                DELETE FROM internal_occurrences
                WHERE (event, start_ts) IN (
                    SELECT o.event, o.start_ts FROM events e JOIN internal_occurrences o ON o.event = e.rowid
                    WHERE e.account_id = ?1 AND e.calendar_id = ?2
                    AND NOT EXISTS (SELECT 1 FROM internal_full_sync_seen s
                        WHERE s.account_id = ?1 AND s.calendar_id = ?2
                        AND s.event_id = ?3 || \(StoreSchema.derivedInstanceID("o.instance_id"))))
                """,
            arguments: key + [Self.listedOccurrenceMark])
        let deleted = db.changesCount
        if deleted > 0 { setOccurrenceCount(try occurrenceCount(of: .live) - deleted, of: .live) }
    }
}
