public import CalSyncModel
import Foundation
import GRDB

/// One row of the store's `outbox` (docs/store.md "outbox"): a create, update or delete
/// written before anything is sent, and what became of it.
public struct OutboxRow: Sendable, Equatable, Encodable {
    public enum Op: String, Sendable, Codable, CaseIterable {
        case create, update, delete
    }

    /// `pending` → `sent` → `done` | `conflict` | `failed` (docs/write-back.md "States").
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Waiting to be sent (again, after a transient failure).
        case pending
        /// Taken by the daemon and being sent: found at start, it may have been applied.
        case sent
        case done
        /// The event changed at the provider since `if_etag`: nothing was written.
        case conflict
        /// The provider (or calsync) refused the request for good; `error` says why.
        case failed
    }

    public var id: Int64
    public var accountID: String
    public var calendarID: String
    public var op: Op
    /// For update and delete: an `events.id` or an `occurrences.instance_id`.
    public var eventID: String?
    /// The payload JSON as written (``OutboxPayload``).
    public var payload: String?
    /// The etag the change was based on; ``OutboxRow/forcedEtag`` (`*`) overwrites whatever
    /// the provider holds.
    public var ifEtag: String?
    /// The idempotency key of a create (``ClientKey``).
    public var clientKey: String?
    public var notify: Bool
    public var state: State
    public var attempts: Int
    public var resultEventID: String?
    public var error: String?
    public var createdAt: String
    public var updatedAt: String

    /// The `if_etag` of a forced update or delete (`--force`): no etag is compared.
    public static let forcedEtag = "*"

    /// The etag to send: nil when forced (or when the store knew none).
    public var etagToSend: String? { ifEtag == Self.forcedEtag ? nil : ifEtag }

    /// `ACCOUNT/CALENDAR`.
    public var target: String { "\(accountID)/\(calendarID)" }

    init(_ row: Row) {
        id = row["id"]
        accountID = row["account_id"]
        calendarID = row["calendar_id"]
        // The schema's CHECK constraints admit only these values.
        op = Op(rawValue: row["op"] as String? ?? "") ?? .create
        eventID = row["event_id"]
        payload = row["payload"]
        ifEtag = row["if_etag"]
        clientKey = row["client_key"]
        notify = row["notify"] as Bool? ?? false
        state = State(rawValue: row["state"] as String? ?? "") ?? .pending
        attempts = row["attempts"] as Int? ?? 0
        resultEventID = row["result_event_id"]
        error = row["error"]
        createdAt = row["created_at"] as String? ?? ""
        updatedAt = row["updated_at"] as String? ?? ""
    }

    public init(
        id: Int64, accountID: String, calendarID: String, op: Op, eventID: String? = nil, payload: String? = nil,
        ifEtag: String? = nil, clientKey: String? = nil, notify: Bool = false, state: State = .pending,
        attempts: Int = 0, resultEventID: String? = nil, error: String? = nil, createdAt: String = "",
        updatedAt: String = ""
    ) {
        self.id = id
        self.accountID = accountID
        self.calendarID = calendarID
        self.op = op
        self.eventID = eventID
        self.payload = payload
        self.ifEtag = ifEtag
        self.clientKey = clientKey
        self.notify = notify
        self.state = state
        self.attempts = attempts
        self.resultEventID = resultEventID
        self.error = error
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, op, payload, notify, state, attempts, error
        case accountID = "account_id"
        case calendarID = "calendar_id"
        case eventID = "event_id"
        case ifEtag = "if_etag"
        case clientKey = "client_key"
        case resultEventID = "result_event_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(accountID, forKey: .accountID)
        try container.encode(calendarID, forKey: .calendarID)
        try container.encode(op, forKey: .op)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(payload, forKey: .payload)
        try container.encode(ifEtag, forKey: .ifEtag)
        try container.encode(clientKey, forKey: .clientKey)
        try container.encode(notify, forKey: .notify)
        try container.encode(state, forKey: .state)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(resultEventID, forKey: .resultEventID)
        try container.encode(error, forKey: .error)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

/// A write to queue: what `calsyncctl event …` (or a program through ``OutboxClient``) asks.
public struct OutboxRequest: Sendable, Equatable {
    /// Which etag an update or delete is based on.
    public enum BasedOn: Sendable, Equatable {
        /// The stored event's etag when the row is written (the default).
        case storedEtag
        /// This etag.
        case etag(String)
        /// None: overwrite whatever the provider holds (`--force`).
        case force
    }

    public var accountID: String
    public var calendarID: String
    public var op: OutboxRow.Op
    public var eventID: String?
    public var draft: EventDraft
    public var basedOn: BasedOn
    public var notify: Bool

    public init(
        accountID: String, calendarID: String, op: OutboxRow.Op, eventID: String? = nil,
        draft: EventDraft = EventDraft(), basedOn: BasedOn = .storedEtag, notify: Bool = false
    ) {
        self.accountID = accountID
        self.calendarID = calendarID
        self.op = op
        self.eventID = eventID
        self.draft = draft
        self.basedOn = basedOn
        self.notify = notify
    }
}

/// The outbox rows of one account that are not done, by state.
public struct OutboxCounts: Sendable, Equatable, Encodable {
    /// `pending` and `sent`.
    public var pending = 0
    public var conflict = 0
    public var failed = 0

    public init(pending: Int = 0, conflict: Int = 0, failed: Int = 0) {
        self.pending = pending
        self.conflict = conflict
        self.failed = failed
    }

    public var isEmpty: Bool { pending == 0 && conflict == 0 && failed == 0 }
}
