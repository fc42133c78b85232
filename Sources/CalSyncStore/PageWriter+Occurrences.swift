import CalSyncModel
import CalSyncRecurrence
import Foundation
import GRDB

/// An event as the occurrence writer needs it: its values and its `events` rowid, the key
/// of its occurrence rows.
struct KeyedEvent {
    var event: CalendarEvent
    var key: Int64
}

/// Occurrences: expanded from the page that brought their events (into the live table, or
/// staged during a first listing and published by its last page), slid with the window.
extension PageWriter {
    // MARK: A page's occurrences

    /// Rebuilds the occurrences of every single and series the page touched: singles first
    /// (a single that became a series, or the other way round, has rows of both to settle),
    /// then series. An event the page wrote is expanded from the page's own values; only
    /// what the page did not bring (the master of an exception, a series' exceptions) is
    /// read from the store.
    mutating func rebuildTouched(into target: OccurrenceSink.Target) throws {
        guard !touchedSingles.isEmpty || !touchedSeries.isEmpty else { return }
        var sink = try OccurrenceSink(
            writer: self, target: target, window: window, startingCount: try occurrenceCount(of: target))
        defer {
            outcome.occurrencesCapped = outcome.occurrencesCapped || sink.capped
            setOccurrenceCount(sink.count, of: target)
        }
        for id in touchedSingles.sorted() { try rebuildSingle(id, into: &sink) }
        for id in touchedSeries.sorted() { try rebuildSeries(id, into: &sink) }
        touchedSeries.removeAll()
        touchedSingles.removeAll()
    }

    private func rebuildSingle(_ id: String, into sink: inout OccurrenceSink) throws {
        // Gone: its rows went with it (``deleteOccurrences(ofEvent:)``). A series now: its
        // own rebuild settles its rows.
        guard let single = try keyedEvent(id), single.event.kind != .series else { return }
        try deleteOldOccurrences(of: single.key, from: &sink)
        guard single.event.kind == .single else { return }
        try sink.add(
            Occurrence(
                instanceID: id, eventID: id, seriesID: nil, start: single.event.start, end: single.event.end),
            event: single.key, eventZone: single.event.timeZone, derivedID: true)
    }

    private mutating func rebuildSeries(_ seriesID: String, into sink: inout OccurrenceSink) throws {
        let master = try keyedEvent(seriesID).flatMap { $0.event.kind == .series ? $0 : nil }
        let exceptions = try storedExceptions(of: seriesID)
        if let master { try deleteOldOccurrences(of: master.key, from: &sink) }
        for exception in exceptions { try deleteOldOccurrences(of: exception.key, from: &sink) }
        try expandSeries(seriesID, master: master, exceptions: exceptions, window: window, into: &sink)
    }

    /// Deletes the rows of an event before it is expanded again, unless the page inserted
    /// it (a first listing's 100,000 events would cost as many deletions of nothing).
    private func deleteOldOccurrences(of event: Int64, from sink: inout OccurrenceSink) throws {
        guard !freshKeys.contains(event) else { return }
        sink.removed(try deleteOccurrences(ofEvent: event, in: sink.target))
    }

    /// Writes the instances of a series (or, without a readable master, its exceptions
    /// standing alone: docs/store.md "occurrences") that overlap `window`.
    mutating func expandSeries(
        _ seriesID: String, master: KeyedEvent?, exceptions: [KeyedEvent], window: SyncWindow,
        into sink: inout OccurrenceSink
    ) throws {
        if let master {
            try fillCancelledEnds(exceptions.map(\.event), master: master.event, calendarZone: sink.calendarZone)
            do {
                let expansion = try store.expander.occurrences(
                    of: master.event, exceptions: exceptions.map(\.event), window: window,
                    calendarTimeZone: sink.calendarZone?.identifier)
                var keys: [String: Int64] = [:]
                if expansion.occurrences.count > 0 {
                    for exception in exceptions { keys[exception.event.id] = exception.key }
                }
                for occurrence in expansion.occurrences {
                    // An exception's instance id is its own id, a rule's instance the master's
                    // Google form: both are what the views derive.
                    try sink.add(
                        occurrence, event: keys[occurrence.eventID] ?? master.key, eventZone: master.event.timeZone,
                        derivedID: true)
                }
                if expansion.truncated { outcome.truncatedSeries.append(seriesID) }
                return
            } catch let error as CalSyncError {
                try quarantine(seriesID, reason: "recurrence cannot be expanded: \(error.message)", raw: nil)
                outcome.quarantined += 1
            }
        }
        for exception in exceptions where exception.event.status != .cancelled {
            try sink.add(
                Occurrence(
                    instanceID: exception.event.id, eventID: exception.event.id, seriesID: seriesID,
                    start: exception.event.start, end: exception.event.end),
                event: exception.key, eventZone: exception.event.timeZone, derivedID: true)
        }
    }

    // MARK: A first listing's end

    /// Publishes the occurrences a first listing staged page by page, in the transaction of
    /// its last page: readers see the agenda empty, then whole.
    ///
    /// An expanded calendar's staged rows are in event order, so the live table is written
    /// in order; a listed calendar's are in order of arrival, sorted once here
    /// (``copyListedStage()``). When this calendar brings most of the table's rows, the
    /// occurrence indexes are dropped for the copy and built again by sorting, inside the
    /// same transaction: readers keep the committed indexes until it commits, and a failure
    /// rolls all of it back (docs/benchmarks.md).
    mutating func publishStaged() throws {
        let staged = try occurrenceCount(of: .staged(calendar: calendarKey))
        let live = try occurrenceCount(of: .live)
        let elsewhere = try occurrencesElsewhere()
        let rebuildIndexes = elsewhere + live < staged
        if rebuildIndexes {
            for index in StoreSchema.occurrenceIndexes { try db.execute(sql: "DROP INDEX IF EXISTS \(index.name)") }
        }
        let stage = source == .listed ? "internal_listed_staged" : "internal_occurrences_staged"
        if source == .listed {
            store.listedEvents.forget(calendar: calendarKey)
            learnedEvents = [:]
            try copyListedStage()
        } else {
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO internal_occurrences(event, start_ts, end_ts, instance_id, listed_key)
                    SELECT event, start_ts, end_ts, instance_id, listed_key FROM internal_occurrences_staged
                    WHERE calendar = ?
                    ORDER BY event, start_ts
                    """,
                arguments: [calendarKey])
        }
        setOccurrenceCount(live + db.changesCount, of: .live)
        // The index before the staged rows go: built on pages appended to the file, it needs
        // no statement journal. Built after the deletion, it reused the freed pages, and
        // SQLite kept each one's former content in the in-memory statement journal: 23 MiB
        // at 100,000 events, the sync's peak memory (docs/benchmarks.md).
        if rebuildIndexes { try createOccurrenceIndexes() }
        if source == .listed {
            var superseded = 0
            // Its grouping of the calendar's singles and exceptions goes to disk too.
            try sortingOnDisk(cacheKiB: 1024) { superseded = try deleteSupersededListedRows() }
            setOccurrenceCount(try occurrenceCount(of: .live) - superseded, of: .live)
        }
        // Usually the only calendar staging: then the table is emptied whole, which SQLite
        // does by freeing its pages instead of deleting 1.5 million rows one by one.
        let others =
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM \(stage) WHERE calendar < ?1)
                        OR EXISTS (SELECT 1 FROM \(stage) WHERE calendar > ?1)
                    """,
                arguments: [calendarKey]) ?? true
        try db.execute(
            sql: "DELETE FROM \(stage)" + (others ? " WHERE calendar = ?" : ""),
            arguments: others ? [calendarKey] : [])
        setOccurrenceCount(0, of: .staged(calendar: calendarKey))
    }

    /// The occurrences of every other calendar: whether this one brings most of the table,
    /// and so whether its load rebuilds the indexes by sorting.
    private func occurrencesElsewhere() throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT COALESCE(SUM(occurrences_count), 0) FROM sync_state
                WHERE NOT (account_id = ? AND calendar_id = ?)
                """,
            arguments: key) ?? 0
    }

    /// Builds the occurrence indexes by sorting (``sortingOnDisk(_:)``).
    private func createOccurrenceIndexes() throws {
        try sortingOnDisk {
            for index in StoreSchema.occurrenceIndexes { try db.execute(sql: index.sql) }
        }
    }

    /// Runs `body`, whose large sorts spill to temporary files, not to memory, with their
    /// in-memory runs sized from the page cache: 2 MiB (`cacheKiB`) instead of the store's
    /// 4 keeps the daemon's peak memory where the pages put it. SQLite sorts with one
    /// worker thread (`PRAGMA threads`) meanwhile: the publish of a 100,000-event Graph
    /// listing sorts two million rows, and a second core takes a second off its copy for
    /// about 1.6 MiB (docs/benchmarks.md).
    func sortingOnDisk(cacheKiB: Int = 2048, _ body: () throws -> Void) throws {
        try db.execute(sql: "PRAGMA temp_store = FILE; PRAGMA cache_size = -\(cacheKiB); PRAGMA threads = 1")
        defer {
            try? db.execute(
                sql:
                    "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -\(CalendarStore.pageCacheKiB); PRAGMA threads = 0"
            )
        }
        try body()
    }

    // MARK: The window's slide

    /// Moves the calendar's occurrences to the writer's window (the daily slide), nothing
    /// fetched. When the window only moved forward, what it left behind is deleted and only
    /// the span it gained is expanded (rows already there stay: `INSERT OR IGNORE`);
    /// otherwise (a changed configuration, no window recorded) every event is expanded again.
    /// A first listing under way is left to its last page. Returns whether the calendar's
    /// occurrence cap left some out.
    mutating func rebuildAll() throws -> Bool {
        if try occurrencesDeferred() { return false }
        let recorded = try Row.fetchOne(
            db, sql: "SELECT window_start, window_end FROM sync_state WHERE account_id = ? AND calendar_id = ?",
            arguments: key)
        let previous = (recorded?["window_start"] as String?).flatMap { Timestamp.parse($0) }.flatMap { start in
            (recorded?["window_end"] as String?).flatMap { Timestamp.parse($0) }.map {
                SyncWindow(start: start, end: $0)
            }
        }
        if let previous, window.start >= previous.start, window.end >= previous.end, window.start < previous.end {
            try slide(from: previous)
        } else {
            try expandEverything()
        }
        try updateCounts()
        // A calendar at its cap had some left out, slid or not.
        return try outcome.occurrencesCapped || occurrenceCount(of: .live) >= store.maximumOccurrencesPerCalendar
    }

    /// The forward slide: the rows that ended before the new start go, the span from the
    /// old end to the new one is expanded.
    private mutating func slide(from previous: SyncWindow) throws {
        var live = try occurrenceCount(of: .live)
        try db.execute(
            sql: """
                DELETE FROM internal_occurrences WHERE start_ts < ?1 AND end_ts <= ?1
                AND (SELECT account_id = ?2 AND calendar_id = ?3 FROM events WHERE rowid = event)
                """,
            arguments: [Int64(window.start.timeIntervalSince1970), accountID, calendarID])
        live -= db.changesCount
        setOccurrenceCount(live, of: .live)
        guard window.end > previous.end else { return }
        try expand(in: SyncWindow(start: previous.end, end: window.end))
    }

    /// Every occurrence of the calendar deleted and expanded again from its events, with
    /// the time index rebuilt by sorting when the calendar holds most of the table.
    private mutating func expandEverything() throws {
        let live = try occurrenceCount(of: .live)
        let elsewhere = try occurrencesElsewhere()
        try db.execute(
            sql: """
                DELETE FROM internal_occurrences
                WHERE event IN (SELECT rowid FROM events WHERE account_id = ? AND calendar_id = ?)
                """,
            arguments: key)
        setOccurrenceCount(0, of: .live)
        let rebuildIndexes = elsewhere < live
        if rebuildIndexes {
            for index in StoreSchema.occurrenceIndexes { try db.execute(sql: "DROP INDEX IF EXISTS \(index.name)") }
        }
        try expand(in: window)
        if rebuildIndexes { try createOccurrenceIndexes() }
    }

    /// Expands every event of the calendar within `span` into the live table, keeping rows
    /// already there: singles in one statement, series a batch of masters at a time (memory
    /// stays flat whatever the size of the calendar), then exceptions whose series has no
    /// readable master.
    private mutating func expand(in span: SyncWindow) throws {
        var sink = try OccurrenceSink(
            writer: self, target: .live, window: span, startingCount: try occurrenceCount(of: .live))
        defer {
            outcome.occurrencesCapped = outcome.occurrencesCapped || sink.capped
            setOccurrenceCount(sink.count, of: .live)
        }
        let room = max(0, store.maximumOccurrencesPerCalendar - sink.count)
        // A single's occurrence is the event's own start and end (same `*_ts` rule).
        let spanStart = Int64(span.start.timeIntervalSince1970)
        let spanEnd = Int64(span.end.timeIntervalSince1970)
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO internal_occurrences(event, start_ts, end_ts)
                SELECT rowid, start_ts, end_ts FROM events
                WHERE account_id = ?1 AND calendar_id = ?2 AND kind = 'single' AND start_ts < ?4
                AND (end_ts > ?3 OR (end_ts = start_ts AND start_ts >= ?3))
                ORDER BY rowid LIMIT ?5
                """,
            arguments: [accountID, calendarID, spanStart, spanEnd, room])
        sink.added(db.changesCount)
        let batchSize = 1000
        let next = try db.cachedStatement(
            sql: """
                SELECT \(StoredEvent.expansionColumns) FROM events
                WHERE account_id = ? AND calendar_id = ? AND kind = 'series' AND id > ?
                ORDER BY id LIMIT \(batchSize)
                """)
        var after = ""
        while true {
            let batch = try Row.fetchAll(next, arguments: [accountID, calendarID, after])
            for row in batch {
                guard let master = StoredEvent.keyedEvent(from: row) else { continue }
                try expandSeries(
                    master.event.id, master: master, exceptions: try storedExceptions(of: master.event.id),
                    window: span, into: &sink)
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
        for seriesID in orphaned {
            try expandSeries(
                seriesID, master: nil, exceptions: try storedExceptions(of: seriesID), window: span, into: &sink)
        }
    }

    // MARK: Rows and counts

    /// Deletes the occurrence rows of the `events` row `event` in `target`; returns how many.
    /// A listed calendar's stage, which has no index by event, is marked instead
    /// (``dropStagedListed(event:calendar:)``): 0 then, its rows counted until the publish.
    func deleteOccurrences(ofEvent event: Int64, in target: OccurrenceSink.Target) throws -> Int {
        switch target {
        case .live:
            try db.cachedStatement(sql: "DELETE FROM internal_occurrences WHERE event = ?").execute(arguments: [event])
        case .staged(let calendar) where source == .listed:
            try dropStagedListed(event: event, calendar: calendar)
            return 0
        case .staged(let calendar):
            try db.cachedStatement(sql: "DELETE FROM internal_occurrences_staged WHERE calendar = ? AND event = ?")
                .execute(arguments: [calendar, event])
        }
        return db.changesCount
    }

    /// Deletes an event's occurrences wherever they are, before the event itself goes, and
    /// keeps the counts exact (the trigger that would otherwise remove them counts nothing).
    mutating func deleteOccurrences(ofEvent event: Int64) throws {
        let live = try deleteOccurrences(ofEvent: event, in: .live)
        if live > 0 { setOccurrenceCount(try occurrenceCount(of: .live) - live, of: .live) }
        let staged = try deleteOccurrences(ofEvent: event, in: .staged(calendar: calendarKey))
        if staged > 0 {
            let target = OccurrenceSink.Target.staged(calendar: calendarKey)
            setOccurrenceCount(try occurrenceCount(of: target) - staged, of: target)
        }
    }

    /// The calendar's occurrences in `target`, as the transaction started with them (kept in
    /// `sync_state.occurrences_count` and `internal_full_syncs.staged_occurrences`) and as
    /// this writer changed them since.
    mutating func occurrenceCount(of target: OccurrenceSink.Target) throws -> Int {
        switch target {
        case .live:
            if let liveOccurrences { return liveOccurrences }
            let count =
                try Int.fetchOne(
                    db, sql: "SELECT occurrences_count FROM sync_state WHERE account_id = ? AND calendar_id = ?",
                    arguments: key) ?? 0
            liveOccurrences = count
            return count
        case .staged:
            if let stagedOccurrences { return stagedOccurrences }
            let count =
                try Int.fetchOne(
                    db,
                    sql: "SELECT staged_occurrences FROM internal_full_syncs WHERE account_id = ? AND calendar_id = ?",
                    arguments: key) ?? 0
            stagedOccurrences = count
            return count
        }
    }

    mutating func setOccurrenceCount(_ count: Int, of target: OccurrenceSink.Target) {
        switch target {
        case .live: liveOccurrences = max(0, count)
        case .staged: stagedOccurrences = max(0, count)
        }
    }

    /// Whether the calendar's first listing is under way (its occurrences staged).
    func occurrencesDeferred() throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT occurrences_deferred FROM internal_full_syncs WHERE account_id = ? AND calendar_id = ?",
            arguments: key) ?? false
    }

    // MARK: Events

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

    /// The event as this page wrote it, else as the store holds it; nil when it is not there.
    func keyedEvent(_ id: String) throws -> KeyedEvent? {
        if let written = pageEvents[id] { return written }
        return try Row.fetchOne(
            db.cachedStatement(
                sql:
                    "SELECT \(StoredEvent.expansionColumns) FROM events WHERE account_id = ? AND calendar_id = ? AND id = ?"
            ), arguments: [accountID, calendarID, id]
        ).flatMap(StoredEvent.keyedEvent(from:))
    }

    /// The exceptions of a series as the store holds them (this page's included: its
    /// events are written before its occurrences).
    func storedExceptions(of seriesID: String) throws -> [KeyedEvent] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(StoredEvent.expansionColumns) FROM events
                    WHERE account_id = ? AND calendar_id = ? AND series_id = ? AND kind = 'exception'
                    """),
            arguments: [accountID, calendarID, seriesID]
        ).compactMap(StoredEvent.keyedEvent(from:))
    }
}
