import CalSyncModel
import CalSyncRecurrence
import Foundation
import GRDB

/// Occurrences of calendars whose provider lists every instance itself
/// (``OccurrenceSource/listed``, Graph's `calendarView/delta`; docs/store.md "occurrences").
///
/// Nothing is expanded: a page's ``ChangePage/listedOccurrences`` are written by instance
/// id (inserted or replaced), its ``ChangePage/removedOccurrences`` deleted exactly, and an
/// event the page deletes takes the occurrences that name it (as their event or their
/// series) with it. A series whose last occurrence is removed is no longer in the
/// provider's view (calendarView lists only events with an instance in its window): its
/// master goes too.
///
/// Where they are written is the page's ``PagePlan/Occurrences``, as for expanded
/// calendars: live, or, during a calendar's first listing, staged in order of arrival
/// (`internal_listed_staged`, PageWriter+ListedStage) and published by its last page in
/// one sorted copy (``publishStaged()``). Every removal looks at both, so a first
/// listing's `@removed` instances, deleted events and emptied series leave nothing behind
/// in the stage.
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
    /// then the listed ones into `target` (marked seen when the page belongs to a marking
    /// re-sync), then the masters of series left without any occurrence. Keeps the
    /// calendar's occurrence counts; call it before ``updateCounts()``.
    mutating func applyListedOccurrences(
        _ page: ChangePage, deletedEvents: [String], marking: Bool, into target: OccurrenceSink.Target = .live
    ) throws {
        for id in deletedEvents { try deleteOccurrences(namingEvent: id) }
        var emptiedSeries: [String] = []
        for id in page.removedOccurrences {
            if let seriesID = try deleteOccurrence(instanceID: id), !emptiedSeries.contains(seriesID) {
                emptiedSeries.append(seriesID)
            }
        }
        try writeOccurrences(page.listedOccurrences, into: target)
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

    /// The daily slide of a listed calendar: rows outside the new window go (staged ones
    /// of a first listing under way too), nothing is added (the provider's round lists
    /// what enters it). Returns false (no cap applies).
    mutating func slideListedOccurrences() throws -> Bool {
        try deleteOccurrencesOutsideWindow()
        try updateCounts()
        return false
    }

    /// The end of a marking full re-sync of a listed calendar whose sweep was applied:
    /// the occurrences the round did not list go, as the events it did not list did (staged
    /// ones too: a first listing cut short and begun again marks, and what its first
    /// attempt staged may be gone since).
    mutating func sweepUnlistedOccurrences() throws {
        try deleteOccurrencesNotMarked(in: .live)
        try deleteOccurrencesNotMarked(in: .staged(calendar: calendarKey))
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

    /// Inserts or replaces the occurrence with `occurrence.instanceID` in the sink's target.
    /// Returns false when it was not written: its event is not in the store, it lies
    /// outside the window, or the calendar reached its occurrence cap. A row of the same
    /// event at the same start (the table's key) is replaced too: the listing is the
    /// authority, so a `<master>_<time>` row the former expansion left gives way to Graph's
    /// id at once, instead of keeping it out until a sweep deletes both.
    @discardableResult
    mutating func storeListedOccurrence(_ occurrence: Occurrence, into sink: inout OccurrenceSink) throws -> Bool {
        var rows = try ListedPageRows(db, target: sink.target, accountID: accountID, calendarID: calendarID)
        return try storeListedOccurrence(occurrence, into: &sink, rows: &rows)
    }

    /// The same, with the page's statements and events: a page lists up to a thousand
    /// occurrences of hundreds of series whose masters came on earlier pages; each is read
    /// once per page.
    @discardableResult
    private mutating func storeListedOccurrence(
        _ occurrence: Occurrence, into sink: inout OccurrenceSink, rows: inout ListedPageRows
    ) throws -> Bool {
        let id = occurrence.instanceID
        guard
            let event = try rows.event(
                occurrence.eventID, written: pageEvents[occurrence.eventID],
                deleted: deletedIDs.contains(occurrence.eventID))
        else {
            return false
        }
        let stamped = ListedPageRows.hasStampSuffix(id)
        // A first listing's stage is appended to, never looked up: an id listed twice is
        // staged twice, and its publish keeps the newest (``publishListedStage()``).
        if sink.target == .live {
            // An event the page inserted has no row yet (its rowid is new, and an event's
            // rows go with it): nothing of it to replace.
            let fresh = freshKeys.contains(event.key)
            var removed = try rows.deleteStored(id)
            // A derived id names its event (a single's, an exception's: the event's own id)
            // or its series (`<series>_<stamp>`); a fresh event's own id has no row to find.
            if removed == 0, stamped || (id == event.id && !fresh) {
                removed = try rows.deleteDerived(id)
            }
            sink.removed(removed)
            // Only the former expansion left rows under another id at an occurrence's key.
            if !fresh {
                let allDayZone =
                    occurrence.start.isAllDay
                    ? sink.calendarZone ?? event.timeZone.flatMap(TimeZone.init(identifier:)) : nil
                sink.removed(
                    try rows.deleteRow(event: event.key, start: occurrence.start.unixSeconds(allDayZone: allDayZone)))
            }
        }
        let derived =
            event.kind == .series
            ? stamped && RecurrenceExpander.instanceID(master: event.id, start: occurrence.start) == id
            : event.id == id
        return try sink.add(occurrence, event: event.key, eventZone: event.timeZone, derivedID: derived)
    }

    /// Deletes the occurrence with this instance id from the calendar (live and staged);
    /// unknown ids are ignored. Returns how many rows went.
    @discardableResult
    mutating func removeListedOccurrence(_ instanceID: String) throws -> Int {
        var total = 0
        for target in [OccurrenceSink.Target.live, .staged(calendar: calendarKey)] {
            let rows = try ListedPageRows(db, target: target, accountID: accountID, calendarID: calendarID)
            var removed = try rows.deleteStored(instanceID)
            if removed == 0 { removed = try rows.deleteDerived(instanceID) }
            if removed > 0 { setOccurrenceCount(try occurrenceCount(of: target) - removed, of: target) }
            total += removed
        }
        return total
    }

    // MARK: Rows (every statement on occurrence rows for listed calendars)

    /// The series column of a row of `internal_occurrences` `o` joined to its event `e`, as
    /// the `occurrences` view gives it.
    private static let seriesOfRow = "CASE e.kind WHEN 'series' THEN e.id WHEN 'exception' THEN e.series_id END"

    /// Inserts or replaces the listed occurrences that overlap the writer's window in
    /// `target`, through the store's ``OccurrenceSink`` (SQLite's own bind calls, the
    /// calendar's occurrence cap, all-day times in the calendar's zone).
    private mutating func writeOccurrences(_ occurrences: [Occurrence], into target: OccurrenceSink.Target) throws {
        guard !occurrences.isEmpty else { return }
        var sink = try OccurrenceSink(
            writer: self, target: target, window: window, startingCount: try occurrenceCount(of: target))
        defer {
            setOccurrenceCount(sink.count, of: target)
            outcome.occurrencesCapped = outcome.occurrencesCapped || sink.capped
        }
        var rows = try ListedPageRows(
            db, target: target, accountID: accountID, calendarID: calendarID, cache: store.listedEvents,
            calendarKey: calendarKey)
        for occurrence in occurrences { try storeListedOccurrence(occurrence, into: &sink, rows: &rows) }
        learnedEvents.merge(rows.readFromStore) { _, read in read }
    }

    /// The rowids of calendar `?2` of account `?1`'s events that are the event `?3` or
    /// exceptions of it: each by its own index. Asked as one `id = ?3 OR series_id = ?3`,
    /// SQLite read every event of the calendar to test `series_id`: 0.4 s a removed series
    /// in a 100,000-event Microsoft calendar (docs/benchmarks.md).
    static let eventsNamingEvent = """
        SELECT rowid FROM events WHERE account_id = ?1 AND calendar_id = ?2 AND id = ?3
        UNION
        SELECT rowid FROM events WHERE account_id = ?1 AND calendar_id = ?2 AND series_id = ?3
        """

    /// The series (`series_id`) of the row of `target` whose stored id is `?1` in calendar
    /// `?3` of account `?2` (`?4` the id's ``ListedKey``), one row or none. CROSS JOIN makes
    /// SQLite start at the index of keys: left to choose, the `sqlite3` shell started at the
    /// calendar's events and looked each up in that index (30 ms a look-up in a
    /// 100,000-event calendar, 3 s with its pages not cached). calsyncd was not seen to
    /// choose so; the join order is not left to chance.
    static func seriesOfStoredID(in target: OccurrenceSink.Target) -> String {
        let rows = ListedPageRows.rows(of: target)
        return """
            SELECT \(seriesOfRow) AS series_id FROM \(rows.table) o CROSS JOIN events e ON e.rowid = o.event
            WHERE \(rows.ofCalendar("o.")) \(ListedKey.storesID("o.", id: "?1", key: "?4"))
            AND e.account_id = ?2 AND e.calendar_id = ?3
            LIMIT 1
            """
    }

    /// Deletes the occurrence `instanceID`, live or staged; returns its series, if it had
    /// one (nil too when there was no such occurrence).
    private mutating func deleteOccurrence(instanceID: String) throws -> String? {
        let arguments: StatementArguments = [instanceID, accountID, calendarID]
        var row: Row?
        for target in [OccurrenceSink.Target.live, .staged(calendar: calendarKey)] where row == nil {
            let rows = ListedPageRows.rows(of: target)
            // A stored id, by the partial index of stored ids' keys.
            row = try Row.fetchOne(
                db.cachedStatement(sql: Self.seriesOfStoredID(in: target)),
                arguments: arguments + [ListedKey.of(instanceID)])
            if row == nil {
                // A derived id: the single or exception of that id, or a series' `<master>_<stamp>`.
                row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT \(Self.seriesOfRow) AS series_id FROM events e JOIN \(rows.table) o ON o.event = e.rowid
                            WHERE \(rows.ofCalendar("o.")) e.account_id = ?2 AND e.calendar_id = ?3
                            AND e.id IN (?1, rtrim(rtrim(?1, '0123456789TZ'), '_'))
                            AND \(StoreSchema.derivedInstanceID("o.instance_id")) = ?1 LIMIT 1
                            """),
                    arguments: arguments)
            }
        }
        guard let row else { return nil }
        try removeListedOccurrence(instanceID)
        return row["series_id"]
    }

    /// Deletes the occurrences, live and staged, whose event or series is the event `id`
    /// (staged: marks those events dropped, ``dropStagedListed(event:calendar:)``).
    private mutating func deleteOccurrences(namingEvent id: String) throws {
        let named = try Int64.fetchAll(
            db.cachedStatement(sql: Self.eventsNamingEvent), arguments: [accountID, calendarID, id])
        // The live rows of the events just found, by the table's key: not by finding the
        // events a second time.
        let deleteLive = try db.cachedStatement(sql: "DELETE FROM internal_occurrences WHERE event = ?")
        var deleted = 0
        for event in named {
            try dropStagedListed(event: event, calendar: calendarKey)
            try deleteLive.execute(arguments: [event])
            deleted += db.changesCount
        }
        if deleted > 0 { setOccurrenceCount(try occurrenceCount(of: .live) - deleted, of: .live) }
    }

    /// Whether any row, live or staged, names the series `seriesID` or one of its exceptions.
    /// (A staged row a drop mark voids counts only if its rowid came back for this series
    /// within the listing: then the master stays, without occurrences.)
    private func hasOccurrences(seriesID: String) throws -> Bool {
        for target in [OccurrenceSink.Target.live, .staged(calendar: calendarKey)] {
            let rows = ListedPageRows.rows(of: target)
            let found =
                try Bool.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT EXISTS (SELECT 1 FROM events e JOIN \(rows.table) o ON o.event = e.rowid
                                WHERE \(rows.ofCalendar("o.")) e.account_id = ?1 AND e.calendar_id = ?2 AND e.id = ?3)
                            OR EXISTS (SELECT 1 FROM events e JOIN \(rows.table) o ON o.event = e.rowid
                                WHERE \(rows.ofCalendar("o.")) e.account_id = ?1 AND e.calendar_id = ?2 AND e.series_id = ?3)
                            """),
                    arguments: [accountID, calendarID, seriesID]) ?? false
            if found { return true }
        }
        return false
    }

    /// Deletes the rows, live and staged, that ended before the window or start after it
    /// (a zero-length row at the window's start stays, as the writer admits it); live rows
    /// by the time index.
    private mutating func deleteOccurrencesOutsideWindow() throws {
        for target in [OccurrenceSink.Target.live, .staged(calendar: calendarKey)] {
            let rows = ListedPageRows.rows(of: target)
            var count = try occurrenceCount(of: target)
            let calendar = "(SELECT account_id = ?2 AND calendar_id = ?3 FROM events WHERE rowid = event)"
            try db.execute(
                sql: """
                    DELETE FROM \(rows.table) WHERE \(rows.ofCalendar("")) start_ts < ?1 AND end_ts <= ?1 AND \(calendar)
                    """,
                arguments: [Int64(window.start.timeIntervalSince1970), accountID, calendarID])
            count -= db.changesCount
            try db.execute(
                sql: "DELETE FROM \(rows.table) WHERE \(rows.ofCalendar("")) start_ts >= ?1 AND \(calendar)",
                arguments: [Int64(window.end.timeIntervalSince1970), accountID, calendarID])
            count -= db.changesCount
            setOccurrenceCount(count, of: target)
        }
    }

    /// Deletes the calendar's rows in `target` whose instance id (stored, else derived, as
    /// the views give it) the re-sync did not mark: one statement over the calendar's events.
    private mutating func deleteOccurrencesNotMarked(in target: OccurrenceSink.Target) throws {
        let rows = ListedPageRows.rows(of: target)
        try db.execute(
            sql: """
                DELETE FROM \(rows.table)
                WHERE \(rows.ofCalendar("")) (event, start_ts) IN (
                    SELECT o.event, o.start_ts FROM events e JOIN \(rows.table) o ON o.event = e.rowid
                    WHERE \(rows.ofCalendar("o.")) e.account_id = ?1 AND e.calendar_id = ?2
                    AND NOT EXISTS (SELECT 1 FROM internal_full_sync_seen s
                        WHERE s.account_id = ?1 AND s.calendar_id = ?2
                        AND s.event_id = ?3 || \(StoreSchema.derivedInstanceID("o.instance_id"))))
                """,
            arguments: key + [Self.listedOccurrenceMark])
        let deleted = db.changesCount
        if deleted > 0 { setOccurrenceCount(try occurrenceCount(of: target) - deleted, of: target) }
    }
}
