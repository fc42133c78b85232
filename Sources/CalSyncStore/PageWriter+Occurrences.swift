import CalSyncModel
import CalSyncRecurrence
import Foundation
import GRDB

/// Occurrences: rebuilt for what a page touched, or loaded in bulk for a whole calendar.
extension PageWriter {
    /// Re-expands every series and single of the calendar for the writer's window (the
    /// daily slide): the same bulk load as a first listing's end.
    /// Returns whether the calendar's occurrence cap left some out.
    mutating func rebuildAll() throws -> Bool {
        try loadAllOccurrences()
        try updateCounts()
        return outcome.occurrencesCapped
    }

    /// Every occurrence of the calendar written in one go: at the end of a calendar's first
    /// listing, in the transaction of its last page (readers see the agenda empty, then
    /// whole), and when the window slides.
    ///
    /// Written page by page, each page's ~15 occurrences per event land all over the
    /// time-ordered indexes, so every page rewrites most of their pages and a 100,000-event
    /// calendar costs several times the work of one load (docs/benchmarks.md). When this
    /// calendar brings most of the table's occurrences, the secondary indexes are dropped
    /// for the load and built again by sorting, inside the same transaction: readers keep
    /// the committed indexes until it commits, and a failure rolls all of it back.
    mutating func loadAllOccurrences() throws {
        try db.execute(sql: "DELETE FROM occurrences WHERE account_id = ? AND calendar_id = ?", arguments: key)
        let events =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM events WHERE account_id = ? AND calendar_id = ?", arguments: key) ?? 0
        let elsewhere =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(occurrences_count), 0) FROM sync_state
                    WHERE NOT (account_id = ? AND calendar_id = ?)
                    """,
                arguments: key) ?? 0
        // Re-indexing sorts every row of the table; inserting into live indexes costs a
        // random B-tree descent per row and index. Events are a lower bound of the rows to
        // come (a series brings many), so this errs towards keeping the indexes.
        let rebuildIndexes = elsewhere < events * 10
        if rebuildIndexes {
            for index in StoreSchema.occurrenceIndexes {
                try db.execute(sql: "DROP INDEX IF EXISTS \(index.name)")
            }
        }
        try rebuildEverything()
        if rebuildIndexes {
            // The sort of a large index spills to temporary files, not to memory, and its
            // in-memory runs are sized from the page cache: 2 MiB instead of the store's 4
            // keeps the daemon's peak memory where the pages put it (docs/benchmarks.md).
            try db.execute(sql: "PRAGMA temp_store = FILE; PRAGMA cache_size = -2048")
            defer {
                try? db.execute(
                    sql: "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -\(CalendarStore.pageCacheKiB)")
            }
            for index in StoreSchema.occurrenceIndexes { try db.execute(sql: index.sql) }
        }
    }

    /// Expands every single and series of a calendar that has no occurrence left, walking
    /// its events in id order a batch at a time: memory stays flat whatever the size of the
    /// calendar, and the primary-key index is written in order. Nothing is deleted first
    /// (there is nothing to delete, and without the series index a delete would scan).
    mutating func rebuildEverything() throws {
        var sink = try OccurrenceSink(writer: self, startingCount: 0)
        defer { outcome.occurrencesCapped = outcome.occurrencesCapped || sink.capped }
        let batchSize = 1000
        let next = try db.cachedStatement(
            sql: """
                SELECT id, kind FROM events
                WHERE account_id = ? AND calendar_id = ? AND kind != 'exception' AND id > ?
                ORDER BY id LIMIT \(batchSize)
                """)
        var after = ""
        while true {
            let batch = try Row.fetchAll(next, arguments: [accountID, calendarID, after])
            for row in batch {
                let id: String = row["id"]
                if Self.kind(row) == .series {
                    try rebuildSeries(id, deletingOld: false, into: &sink)
                } else {
                    try rebuildSingle(id, deletingOld: false, into: &sink)
                }
            }
            guard batch.count == batchSize, let last = batch.last else { break }
            after = last["id"]
        }
        // Exceptions whose series has no readable master stand alone (docs/store.md "occurrences").
        let orphaned = try String.fetchAll(
            db,
            sql: """
                SELECT DISTINCT series_id FROM events e
                WHERE account_id = ?1 AND calendar_id = ?2 AND kind = 'exception' AND series_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM events m
                    WHERE m.account_id = ?1 AND m.calendar_id = ?2 AND m.id = e.series_id AND m.kind = 'series')
                """,
            arguments: key)
        for seriesID in orphaned { try rebuildSeries(seriesID, deletingOld: false, into: &sink) }
    }

    /// Rebuilds the occurrences of every touched single and series, in id order: instance
    /// ids begin with their event's id, so the primary-key index is written in order
    /// instead of at random (the sets iterate in hash order).
    mutating func rebuildTouched() throws {
        var sink = try OccurrenceSink(writer: self)
        defer { outcome.occurrencesCapped = outcome.occurrencesCapped || sink.capped }
        let work = (touchedSingles.map { (id: $0, isSeries: false) } + touchedSeries.map { (id: $0, isSeries: true) })
            .sorted { $0.id < $1.id }
        for item in work {
            if item.isSeries {
                try rebuildSeries(item.id, deletingOld: true, into: &sink)
            } else {
                try rebuildSingle(item.id, deletingOld: true, into: &sink)
            }
        }
        touchedSeries.removeAll()
        touchedSingles.removeAll()
    }

    func rebuildSingle(_ id: String, deletingOld: Bool, into sink: inout OccurrenceSink) throws {
        if deletingOld {
            // A single's instance id is its own id: the primary key finds it.
            try db.cachedStatement(
                sql:
                    "DELETE FROM occurrences WHERE account_id = ? AND calendar_id = ? AND instance_id = ? AND series_id IS NULL"
            ).execute(arguments: [accountID, calendarID, id])
            sink.removed(db.changesCount)
        }
        guard let event = try loadEvent(id), event.kind == .single else { return }
        try sink.add(
            Occurrence(instanceID: event.id, eventID: event.id, seriesID: nil, start: event.start, end: event.end),
            eventZone: event.timeZone)
    }

    mutating func rebuildSeries(_ seriesID: String, deletingOld: Bool, into sink: inout OccurrenceSink) throws {
        if deletingOld {
            try db.cachedStatement(
                sql: "DELETE FROM occurrences WHERE account_id = ? AND calendar_id = ? AND series_id = ?"
            ).execute(arguments: [accountID, calendarID, seriesID])
            sink.removed(db.changesCount)
        }
        let exceptions = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(StoredEvent.expansionColumns) FROM events
                    WHERE account_id = ? AND calendar_id = ? AND series_id = ? AND kind = 'exception'
                    """),
            arguments: [accountID, calendarID, seriesID]
        ).compactMap(StoredEvent.event(from:))
        if let master = try loadEvent(seriesID), master.kind == .series {
            try fillCancelledEnds(exceptions, master: master, calendarZone: sink.calendarZone)
            do {
                let expansion = try store.expander.occurrences(
                    of: master, exceptions: exceptions, window: window,
                    calendarTimeZone: sink.calendarZone?.identifier)
                for occurrence in expansion.occurrences { try sink.add(occurrence, eventZone: master.timeZone) }
                if expansion.truncated { outcome.truncatedSeries.append(seriesID) }
                return
            } catch let error as CalSyncError {
                try quarantine(seriesID, reason: "recurrence cannot be expanded: \(error.message)", raw: nil)
                outcome.quarantined += 1
            }
        }
        // No readable master: each remaining instance stands alone (docs/store.md "occurrences").
        for exception in exceptions where exception.status != .cancelled {
            try sink.add(
                Occurrence(
                    instanceID: exception.id, eventID: exception.id, seriesID: seriesID, start: exception.start,
                    end: exception.end), eventZone: exception.timeZone)
        }
    }

    /// docs/store.md "events": a cancelled exception ends at its original start plus the series' length.
    /// Google's cancelled instances carry no times (the mapping stores the original start
    /// twice), so the end is filled in here, once the master is known — whichever of the
    /// two arrived first. Cancelled exceptions with times of their own are left alone.
    func fillCancelledEnds(_ exceptions: [CalendarEvent], master: CalendarEvent, calendarZone: TimeZone?) throws {
        let length = SeriesLength(of: master)
        for exception in exceptions where exception.status == .cancelled && exception.start == exception.originalStart {
            guard let end = length?.end(ofInstanceAt: exception.start), end != exception.end else { continue }
            let allDayZone = calendarZone ?? exception.timeZone.flatMap(TimeZone.init(identifier:))
            try db.execute(
                sql: #"UPDATE events SET "end" = ?, end_ts = ? WHERE account_id = ? AND calendar_id = ? AND id = ?"#,
                arguments: [
                    end.description, end.unixSeconds(allDayZone: allDayZone), accountID, calendarID, exception.id,
                ])
        }
    }

    func loadEvent(_ id: String) throws -> CalendarEvent? {
        try Row.fetchOne(
            db.cachedStatement(
                sql:
                    "SELECT \(StoredEvent.expansionColumns) FROM events WHERE account_id = ? AND calendar_id = ? AND id = ?"
            ), arguments: [accountID, calendarID, id]
        ).flatMap(StoredEvent.event(from:))
    }
}
