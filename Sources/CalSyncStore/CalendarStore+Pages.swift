public import CalSyncModel
public import Foundation
import GRDB

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
    /// - With `occurrenceSource` `.listed`, nothing is expanded: the page's listed
    ///   occurrences are written and its removed ones deleted (PageWriter+ListedOccurrences).
    public func applyPage(
        _ page: ChangePage, accountID: String, calendarID: String, cursor: SyncCursor, fingerprint: String,
        mode: PageMode, window: SyncWindow, now: Date, occurrenceSource: OccurrenceSource = .expanded
    ) async throws -> PageOutcome {
        try await write(page: true) { db in
            var writer = try PageWriter(
                db: db, store: self, accountID: accountID, calendarID: calendarID, window: window,
                now: Timestamp.string(from: now), source: occurrenceSource)
            return try writer.apply(page, cursor: cursor, fingerprint: fingerprint, mode: mode)
        }
    }

    /// Re-expands every series of the calendar for a new window (the daily slide): new
    /// instances appear at the far end, old ones drop off, nothing is fetched. A listed
    /// calendar (`occurrenceSource` `.listed`) only drops what left the window.
    /// Returns whether the calendar's occurrence cap left some out.
    @discardableResult
    public func rebuildOccurrences(
        accountID: String, calendarID: String, window: SyncWindow, now: Date,
        occurrenceSource: OccurrenceSource = .expanded
    ) async throws -> Bool {
        try await write { db in
            var writer = try PageWriter(
                db: db, store: self, accountID: accountID, calendarID: calendarID, window: window,
                now: Timestamp.string(from: now), source: occurrenceSource)
            return occurrenceSource == .listed ? try writer.slideListedOccurrences() : try writer.rebuildAll()
        }
    }
}
