import CalSyncModel
import Foundation
import GRDB

/// Occurrences of calendars whose provider lists every instance itself
/// (``OccurrenceSource/listed``, Graph's `calendarView/delta`; docs/store.md "occurrences").
///
/// Nothing is expanded: a page's ``ChangePage/listedOccurrences`` are written by instance
/// id (inserted or replaced), its ``ChangePage/removedOccurrences`` deleted exactly, and an
/// event the page deletes takes the occurrences that name it (`event_id` or `series_id`)
/// with it. A series whose last occurrence is removed is no longer in the provider's view
/// (calendarView lists only events with an instance in its window): its master goes too.
///
/// Every SQL statement of this file that touches `occurrences` is in one of the small
/// functions under "Rows", so that a change of how occurrences are stored changes only
/// those (issue 19's compact table ports exactly these).
extension PageWriter {
    /// The prefix under which a full re-sync marks the occurrences it listed in
    /// `internal_full_sync_seen` (beside the event ids it marks): the sweep at its end
    /// deletes the occurrences it did not list, as it deletes the events.
    static let listedOccurrenceMark = "occurrence/"

    /// Applies the occurrence part of a listed page, after the page's events were written
    /// and deleted (``PagePlan/steps``): occurrences of deleted events, removed instances,
    /// then the listed ones (marked seen when the page belongs to a marking re-sync), then
    /// the masters of series left without any occurrence.
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
            // Deleting the master deletes its exceptions; their occurrences are gone already.
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
    func sweepUnlistedOccurrences() throws {
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

    // MARK: Rows (every statement on `occurrences` for listed calendars)

    /// Inserts or replaces the listed occurrences that overlap the writer's window, through
    /// the store's ``OccurrenceSink`` (its statement bound with SQLite's own calls, the
    /// calendar's occurrence cap, all-day times in the calendar's zone).
    private mutating func writeOccurrences(_ occurrences: [Occurrence]) throws {
        guard !occurrences.isEmpty else { return }
        var sink = try OccurrenceSink(writer: self)
        defer { outcome.occurrencesCapped = outcome.occurrencesCapped || sink.capped }
        for occurrence in occurrences { try sink.add(occurrence, eventZone: nil) }
    }

    /// Deletes the occurrence `instanceID`; returns its series, if it had one.
    private func deleteOccurrence(instanceID: String) throws -> String? {
        let arguments: StatementArguments = [accountID, calendarID, instanceID]
        let seriesID = try String.fetchOne(
            db.cachedStatement(
                sql: "SELECT series_id FROM occurrences WHERE account_id = ? AND calendar_id = ? AND instance_id = ?"),
            arguments: arguments)
        try db.cachedStatement(
            sql: "DELETE FROM occurrences WHERE account_id = ? AND calendar_id = ? AND instance_id = ?"
        ).execute(arguments: arguments)
        return seriesID
    }

    /// Deletes the occurrences whose details or series are the event `id`.
    private func deleteOccurrences(namingEvent id: String) throws {
        try db.cachedStatement(
            sql:
                "DELETE FROM occurrences WHERE account_id = ?1 AND calendar_id = ?2 AND (event_id = ?3 OR series_id = ?3)"
        ).execute(arguments: [accountID, calendarID, id])
    }

    private func hasOccurrences(seriesID: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: "SELECT 1 FROM occurrences WHERE account_id = ? AND calendar_id = ? AND series_id = ? LIMIT 1"),
            arguments: [accountID, calendarID, seriesID]) ?? false
    }

    private func deleteOccurrencesOutsideWindow() throws {
        try db.execute(
            sql: """
                DELETE FROM occurrences WHERE account_id = ?1 AND calendar_id = ?2
                AND NOT (start_ts < ?4 AND (end_ts > ?3 OR (end_ts = start_ts AND start_ts >= ?3)))
                """,
            arguments: key + [Int64(window.start.timeIntervalSince1970), Int64(window.end.timeIntervalSince1970)])
    }

    private func deleteOccurrencesNotMarked() throws {
        try db.execute(
            sql: """
                DELETE FROM occurrences WHERE account_id = ?1 AND calendar_id = ?2
                AND NOT EXISTS (SELECT 1 FROM internal_full_sync_seen s
                    WHERE s.account_id = ?1 AND s.calendar_id = ?2 AND s.event_id = ?3 || occurrences.instance_id)
                """,
            arguments: key + [Self.listedOccurrenceMark])
    }
}
