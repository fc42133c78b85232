import CalSyncModel
import CalSyncRecurrence
import Foundation
import GRDB
import Logging

/// The executor of a page: reads what the page's ``PagePlan`` needs to know, runs the
/// plan's steps, the sweep at the end of a full re-sync, the occurrences, the notes and
/// the cursor, all in the one transaction it is given (one transaction per page, with
/// its cursor).
struct PageWriter {
    let db: Database
    let store: CalendarStore
    let accountID: String
    let calendarID: String
    let window: SyncWindow
    let now: String
    /// Whether this calendar's occurrences are expanded here or listed by its provider.
    let source: OccurrenceSource
    var outcome = PageOutcome()
    var touchedSeries = Set<String>()
    var touchedSingles = Set<String>()
    /// The `calendars` rowid: the key of the calendar's staged occurrences.
    let calendarKey: Int64
    /// The events this page wrote, with their rowids: their occurrences are expanded from
    /// these values, not read back.
    var pageEvents: [String: KeyedEvent] = [:]
    /// The rowids of the events this page inserted (not updated): no occurrence row can
    /// name them yet (an event's rows go with it), so there is nothing to delete first.
    var freshKeys = Set<Int64>()
    /// The ids of the page's upserts that were not in the store.
    private var newIDs = Set<String>()
    /// The ids of the events this page deleted.
    var deletedIDs = Set<String>()
    /// The events a listed page read from the store, for ``CalendarStore/listedEvents``.
    var learnedEvents: [String: ListedEventCache.Event] = [:]
    /// The calendar's live and staged occurrences, once read, as this writer changed them.
    var liveOccurrences: Int?
    var stagedOccurrences: Int?
    /// The events this writer added to the calendar, less those it deleted; nil once a
    /// step made that uncertain (an id deleted and written again by one page). See
    /// ``updateCounts(eventsChanged:)``.
    var eventsAdded: Int? = 0

    init(
        db: Database, store: CalendarStore, accountID: String, calendarID: String, window: SyncWindow, now: String,
        source: OccurrenceSource = .expanded
    ) throws {
        guard
            let calendarKey = try Int64.fetchOne(
                db, sql: "SELECT rowid FROM calendars WHERE account_id = ? AND id = ?",
                arguments: [accountID, calendarID])
        else {
            throw CalSyncError(.store, "calendar \(calendarID) of account \(accountID) is not in the store")
        }
        self.db = db
        self.source = source
        self.store = store
        self.accountID = accountID
        self.calendarID = calendarID
        self.window = window
        self.now = now
        self.calendarKey = calendarKey
    }

    var key: StatementArguments { [accountID, calendarID] }

    mutating func apply(
        _ page: ChangePage, cursor: SyncCursor, fingerprint: String, mode: PageMode
    ) throws -> PageOutcome {
        if let zone = page.calendarTimeZone {
            try db.execute(
                sql:
                    "UPDATE calendars SET time_zone = ?, updated_at = ? WHERE account_id = ? AND id = ? AND time_zone IS NOT ?",
                arguments: [zone, now, accountID, calendarID, zone])
        }
        let fullSync = mode == .incremental ? nil : try fullSyncState()
        let marking = PagePlan.marks(mode, fullSync)
        // Read now: the sweep of a last page forgets the re-sync's row before its
        // occurrences are published.
        if fullSync?.occurrencesDeferred == true { _ = try occurrenceCount(of: .staged(calendar: calendarKey)) }
        // A marking re-sync only unmarks its deletions: their series' exceptions are not needed.
        let known = try knownEvents(
            page.upserts.map(\.id) + page.deletions, exceptionsOf: marking ? [] : page.deletions,
            upserts: page.upserts)
        newIDs = Set(page.upserts.lazy.map(\.id).filter { known[$0] == nil })
        let plan = PagePlan(page, mode: mode, cursor: cursor, fullSync: fullSync, known: known)
        try run(plan.steps)
        outcome = plan.outcome
        touchedSeries = plan.touchedSeries
        touchedSingles = plan.touchedSingles
        for entry in plan.logs { log(entry) }
        if source == .listed {
            let deleted = plan.steps.compactMap { step -> String? in
                if case .delete(let id) = step { return id } else { return nil }
            }
            // A first listing stages them, as an expanded calendar's, for its last page to publish.
            let target: OccurrenceSink.Target =
                plan.occurrences == .rebuildTouched ? .live : .staged(calendar: calendarKey)
            try applyListedOccurrences(page, deletedEvents: deleted, marking: marking, into: target)
            if plan.sweep != nil, marking { outcome.deleted += try deleteSynthesisedCancellations() }
        }
        if let sweep = plan.sweep {
            outcome.sweep = try self.sweep(maxDeleteRatio: sweep.maxDeleteRatio, force: sweep.force, marking: marking)
        }
        // A listed calendar's occurrences were written above: nothing to expand, only a
        // first listing's stage to publish once its sweep is done.
        if source == .listed, plan.occurrences == .loadAll { try publishStaged() }
        if source == .expanded {
            switch plan.occurrences {
            case .rebuildTouched: try rebuildTouched(into: .live)
            case .deferred: try rebuildTouched(into: .staged(calendar: calendarKey))
            case .loadAll:
                try rebuildTouched(into: .staged(calendar: calendarKey))
                try publishStaged()
            }
        }
        try writeNotes(page.notes)
        switch plan.cursor {
        case .save(let token):
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO internal_cursors(account_id, calendar_id, token, fingerprint, saved_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [accountID, calendarID, token, fingerprint, now])
        case .forget:
            try db.execute(sql: "DELETE FROM internal_cursors WHERE account_id = ? AND calendar_id = ?", arguments: key)
        case .resumeFrom(let token):
            try db.execute(
                sql: """
                    UPDATE internal_full_syncs SET next_page = ?, next_page_fingerprint = ?
                    WHERE account_id = ? AND calendar_id = ?
                    """,
                arguments: [token, fingerprint, accountID, calendarID])
        case .none:
            break
        }
        // A middle page of a listing adds its own events to the count; the last page of a
        // listing and every poll count the calendar's events again.
        if case .resumeFrom = plan.cursor {
            try updateCounts(eventsChanged: eventsAdded)
        } else {
            try updateCounts()
        }
        if source == .listed {
            store.listedEvents.update(
                calendar: calendarKey, learned: learnedEvents, forgetting: deletedIDs.union(pageEvents.keys))
        }
        return outcome
    }

    // MARK: What the plan needs to know

    /// The calendar's running full re-sync; nil when none was begun.
    private func fullSyncState() throws -> PagePlan.FullSync? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT existing_events, occurrences_deferred FROM internal_full_syncs
                WHERE account_id = ? AND calendar_id = ?
                """,
            arguments: key
        ).map { row in
            // An empty calendar at the start has nothing to sweep: skip marking.
            PagePlan.FullSync(
                marking: (row["existing_events"] as Int? ?? 1) > 0,
                occurrencesDeferred: row["occurrences_deferred"] as Bool? ?? false)
        }
    }

    /// The stored events named by `ids`, and the exceptions of those of `exceptionsOf`
    /// that are (or, written by `upserts`, will be) series masters.
    private func knownEvents(
        _ ids: [String], exceptionsOf candidates: [String], upserts: [CalendarEvent] = []
    ) throws -> PagePlan.Known {
        var known = PagePlan.Known()
        let select = try db.cachedStatement(
            sql: "SELECT etag, raw, kind, series_id FROM events WHERE account_id = ? AND calendar_id = ? AND id = ?")
        for id in ids where known[id] == nil {
            if let row = try Row.fetchOne(select, arguments: [accountID, calendarID, id]) {
                known[id] = Self.knownEvent(row)
            }
        }
        if candidates.isEmpty { return known }
        let upsertedSeries = Set(upserts.filter { $0.kind == .series }.map(\.id))
        let exceptions = try db.cachedStatement(
            sql: """
                SELECT id, etag, kind, series_id FROM events
                WHERE account_id = ? AND calendar_id = ? AND series_id = ? AND kind = 'exception'
                """)
        for series in Set(candidates) where known[series]?.kind == .series || upsertedSeries.contains(series) {
            for row in try Row.fetchAll(exceptions, arguments: [accountID, calendarID, series]) {
                let id: String = row["id"]
                if known[id] == nil { known[id] = Self.knownEvent(row) }
            }
        }
        return known
    }

    private static func knownEvent(_ row: Row) -> PagePlan.KnownEvent {
        PagePlan.KnownEvent(etag: row["etag"], raw: row["raw"], kind: kind(row), seriesID: row["series_id"])
    }

    /// The `kind` column of an `events` row (the schema's CHECK admits only the three).
    static func kind(_ row: Row) -> CalendarEvent.Kind? {
        (row["kind"] as String?).flatMap(CalendarEvent.Kind.init(rawValue:))
    }

    // MARK: Running a plan

    /// Runs a plan's steps in order.
    private mutating func run(_ steps: [PagePlan.Step]) throws {
        let calendar: StatementArguments = [accountID, calendarID]
        var allDayZone: TimeZone??
        var upsert: Statement?
        var insertNew: Statement?
        for step in steps {
            switch step {
            case .markSeen(let id):
                try db.cachedStatement(
                    sql:
                        "INSERT OR IGNORE INTO internal_full_sync_seen(account_id, calendar_id, event_id) VALUES (?, ?, ?)"
                ).execute(arguments: calendar + [id])
            case .unmarkSeen(let id):
                try db.cachedStatement(
                    sql: "DELETE FROM internal_full_sync_seen WHERE account_id = ? AND calendar_id = ? AND event_id = ?"
                ).execute(arguments: calendar + [id])
            case .clearQuarantine(let id):
                try db.cachedStatement(
                    sql: "DELETE FROM internal_quarantine WHERE account_id = ? AND calendar_id = ? AND event_id = ?"
                ).execute(arguments: calendar + [id])
            case .write(let event):
                if allDayZone == nil { allDayZone = .some(try calendarZone()) }
                // Not in the store when the page began, and not written by it yet (a page may
                // bring an id twice): a plain insert. Otherwise the upsert, which keeps the rowid.
                let isNew = newIDs.remove(event.id) != nil
                if isNew {
                    eventsAdded? += 1
                } else if deletedIDs.contains(event.id) {
                    // Deleted by this page, perhaps written since: whether the upsert below
                    // inserts is not known here.
                    eventsAdded = nil
                }
                let statement: Statement
                if isNew {
                    if insertNew == nil { insertNew = try db.cachedStatement(sql: StoredEvent.insertNewSQL) }
                    statement = insertNew!
                } else {
                    if upsert == nil { upsert = try db.cachedStatement(sql: StoredEvent.insertSQL) }
                    statement = upsert!
                }
                let rowid = try StoredEvent.write(
                    event, with: statement, accountID: accountID, calendarID: calendarID,
                    allDayZone: allDayZone ?? nil, now: now)
                pageEvents[event.id] = KeyedEvent(event: event, key: rowid)
                if isNew { freshKeys.insert(rowid) }
                try appendChange(event.id, .upsert)
            case .delete(let id):
                deletedIDs.insert(id)
                if let rowid = try Int64.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT rowid FROM events WHERE account_id = ? AND calendar_id = ? AND id = ?"),
                    arguments: calendar + [id])
                {
                    try deleteOccurrences(ofEvent: rowid)
                }
                pageEvents[id] = nil
                try db.cachedStatement(sql: "DELETE FROM events WHERE account_id = ? AND calendar_id = ? AND id = ?")
                    .execute(arguments: calendar + [id])
                eventsAdded? -= db.changesCount
                try db.cachedStatement(
                    sql: "DELETE FROM internal_quarantine WHERE account_id = ? AND calendar_id = ? AND event_id = ?"
                ).execute(arguments: calendar + [id])
                try appendChange(id, .delete)
            case .quarantine(let id, let reason, let raw):
                try quarantine(id, reason: reason, raw: raw)
            }
        }
    }

    /// Deletes `ids` (a series master with its exceptions; ids no longer there are
    /// skipped) and counts them into the outcome; returns how many were deleted.
    mutating func runDeletions(_ ids: [String]) throws -> Int {
        let plan = PagePlan(deleting: ids, known: try knownEvents(ids, exceptionsOf: ids))
        try run(plan.steps)
        touchedSeries.formUnion(plan.touchedSeries)
        touchedSingles.formUnion(plan.touchedSingles)
        outcome.deleted += plan.outcome.deleted
        return plan.outcome.deleted
    }

    private func log(_ entry: PagePlan.LogEntry) {
        switch entry {
        case .quarantined(let id, let reason):
            store.logger.warning(
                "Event quarantined",
                metadata: [
                    "calsync.account": "\(accountID)", "calsync.calendar": "\(calendarID)", "calsync.event": "\(id)",
                    "calsync.reason": "\(reason)",
                ].merging(MessageID.metadata(MessageID.quarantinedEvent)) { $1 })
        }
    }

    private func appendChange(_ eventID: String, _ op: ChangeOp) throws {
        try db.cachedStatement(
            sql: "INSERT INTO changes(account_id, calendar_id, event_id, op, at) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [accountID, calendarID, eventID, op.rawValue, now])
    }

    func quarantine(_ id: String, reason: String, raw: String?) throws {
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO internal_quarantine(account_id, calendar_id, event_id, reason, raw, at)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [accountID, calendarID, id, reason, raw, now])
    }

    /// The provider's notes about the calendar, changed as the page says.
    func writeNotes(_ notes: ProviderNotes) throws {
        if notes.clearFirst {
            try db.execute(
                sql: "DELETE FROM internal_provider_notes WHERE account_id = ? AND calendar_id = ?", arguments: key)
        }
        // Compiled once per connection: a Graph page brings a note per instance (thousands).
        if !notes.set.isEmpty {
            let insert = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO internal_provider_notes(account_id, calendar_id, key, value)
                    VALUES (?, ?, ?, ?)
                    """)
            for (name, value) in notes.set {
                try insert.execute(arguments: [accountID, calendarID, name, value])
            }
        }
        if !notes.removed.isEmpty {
            let delete = try db.cachedStatement(
                sql: "DELETE FROM internal_provider_notes WHERE account_id = ? AND calendar_id = ? AND key = ?")
            for name in notes.removed {
                try delete.execute(arguments: [accountID, calendarID, name])
            }
        }
    }

    // MARK: The end of a full re-sync

    /// Deletes what the re-sync did not see, unless the safety valve holds it; forgets the
    /// re-sync's bookkeeping either way.
    private mutating func sweep(maxDeleteRatio: Double, force: Bool, marking: Bool) throws -> SweepResult {
        defer {
            _ = try? db.execute(
                sql: "DELETE FROM internal_full_sync_seen WHERE account_id = ? AND calendar_id = ?", arguments: key)
            _ = try? db.execute(
                sql: "DELETE FROM internal_full_syncs WHERE account_id = ? AND calendar_id = ?", arguments: key)
        }
        try db.execute(
            sql: "UPDATE sync_state SET last_full_sync = ? WHERE account_id = ? AND calendar_id = ?",
            arguments: [now, accountID, calendarID])
        guard marking else {
            try db.execute(
                sql: "DELETE FROM internal_held_deletions WHERE account_id = ? AND calendar_id = ?", arguments: key)
            return .applied(deleted: try sweepOrphanCancelledExceptions())
        }
        let total =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM events WHERE account_id = ? AND calendar_id = ?", arguments: key)
            ?? 0
        // Exceptions go with their master; sweeping masters first avoids deleting them twice.
        let unseen = try Row.fetchAll(
            db,
            sql: """
                SELECT id FROM events e WHERE account_id = ? AND calendar_id = ?
                AND NOT EXISTS (SELECT 1 FROM internal_full_sync_seen s
                    WHERE s.account_id = e.account_id AND s.calendar_id = e.calendar_id AND s.event_id = e.id)
                ORDER BY kind = 'exception'
                """,
            arguments: key
        ).map { $0["id"] as String }
        switch SafetyValve.decide(wouldDelete: unseen.count, of: total, maxDeleteRatio: maxDeleteRatio, force: force) {
        case .hold:
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO internal_held_deletions(account_id, calendar_id, would_delete, of_total, at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [accountID, calendarID, unseen.count, total, now])
            try db.execute(
                sql: "UPDATE sync_state SET last_error = ? WHERE account_id = ? AND calendar_id = ?",
                arguments: [CalendarStore.heldMessage(wouldDelete: unseen.count, of: total), accountID, calendarID])
            store.logger.warning(
                "Safety valve held a full re-sync deletion",
                metadata: [
                    "calsync.account": "\(accountID)", "calsync.calendar": "\(calendarID)",
                    "calsync.would_delete": "\(unseen.count)", "calsync.events": "\(total)",
                ].merging(MessageID.metadata(MessageID.deletionHeld)) { $1 })
            return .held(wouldDelete: unseen.count, of: total)
        case .sweep:
            if source == .listed { try sweepUnlistedOccurrences() }
            var deleted = try runDeletions(unseen)
            deleted += try sweepOrphanCancelledExceptions()
            try db.execute(
                sql: "DELETE FROM internal_held_deletions WHERE account_id = ? AND calendar_id = ?", arguments: key)
            return .applied(deleted: deleted)
        }
    }

    /// Google keeps the exceptions of a deleted series as cancelled and lists them in every
    /// full listing, while an increment deletes them with their series. Once a full listing
    /// has ended, a cancelled exception whose series is not in the store is such a leftover
    /// (invisible to readers, but not what an increment would leave): it goes, so that both
    /// ways end with the same `events`. A series that is only quarantined keeps its
    /// cancelled instances, for when it becomes readable again (docs/resilience.md).
    private mutating func sweepOrphanCancelledExceptions() throws -> Int {
        let orphans = try String.fetchAll(
            db,
            sql: """
                SELECT id FROM events e
                WHERE account_id = ?1 AND calendar_id = ?2 AND kind = 'exception' AND status = 'cancelled'
                AND series_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM events m
                    WHERE m.account_id = ?1 AND m.calendar_id = ?2 AND m.id = e.series_id)
                AND NOT EXISTS (SELECT 1 FROM internal_quarantine q
                    WHERE q.account_id = ?1 AND q.calendar_id = ?2 AND q.event_id = e.series_id)
                """,
            arguments: key)
        return try runDeletions(orphans)
    }

    func calendarZone() throws -> TimeZone? {
        try String.fetchOne(
            db, sql: "SELECT time_zone FROM calendars WHERE account_id = ? AND id = ?", arguments: key
        ).flatMap(TimeZone.init(identifier:))
    }

    /// The counts of `sync_state` and the window. Occurrences are counted as they are
    /// written and deleted (``occurrenceCount(of:)``), not recounted: a view over 1.5 million
    /// rows is no count to take per page.
    ///
    /// - Parameter eventsChanged: how many events were added to the calendar since its
    ///   count was last written (less those deleted), when that is known; nil counts them.
    ///   Counting walks the calendar's part of the events' key: a page of a 100,000-event
    ///   Graph listing (some 470 of them) did it for 5 % of the sync's CPU.
    func updateCounts(eventsChanged: Int? = nil) throws {
        try CalendarStore.ensureSyncState(db, accountID, calendarID)
        // A row made just now holds no count yet.
        let eventsChanged = db.changesCount > 0 ? nil : eventsChanged
        try db.execute(
            sql: """
                UPDATE sync_state SET
                    events_count = COALESCE(events_count + ?6,
                        (SELECT COUNT(*) FROM events WHERE account_id = ?1 AND calendar_id = ?2)),
                    occurrences_count = COALESCE(?5, occurrences_count),
                    quarantined_count = (SELECT COUNT(*) FROM internal_quarantine WHERE account_id = ?1 AND calendar_id = ?2),
                    window_start = ?3, window_end = ?4
                WHERE account_id = ?1 AND calendar_id = ?2
                """,
            arguments: [
                accountID, calendarID, Timestamp.string(from: window.start), Timestamp.string(from: window.end),
                liveOccurrences, eventsChanged,
            ])
        if let stagedOccurrences {
            try db.execute(
                sql: "UPDATE internal_full_syncs SET staged_occurrences = ? WHERE account_id = ? AND calendar_id = ?",
                arguments: [stagedOccurrences, accountID, calendarID])
        }
    }
}
