import CalSyncModel
import CalSyncRecurrence
import Foundation
import GRDB

/// Occurrences a provider lists itself (``OccurrenceSource/listed``, Graph's
/// `calendarView/delta`), keyed by their instance id within the calendar: stored as they
/// come, with the id kept in the row when the views cannot derive it (Graph's are opaque).
/// The page applying ``ChangePage/listedOccurrences`` and ``ChangePage/removedOccurrences``
/// calls these after its events are written (an occurrence's `eventID` must be in `events`).
extension PageWriter {
    /// Applies a page's ``ChangePage/removedOccurrences`` then its
    /// ``ChangePage/listedOccurrences`` into `target` (`.live`, or a first listing's
    /// `.staged(calendar: calendarKey)`), keeping the calendar's occurrence count; call it
    /// after the page's events are written, before ``updateCounts()``. Returns whether the
    /// occurrence cap left some out.
    @discardableResult
    mutating func applyListedOccurrences(_ page: ChangePage, into target: OccurrenceSink.Target) throws -> Bool {
        for instanceID in page.removedOccurrences { try removeListedOccurrence(instanceID) }
        guard !page.listedOccurrences.isEmpty else { return false }
        var sink = try OccurrenceSink(
            writer: self, target: target, window: window, startingCount: try occurrenceCount(of: target))
        for occurrence in page.listedOccurrences { try storeListedOccurrence(occurrence, into: &sink) }
        setOccurrenceCount(sink.count, of: target)
        outcome.occurrencesCapped = outcome.occurrencesCapped || sink.capped
        return sink.capped
    }

    /// Inserts or replaces the occurrence with `occurrence.instanceID` in the calendar.
    /// Returns false when it was not written: its event is not in the store, it lies
    /// outside the window, or the calendar reached its occurrence cap. Two occurrences of
    /// one event at the same start are one row (the first stays).
    @discardableResult
    mutating func storeListedOccurrence(_ occurrence: Occurrence, into sink: inout OccurrenceSink) throws -> Bool {
        guard let event = try keyedEvent(occurrence.eventID) else { return false }
        sink.removed(try deleteListedOccurrence(occurrence.instanceID, in: sink.target))
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

    /// Deletes the rows of `target` whose instance id (stored, else derived) is `instanceID`.
    /// A stored id is found by the partial index of listed ids; a derived one through the
    /// `occurrences` view, from the event its id names.
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
            // A derived id: the single or exception of that id, or a series' instance
            // `<master>_<stamp>`.
            try db.cachedStatement(
                sql: """
                    DELETE FROM internal_occurrences
                    WHERE (event, start_ts) IN (
                        SELECT e.rowid, o.start_ts FROM occurrences o
                        JOIN events e ON e.account_id = o.account_id AND e.calendar_id = o.calendar_id AND e.id = o.event_id
                        WHERE o.account_id = ?2 AND o.calendar_id = ?3 AND o.instance_id = ?1
                        AND o.event_id IN (?1, rtrim(rtrim(?1, '0123456789TZ'), '_')))
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
}
