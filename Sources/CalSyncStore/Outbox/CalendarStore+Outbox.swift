public import CalSyncModel
public import Foundation
import GRDB

/// The daemon's side of the outbox (docs/write-back.md): queue, take, and finish rows, a
/// finished write applied to `events`/`occurrences`/`changes` in the transaction that marks
/// its row done (read your writes).
extension CalendarStore {
    /// Queues a write (``OutboxTable/enqueue(_:_:now:)``): checked, written `pending`.
    public func enqueueWrite(_ request: OutboxRequest, now: Date) async throws -> OutboxRow {
        try await write { db in try OutboxTable.enqueue(db, request, now: Timestamp.string(from: now)) }
    }

    /// At start: rows left `sent` by a process that stopped while sending go back to
    /// `pending`. They may have been applied: their `attempts` say so, and the pusher
    /// recognises an applied write when it meets it again (docs/write-back.md "Exactly once").
    @discardableResult
    public func requeueSentWrites(now: Date) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: "UPDATE outbox SET state = 'pending', updated_at = ? WHERE state = 'sent'",
                arguments: [Timestamp.string(from: now)])
            return db.changesCount
        }
    }

    /// The accounts with `pending` rows, after filling the defaults of rows other programs
    /// inserted.
    public func accountsWithPendingWrites(now: Date) async throws -> [String] {
        try await write { db in
            try OutboxTable.fillDefaults(db, now: Timestamp.string(from: now))
            return try String.fetchAll(
                db, sql: "SELECT DISTINCT account_id FROM outbox WHERE state = 'pending' ORDER BY account_id")
        }
    }

    /// The account's oldest pending row, marked `sent` with one attempt more, before it is
    /// sent; nil when none is pending.
    public func takeNextWrite(accountID: String, now: Date) async throws -> OutboxRow? {
        try await write { db in
            try OutboxTable.takeNext(db, accountID: accountID, now: Timestamp.string(from: now))
        }
    }

    /// Marks the row done and applies what the provider returned, in ONE transaction, through
    /// the page writer (a page of one upsert or deletion; no cursor is touched):
    /// - an event returned: inserted or replaced, with its occurrences (expanded, or those
    ///   the provider listed); `written.occurrenceID` is the occurrence row it replaced;
    /// - nothing returned (a delete): an `events` row is deleted (a series with its
    ///   exceptions); one occurrence of a series becomes a cancelled exception where the
    ///   store expands series (what the provider's next listing reports), or its row is
    ///   removed where the provider lists occurrences.
    /// The occurrences are written for the window the calendar was last synced with
    /// (`window` when it was never synced).
    public func finishWriteDone(
        _ row: OutboxRow, written: WrittenEvent?, occurrenceSource: OccurrenceSource, window: SyncWindow, now: Date
    ) async throws {
        let nowText = Timestamp.string(from: now)
        try await write { db in
            let calendarKnown =
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM calendars WHERE account_id = ? AND id = ?",
                    arguments: [row.accountID, row.calendarID]) == true
            if calendarKnown {
                let page = try Self.page(db, row: row, written: written, occurrenceSource: occurrenceSource)
                let stored = try Self.storedWindow(db, row.accountID, row.calendarID)
                // The calendar's own occurrence source: a series written where the provider
                // lists occurrences (Graph) gets them from the next poll, not expanded here.
                var writer = try PageWriter(
                    db: db, store: self, accountID: row.accountID, calendarID: row.calendarID,
                    window: stored ?? window, now: nowText, source: occurrenceSource)
                // A mid-chain cursor on an incremental page saves nothing: the calendar's
                // own cursor stays as the last poll left it.
                _ = try writer.apply(page, cursor: .page(""), fingerprint: "", mode: .incremental)
            }
            try OutboxTable.finish(
                db, id: row.id, state: .done, error: nil, resultEventID: written?.event.id ?? row.eventID,
                now: nowText)
        }
    }

    /// Ends the row `conflict` or `failed` with its one-line reason.
    public func finishWrite(_ row: OutboxRow, state: OutboxRow.State, error: String, now: Date) async throws {
        try await write { db in
            try OutboxTable.finish(
                db, id: row.id, state: state, error: error, resultEventID: nil, now: Timestamp.string(from: now))
        }
    }

    /// A transient failure: the row goes back to `pending` (to be sent again with the same
    /// `client_key`), the error kept for `calsyncctl outbox`.
    public func returnWriteToPending(_ row: OutboxRow, error: String, now: Date) async throws {
        try await write { db in
            try OutboxTable.finish(
                db, id: row.id, state: .pending, error: "attempt \(row.attempts) failed, retrying: \(error)",
                resultEventID: nil, now: Timestamp.string(from: now))
        }
    }

    /// One row by id.
    public func outboxRow(id: Int64) async throws -> OutboxRow? {
        try await read { db in try OutboxTable.row(db, id: id) }
    }

    /// The rows that are not done, oldest first (one account, or all).
    public func openWrites(accountID: String? = nil) async throws -> [OutboxRow] {
        try await read { db in try OutboxTable.openRows(db, accountID: accountID) }
    }

    /// `outbox retry` (``OutboxTable/retry(_:id:force:now:)``).
    public func retryWrite(id: Int64, force: Bool, now: Date) async throws -> OutboxRow {
        try await write { db in try OutboxTable.retry(db, id: id, force: force, now: Timestamp.string(from: now)) }
    }

    /// `outbox drop` (``OutboxTable/drop(_:id:)``).
    public func dropWrite(id: Int64) async throws -> OutboxRow {
        try await write { db in try OutboxTable.drop(db, id: id) }
    }

    /// Per account: pending, conflicting and failed writes.
    public func writeCounts() async throws -> [String: OutboxCounts] {
        try await read { db in try OutboxTable.counts(db) }
    }

    // MARK: Applying a write

    /// The page of one change that shows a finished write.
    static func page(
        _ db: Database, row: OutboxRow, written: WrittenEvent?, occurrenceSource: OccurrenceSource
    ) throws -> ChangePage {
        var page = ChangePage()
        if let written {
            page.upserts = [written.event]
            page.listedOccurrences = written.occurrences ?? []
            if let replaced = written.occurrenceID, replaced != written.event.id,
                !page.listedOccurrences.contains(where: { $0.instanceID == replaced })
            {
                page.removedOccurrences = [replaced]
            }
            return page
        }
        guard row.op == .delete, let id = row.eventID else { return page }
        let key: StatementArguments = [row.accountID, row.calendarID, id]
        let event = try Row.fetchOne(
            db,
            sql: """
                SELECT kind, series_id, original_start, start, "end", status FROM events
                WHERE account_id = ? AND calendar_id = ? AND id = ?
                """,
            arguments: key)
        let occurrence = try Row.fetchOne(
            db, sql: OccurrenceByInstanceID.occurrence,
            arguments: OccurrenceByInstanceID.arguments(
                accountID: row.accountID, calendarID: row.calendarID, instanceID: id))
        switch occurrenceSource {
        case .listed:
            if event != nil { page.deletions = [id] }
            if occurrence != nil { page.removedOccurrences = [id] }
        case .expanded:
            if let event, event["kind"] as String? == CalendarEvent.Kind.exception.rawValue,
                let series = event["series_id"] as String?
            {
                // Cancelled already: a poll stored the provider's own cancelled instance (the
                // request got through once before, its answer lost, and this attempt found
                // it gone). That row, with its etag, is what the provider holds; one made up
                // here would replace it with no etag, and no later poll would bring it back.
                if event["status"] as String? == CalendarEvent.Status.cancelled.rawValue { return page }
                // A deleted exception leaves its instance cancelled, not back as the series had it.
                let start = (event["original_start"] as String?).flatMap(EventTime.init(storeText:))
                page.upserts = [
                    cancelledInstance(
                        id, series: series, start: start ?? EventTime(storeText: event["start"]),
                        end: EventTime(storeText: event["end"]))
                ].compactMap { $0 }
            } else if event != nil {
                page.deletions = [id]
            } else if let occurrence, let series = occurrence["series_id"] as String? {
                page.upserts = [
                    cancelledInstance(
                        id, series: series, start: EventTime(storeText: occurrence["start"]),
                        end: EventTime(storeText: occurrence["end"]))
                ].compactMap { $0 }
            }
        }
        return page
    }

    /// The cancelled exception a provider keeps for a deleted instance of a series.
    static func cancelledInstance(_ id: String, series: String, start: EventTime?, end: EventTime?) -> CalendarEvent? {
        guard let start, let end else { return nil }
        return CalendarEvent(
            id: id, kind: .exception, seriesID: series, originalStart: start, status: .cancelled, start: start,
            end: end, raw: #"{"id":"\#(id)","status":"cancelled"}"#)
    }
}
