import CalSyncModel
import Foundation
import GRDB

/// The `outbox` statements, on any connection that may write the store: the daemon's
/// (``CalendarStore``) and that of a program queueing writes (``OutboxClient``).
enum OutboxTable {
    /// Checks and writes a request as a `pending` row, before anything is sent: the target
    /// calendar (by id, or by name when no id matches) and, for update and delete, the
    /// event or occurrence must be in the store; `if_etag` is the stored event's etag
    /// unless given or forced; a create gets its ``ClientKey`` now.
    static func enqueue(_ db: Database, _ request: OutboxRequest, now: String) throws -> OutboxRow {
        let calendarID = try resolveCalendar(db, accountID: request.accountID, calendar: request.calendarID)
        let payload = OutboxPayload.text(request.draft)
        // The same checks the daemon makes of a row a program inserted.
        _ = try OutboxPayload.parse(payload, op: request.op)
        var ifEtag: String?
        var eventID: String?
        var clientKey: String?
        switch request.op {
        case .create:
            clientKey = ClientKey.make()
        case .update, .delete:
            guard let id = request.eventID, !id.isEmpty else {
                throw CalSyncError(.invalidInput, "an \(request.op.rawValue) needs the event's id")
            }
            guard let stored = try storedEtag(db, request.accountID, calendarID, id) else {
                throw CalSyncError(
                    .invalidInput,
                    "\(request.accountID)/\(calendarID) has no event or occurrence \"\(id)\" in the store "
                        + "(ids: calsyncctl agenda --json, events.id or occurrences.instance_id)")
            }
            eventID = id
            switch request.basedOn {
            case .storedEtag: ifEtag = stored
            case .etag(let etag): ifEtag = etag
            case .force: ifEtag = OutboxRow.forcedEtag
            }
        }
        try db.execute(
            sql: """
                INSERT INTO outbox(account_id, calendar_id, op, event_id, payload, if_etag, client_key, notify, state,
                    attempts, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
                """,
            arguments: [
                request.accountID, calendarID, request.op.rawValue, eventID, payload, ifEtag, clientKey,
                request.notify, now, now,
            ])
        return try row(db, id: db.lastInsertedRowID)!
    }

    /// The calendar `calendar` names: its id, else the one calendar of that name.
    static func resolveCalendar(_ db: Database, accountID: String, calendar: String) throws -> String {
        if try Bool.fetchOne(
            db, sql: "SELECT 1 FROM calendars WHERE account_id = ? AND id = ?", arguments: [accountID, calendar])
            == true
        {
            return calendar
        }
        let named = try String.fetchAll(
            db, sql: "SELECT id FROM calendars WHERE account_id = ? AND name = ?", arguments: [accountID, calendar])
        if named.count == 1 { return named[0] }
        throw CalSyncError(
            .invalidInput,
            named.isEmpty
                ? "account \(accountID) has no calendar \"\(calendar)\" in the store (calsyncctl calendars lists them)"
                : "account \(accountID) has \(named.count) calendars named \"\(calendar)\": use the id")
    }

    /// The etag of the event `id` names (an `events.id`, or an occurrence's event), nil
    /// when neither is in the store; `.some(nil)` when the event has no etag.
    static func storedEtag(
        _ db: Database, _ accountID: String, _ calendarID: String, _ id: String
    ) throws -> String?? {
        if let row = try Row.fetchOne(
            db, sql: "SELECT etag FROM events WHERE account_id = ? AND calendar_id = ? AND id = ?",
            arguments: [accountID, calendarID, id])
        {
            return .some(row["etag"])
        }
        if let row = try Row.fetchOne(
            db, sql: OccurrenceByInstanceID.etag,
            arguments: OccurrenceByInstanceID.arguments(accountID: accountID, calendarID: calendarID, instanceID: id))
        {
            return .some(row["etag"])
        }
        return nil
    }

    /// Fills what a program inserting a row may leave out (docs/store.md "outbox"): a
    /// create's `client_key`, an update's or delete's `if_etag` (the stored etag now).
    static func fillDefaults(_ db: Database, now: String) throws {
        let creates = try Int64.fetchAll(
            db, sql: "SELECT id FROM outbox WHERE state = 'pending' AND op = 'create' AND client_key IS NULL")
        for id in creates {
            try db.execute(
                sql: "UPDATE outbox SET client_key = ?, updated_at = ? WHERE id = ?",
                arguments: [ClientKey.make(), now, id])
        }
        let changes = try Row.fetchAll(
            db,
            sql: """
                SELECT id, account_id, calendar_id, event_id FROM outbox
                WHERE state = 'pending' AND op IN ('update', 'delete') AND if_etag IS NULL AND attempts = 0
                    AND event_id IS NOT NULL
                """)
        for change in changes {
            guard let etag = try storedEtag(db, change["account_id"], change["calendar_id"], change["event_id"]) ?? nil
            else { continue }
            try db.execute(
                sql: "UPDATE outbox SET if_etag = ?, updated_at = ? WHERE id = ?",
                arguments: [etag, now, change["id"] as Int64])
        }
    }

    /// Why the daemon cannot send `row` as it stands; nil when it can.
    static func problem(_ row: OutboxRow) -> String? {
        do {
            _ = try OutboxPayload.parse(row.payload, op: row.op)
        } catch {
            return (error as? CalSyncError)?.message ?? "\(error)"
        }
        switch row.op {
        case .create:
            if let key = row.clientKey, !ClientKey.isValid(key) {
                return "client_key \"\(key)\" is not 5 to 1024 characters of 0-9 and a-v"
            }
        case .update, .delete:
            if (row.eventID ?? "").isEmpty { return "an \(row.op.rawValue) needs event_id" }
        }
        return nil
    }

    /// The account's oldest `pending` row, now `sent` with one attempt more; rows that
    /// cannot be sent (a bad payload) end `failed` on the way.
    static func takeNext(_ db: Database, accountID: String, now: String) throws -> OutboxRow? {
        try fillDefaults(db, now: now)
        while let next = try Row.fetchOne(
            db, sql: "SELECT * FROM outbox WHERE account_id = ? AND state = 'pending' ORDER BY id LIMIT 1",
            arguments: [accountID]
        ).map(OutboxRow.init) {
            if let problem = problem(next) {
                try finish(db, id: next.id, state: .failed, error: problem, resultEventID: nil, now: now)
                continue
            }
            try db.execute(
                sql: "UPDATE outbox SET state = 'sent', attempts = attempts + 1, updated_at = ? WHERE id = ?",
                arguments: [now, next.id])
            return try row(db, id: next.id)
        }
        return nil
    }

    static func finish(
        _ db: Database, id: Int64, state: OutboxRow.State, error: String?, resultEventID: String?, now: String
    ) throws {
        try db.execute(
            sql: "UPDATE outbox SET state = ?, error = ?, result_event_id = ?, updated_at = ? WHERE id = ?",
            arguments: [state.rawValue, error.map(oneLine), resultEventID, now, id])
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
    }

    static func row(_ db: Database, id: Int64) throws -> OutboxRow? {
        try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE id = ?", arguments: [id]).map(OutboxRow.init)
    }

    /// `calsyncctl outbox retry`: a `conflict` or `failed` row goes back to `pending`
    /// (with `force`, based on no etag: it overwrites).
    static func retry(_ db: Database, id: Int64, force: Bool, now: String) throws -> OutboxRow {
        guard let row = try row(db, id: id) else { throw noRow(id) }
        guard row.state == .conflict || row.state == .failed else {
            throw CalSyncError(
                .invalidInput, "outbox row \(id) is \(row.state.rawValue): only conflict and failed rows are retried")
        }
        try db.execute(
            sql: """
                UPDATE outbox SET state = 'pending', error = NULL, updated_at = ?,
                    if_etag = CASE WHEN ? AND op != 'create' THEN '*' ELSE if_etag END
                WHERE id = ?
                """,
            arguments: [now, force, id])
        return try self.row(db, id: id)!
    }

    /// `calsyncctl outbox drop`: removes a row that is not being sent.
    static func drop(_ db: Database, id: Int64) throws -> OutboxRow {
        guard let row = try row(db, id: id) else { throw noRow(id) }
        guard row.state != .sent else {
            throw CalSyncError(
                .invalidInput, "outbox row \(id) is being sent now: wait for its answer (calsyncctl outbox)")
        }
        try db.execute(sql: "DELETE FROM outbox WHERE id = ?", arguments: [id])
        return row
    }

    static func noRow(_ id: Int64) -> CalSyncError {
        CalSyncError(.invalidInput, "there is no outbox row \(id)")
    }

    /// The rows that are not done, oldest first.
    static func openRows(_ db: Database, accountID: String? = nil) throws -> [OutboxRow] {
        try Row.fetchAll(
            db,
            sql: "SELECT * FROM outbox WHERE state != 'done' AND (?1 IS NULL OR account_id = ?1) ORDER BY id",
            arguments: [accountID]
        ).map(OutboxRow.init)
    }

    /// Per account: rows pending (or being sent), in conflict, failed.
    static func counts(_ db: Database) throws -> [String: OutboxCounts] {
        var counts: [String: OutboxCounts] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT account_id, state, COUNT(*) AS n FROM outbox WHERE state != 'done' GROUP BY 1, 2")
        {
            let account: String = row["account_id"]
            let n: Int = row["n"]
            switch OutboxRow.State(rawValue: row["state"] as String? ?? "") {
            case .pending, .sent: counts[account, default: OutboxCounts()].pending += n
            case .conflict: counts[account, default: OutboxCounts()].conflict += n
            case .failed: counts[account, default: OutboxCounts()].failed += n
            case .done, nil: break
            }
        }
        return counts
    }
}
