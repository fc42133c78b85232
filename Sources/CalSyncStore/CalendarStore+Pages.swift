public import CalSyncModel
import CalSyncRecurrence
public import Foundation
import GRDB
import Logging

/// How a page takes part in the poll it belongs to.
public enum PageMode: Sendable, Equatable {
    /// An incremental page: apply upserts and deletions.
    case incremental
    /// A page of a full re-sync (after ``CalendarStore/beginFullSync(accountID:calendarID:now:)``):
    /// apply upserts, mark them seen, delete nothing that is merely absent.
    case fullSync
    /// The last page of a full re-sync: as `.fullSync`, then sweep what was not seen, in
    /// the same transaction as the page and its cursor — unless the sweep would delete
    /// `maxDeleteRatio` or more of a non-empty calendar and `force` is false, in which case
    /// nothing is deleted and the hold is recorded.
    case fullSyncEnd(maxDeleteRatio: Double, force: Bool)
}

/// What applying one page did.
public struct PageOutcome: Sendable, Equatable {
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    public var deleted = 0
    public var quarantined = 0
    /// Series whose expansion hit the per-series cap.
    public var truncatedSeries: [String] = []
    /// The calendar reached its occurrence cap: some occurrences were not written.
    public var occurrencesCapped = false
    /// The sweep at the end of a full re-sync.
    public var sweep: SweepResult?
}

/// The end of a full re-sync.
public enum SweepResult: Sendable, Equatable {
    /// Events not seen in the re-sync were deleted.
    case applied(deleted: Int)
    /// The safety valve held the deletion of `wouldDelete` of the calendar's `of` events.
    case held(wouldDelete: Int, of: Int)
}

extension CalendarStore {
    /// Starts a full re-sync of a calendar by mark and sweep: the saved cursor is dropped
    /// (a crash now restarts the full sync), earlier quarantine entries are forgotten (they
    /// come back if still unreadable), and nothing is deleted until the last page.
    public func beginFullSync(accountID: String, calendarID: String, now: Date) async throws {
        try await write { db in
            let arguments: StatementArguments = [accountID, calendarID]
            for table in ["internal_cursors", "internal_full_sync_seen", "internal_quarantine"] {
                try db.execute(
                    sql: "DELETE FROM \(table) WHERE account_id = ? AND calendar_id = ?", arguments: arguments)
            }
            let existing =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM events WHERE account_id = ? AND calendar_id = ?",
                    arguments: arguments)
                ?? 0
            // A calendar's first listing (or one that started as the first and was cut short)
            // leaves occurrences to its last page, which loads them in bulk.
            let deferredBefore =
                try Bool.fetchOne(
                    db,
                    sql:
                        "SELECT occurrences_deferred FROM internal_full_syncs WHERE account_id = ? AND calendar_id = ?",
                    arguments: arguments) ?? false
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO internal_full_syncs(account_id, calendar_id, started_at, existing_events,
                        occurrences_deferred)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    accountID, calendarID, Timestamp.string(from: now), existing, existing == 0 || deferredBefore,
                ])
        }
    }

    /// The page an interrupted full re-sync of this calendar goes on from, if one was under
    /// way with the same request parameters; taken, not just read: should that page fail
    /// (an expired page token), the next poll starts the full re-sync over instead of
    /// asking for the same page forever.
    public func takeFullSyncResumePage(
        accountID: String, calendarID: String, fingerprint: String
    ) async throws
        -> String?
    {
        try await write { db in
            let arguments: StatementArguments = [accountID, calendarID]
            let token = try String.fetchOne(
                db,
                sql: """
                    SELECT next_page FROM internal_full_syncs
                    WHERE account_id = ? AND calendar_id = ? AND next_page_fingerprint = ?
                    """,
                arguments: arguments + [fingerprint])
            try db.execute(
                sql: """
                    UPDATE internal_full_syncs SET next_page = NULL, next_page_fingerprint = NULL
                    WHERE account_id = ? AND calendar_id = ?
                    """,
                arguments: arguments)
            return token
        }
    }

    /// Applies one page and the cursor that follows it in ONE transaction: a reader sees
    /// the calendar before this page or after it, never half of it.
    ///
    /// - `changes` gets one row per inserted event, per update that changed the etag, and
    ///   per deletion; an event re-applied with the same etag writes nothing.
    /// - Deleting a series master deletes its exceptions; unknown ids are ignored.
    /// - Occurrences are rebuilt only for the events and series this page touched.
    /// - The cursor is saved when it ends a round (`.delta`), forgotten when a listing
    ///   without incremental support ended (`.initial`); mid-chain (`.page`) it is kept only
    ///   by a full re-sync, as the page to go on from after a restart.
    public func applyPage(
        _ page: ChangePage, accountID: String, calendarID: String, cursor: SyncCursor, fingerprint: String,
        mode: PageMode, window: SyncWindow, now: Date
    ) async throws -> PageOutcome {
        try await write { db in
            var writer = PageWriter(
                db: db, store: self, accountID: accountID, calendarID: calendarID, window: window,
                now: Timestamp.string(from: now))
            return try writer.apply(page, cursor: cursor, fingerprint: fingerprint, mode: mode)
        }
    }

    /// Re-expands every series of the calendar for a new window (the daily slide): new
    /// instances appear at the far end, old ones drop off, nothing is fetched.
    /// Returns whether the calendar's occurrence cap left some out.
    @discardableResult
    public func rebuildOccurrences(
        accountID: String, calendarID: String, window: SyncWindow, now: Date
    ) async throws -> Bool {
        try await write { db in
            var writer = PageWriter(
                db: db, store: self, accountID: accountID, calendarID: calendarID, window: window,
                now: Timestamp.string(from: now))
            return try writer.rebuildAll()
        }
    }
}

/// The work of one transaction on one calendar.
struct PageWriter {
    let db: Database
    let store: CalendarStore
    let accountID: String
    let calendarID: String
    let window: SyncWindow
    let now: String
    private var outcome = PageOutcome()
    private var touchedSeries = Set<String>()
    private var touchedSingles = Set<String>()

    init(db: Database, store: CalendarStore, accountID: String, calendarID: String, window: SyncWindow, now: String) {
        self.db = db
        self.store = store
        self.accountID = accountID
        self.calendarID = calendarID
        self.window = window
        self.now = now
    }

    private var key: StatementArguments { [accountID, calendarID] }

    mutating func apply(
        _ page: ChangePage, cursor: SyncCursor, fingerprint: String, mode: PageMode
    ) throws -> PageOutcome {
        guard
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM calendars WHERE account_id = ? AND id = ?", arguments: key) == true
        else {
            throw CalSyncError(.store, "calendar \(calendarID) of account \(accountID) is not in the store")
        }
        if let zone = page.calendarTimeZone {
            try db.execute(
                sql:
                    "UPDATE calendars SET time_zone = ?, updated_at = ? WHERE account_id = ? AND id = ? AND time_zone IS NOT ?",
                arguments: [zone, now, accountID, calendarID, zone])
        }
        var marking = false
        var occurrencesDeferred = false
        if mode != .incremental {
            let fullSync = try Row.fetchOne(
                db,
                sql: """
                    SELECT existing_events, occurrences_deferred FROM internal_full_syncs
                    WHERE account_id = ? AND calendar_id = ?
                    """,
                arguments: key)
            // An empty calendar at the start has nothing to sweep: skip marking.
            marking = (fullSync?["existing_events"] as Int? ?? 1) > 0
            occurrencesDeferred = fullSync?["occurrences_deferred"] as Bool? ?? false
        }
        let allDayZone = try calendarZone()
        let select = try db.cachedStatement(
            sql: "SELECT etag, raw, kind, series_id FROM events WHERE account_id = ? AND calendar_id = ? AND id = ?")
        let insert = try db.cachedStatement(sql: StoredEvent.insertSQL)
        let mark = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO internal_full_sync_seen(account_id, calendar_id, event_id) VALUES (?, ?, ?)")
        let clearQuarantine = try db.cachedStatement(
            sql: "DELETE FROM internal_quarantine WHERE account_id = ? AND calendar_id = ? AND event_id = ?")

        for event in page.upserts {
            if marking { try mark.execute(arguments: [accountID, calendarID, event.id]) }
            try clearQuarantine.execute(arguments: [accountID, calendarID, event.id])
            let previous = try Row.fetchOne(select, arguments: [accountID, calendarID, event.id])
            if let previous {
                let previousEtag: String? = previous["etag"]
                let unchanged =
                    event.etag != nil ? previousEtag == event.etag : (previous["raw"] as String?) == event.raw
                if unchanged {
                    outcome.unchanged += 1
                    continue
                }
                touch(kind: previous["kind"], id: event.id, seriesID: previous["series_id"])
                outcome.updated += 1
            } else {
                outcome.inserted += 1
            }
            try insert.execute(
                arguments: StoredEvent.arguments(
                    event, accountID: accountID, calendarID: calendarID, allDayZone: allDayZone, now: now))
            try appendChange(event.id, "upsert")
            touch(kind: event.kind.rawValue, id: event.id, seriesID: event.seriesID)
        }
        // In a full re-sync a tombstone only means "not seen": the sweep on the last page
        // deletes it with everything else that is gone, so the safety valve weighs every
        // deletion of the re-sync (Google lists recent tombstones in full listings) and a
        // reader never sees the calendar shrink page by page.
        let sweepDeletions = mode != .incremental && marking
        let unmark = try db.cachedStatement(
            sql: "DELETE FROM internal_full_sync_seen WHERE account_id = ? AND calendar_id = ? AND event_id = ?")
        for id in page.deletions {
            if sweepDeletions {
                try unmark.execute(arguments: [accountID, calendarID, id])
            } else if try delete(id) {
                outcome.deleted += 1
            }
        }
        for item in page.quarantined {
            let id = item.eventID ?? "unidentified-" + SHA256.hexDigest(item.raw).prefix(16)
            if marking { try mark.execute(arguments: [accountID, calendarID, id]) }
            try quarantine(id, reason: item.reason, raw: item.raw)
            outcome.quarantined += 1
            store.logger.warning(
                "Event quarantined",
                metadata: [
                    "calsync.account": "\(accountID)", "calsync.calendar": "\(calendarID)", "calsync.event": "\(id)",
                    "calsync.reason": "\(item.reason)",
                ].merging(MessageID.metadata(MessageID.quarantinedEvent)) { $1 })
        }
        if case .fullSyncEnd(let ratio, let force) = mode {
            outcome.sweep = try sweep(maxDeleteRatio: ratio, force: force, marking: marking)
            if occurrencesDeferred { try loadAllOccurrences() }
        }
        if occurrencesDeferred {
            // The last page expands the whole calendar (`loadAllOccurrences`).
            touchedSeries.removeAll()
            touchedSingles.removeAll()
        } else {
            try rebuildTouched()
        }
        try writeNotes(page.notes)
        switch cursor {
        case .delta(let token):
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO internal_cursors(account_id, calendar_id, token, fingerprint, saved_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [accountID, calendarID, token, fingerprint, now])
        case .initial:
            try db.execute(sql: "DELETE FROM internal_cursors WHERE account_id = ? AND calendar_id = ?", arguments: key)
        case .page(let token):
            // Mid-chain cursors matter only to a full re-sync, which can go on from here
            // after a restart; an increment restarts from its saved delta instead.
            if mode == .fullSync {
                try db.execute(
                    sql: """
                        UPDATE internal_full_syncs SET next_page = ?, next_page_fingerprint = ?
                        WHERE account_id = ? AND calendar_id = ?
                        """,
                    arguments: [token, fingerprint, accountID, calendarID])
            }
        }
        try updateCounts()
        return outcome
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

    /// Re-expands every series and single of the calendar for the writer's window (the
    /// daily slide): the same bulk load as a first listing's end.
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
    private mutating func loadAllOccurrences() throws {
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
    private mutating func rebuildEverything() throws {
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
                if (row["kind"] as String) == "series" {
                    try rebuildSeries(id, deletingOld: false, into: &sink)
                } else {
                    try rebuildSingle(id, deletingOld: false, into: &sink)
                }
            }
            guard batch.count == batchSize, let last = batch.last else { break }
            after = last["id"]
        }
        // Exceptions whose series has no readable master stand alone (STORE.md).
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

    // MARK: Pieces

    private mutating func touch(kind: String?, id: String, seriesID: String?) {
        switch kind {
        case "series": touchedSeries.insert(id)
        case "exception": if let seriesID { touchedSeries.insert(seriesID) }
        default: touchedSingles.insert(id)
        }
    }

    private func appendChange(_ eventID: String, _ op: String) throws {
        try db.cachedStatement(
            sql: "INSERT INTO changes(account_id, calendar_id, event_id, op, at) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [accountID, calendarID, eventID, op, now])
    }

    /// Deletes an event (a master with its exceptions); false when it was not there.
    private mutating func delete(_ id: String) throws -> Bool {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT kind, series_id FROM events WHERE account_id = ? AND calendar_id = ? AND id = ?"),
                arguments: [accountID, calendarID, id])
        else { return false }
        let kind: String = row["kind"]
        touch(kind: kind, id: id, seriesID: row["series_id"])
        var ids = [id]
        if kind == "series" {
            ids += try String.fetchAll(
                db,
                sql:
                    "SELECT id FROM events WHERE account_id = ? AND calendar_id = ? AND series_id = ? AND kind = 'exception'",
                arguments: [accountID, calendarID, id])
        }
        for eventID in ids {
            try db.cachedStatement(sql: "DELETE FROM events WHERE account_id = ? AND calendar_id = ? AND id = ?")
                .execute(arguments: [accountID, calendarID, eventID])
            try db.cachedStatement(
                sql: "DELETE FROM internal_quarantine WHERE account_id = ? AND calendar_id = ? AND event_id = ?"
            ).execute(arguments: [accountID, calendarID, eventID])
            try appendChange(eventID, "delete")
        }
        return true
    }

    private func quarantine(_ id: String, reason: String, raw: String?) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO internal_quarantine(account_id, calendar_id, event_id, reason, raw, at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [accountID, calendarID, id, reason, raw, now])
    }

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
        if !unseen.isEmpty, total > 0, !force, Double(unseen.count) / Double(total) >= maxDeleteRatio {
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
        }
        var deleted = 0
        for id in unseen where try delete(id) { deleted += 1 }
        outcome.deleted += deleted
        deleted += try sweepOrphanCancelledExceptions()
        try db.execute(
            sql: "DELETE FROM internal_held_deletions WHERE account_id = ? AND calendar_id = ?", arguments: key)
        return .applied(deleted: deleted)
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
        var deleted = 0
        for id in orphans where try delete(id) { deleted += 1 }
        outcome.deleted += deleted
        return deleted
    }

    func calendarZone() throws -> TimeZone? {
        try String.fetchOne(
            db, sql: "SELECT time_zone FROM calendars WHERE account_id = ? AND id = ?", arguments: key
        ).flatMap(TimeZone.init(identifier:))
    }

    // MARK: Occurrences

    /// Rebuilds the occurrences of every touched single and series, in id order: instance
    /// ids begin with their event's id, so the primary-key index is written in order
    /// instead of at random (the sets iterate in hash order).
    private mutating func rebuildTouched() throws {
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

    private func rebuildSingle(_ id: String, deletingOld: Bool, into sink: inout OccurrenceSink) throws {
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

    private mutating func rebuildSeries(_ seriesID: String, deletingOld: Bool, into sink: inout OccurrenceSink) throws {
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
        // No readable master: each remaining instance stands alone (STORE.md).
        for exception in exceptions where exception.status != .cancelled {
            try sink.add(
                Occurrence(
                    instanceID: exception.id, eventID: exception.id, seriesID: seriesID, start: exception.start,
                    end: exception.end), eventZone: exception.timeZone)
        }
    }

    /// STORE.md: a cancelled exception ends at its original start plus the series' length.
    /// Google's cancelled instances carry no times (the mapping stores the original start
    /// twice), so the end is filled in here, once the master is known — whichever of the
    /// two arrived first. Cancelled exceptions with times of their own are left alone.
    private func fillCancelledEnds(_ exceptions: [CalendarEvent], master: CalendarEvent, calendarZone: TimeZone?) throws
    {
        for exception in exceptions where exception.status == .cancelled && exception.start == exception.originalStart {
            let end: EventTime
            switch (exception.start, master.start, master.end) {
            case (.instant(let start), .instant(let masterStart), .instant(let masterEnd)):
                end = .instant(start.addingTimeInterval(max(0, masterEnd.timeIntervalSince(masterStart))))
            case (.date(let start), .date(let masterStart), .date(let masterEnd)):
                end = .date(start.adding(days: max(1, masterEnd.daysSinceEpoch - masterStart.daysSinceEpoch)))
            default:
                continue
            }
            guard end != exception.end else { continue }
            let allDayZone = calendarZone ?? exception.timeZone.flatMap(TimeZone.init(identifier:))
            try db.execute(
                sql: #"UPDATE events SET "end" = ?, end_ts = ? WHERE account_id = ? AND calendar_id = ? AND id = ?"#,
                arguments: [
                    end.description, end.unixSeconds(allDayZone: allDayZone), accountID, calendarID, exception.id,
                ])
        }
    }

    private func loadEvent(_ id: String) throws -> CalendarEvent? {
        try Row.fetchOne(
            db.cachedStatement(
                sql:
                    "SELECT \(StoredEvent.expansionColumns) FROM events WHERE account_id = ? AND calendar_id = ? AND id = ?"
            ), arguments: [accountID, calendarID, id]
        ).flatMap(StoredEvent.event(from:))
    }

    private func updateCounts() throws {
        try CalendarStore.ensureSyncState(db, accountID, calendarID)
        try db.execute(
            sql: """
                UPDATE sync_state SET
                    events_count = (SELECT COUNT(*) FROM events WHERE account_id = ?1 AND calendar_id = ?2),
                    occurrences_count = (SELECT COUNT(*) FROM occurrences WHERE account_id = ?1 AND calendar_id = ?2),
                    quarantined_count = (SELECT COUNT(*) FROM internal_quarantine WHERE account_id = ?1 AND calendar_id = ?2),
                    window_start = ?3, window_end = ?4
                WHERE account_id = ?1 AND calendar_id = ?2
                """,
            arguments: [
                accountID, calendarID, Timestamp.string(from: window.start), Timestamp.string(from: window.end),
            ])
    }
}
