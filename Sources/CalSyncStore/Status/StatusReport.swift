import CalSyncModel
import CalSyncRecurrence
public import Foundation

/// Everything `calsyncctl status` shows, read from the store (and the daemon's pid file or
/// control socket for `daemon`). Encoded as the `--json` document described in
/// docs/status-json.md; field names there are a contract for monitoring.
public struct StatusReport: Sendable, Equatable, Encodable {
    public struct Daemon: Sendable, Equatable, Encodable {
        public var running: Bool
        public var pid: Int?
        /// The service's own summary (its systemd STATUS line), when it answered on the
        /// control socket; nil for `calsyncd --once` or a daemon that could not be asked.
        public var status: String?
        public init(running: Bool, pid: Int?, status: String? = nil) {
            self.running = running
            self.pid = pid
            self.status = status
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(running, forKey: .running)
            try container.encode(pid, forKey: .pid)
            try container.encode(status, forKey: .status)
        }

        enum CodingKeys: String, CodingKey { case running, pid, status }
    }

    public struct Calendar: Sendable, Equatable, Encodable {
        public var id: String
        public var name: String
        public var healthy: Bool
        /// Why the calendar is not healthy; nil when it is.
        public var problem: String?
        public var lastSuccess: Date?
        public var lastAttempt: Date?
        public var lastFullSync: Date?
        public var nextRun: Date?
        public var lastError: String?
        public var consecutiveFailures: Int
        public var eventsCount: Int
        public var occurrencesCount: Int
        public var quarantinedCount: Int
        /// A full re-sync deletion held back by the safety valve.
        public var deletionHeld: Bool
        /// The calendar holds as many occurrences as calsync keeps for one calendar
        /// (``CalendarStore/defaultMaximumOccurrencesPerCalendar``): later ones are missing.
        public var occurrencesCapped: Bool

        public init(
            id: String, name: String, lastSuccess: Date?, lastAttempt: Date?, lastFullSync: Date?, nextRun: Date?,
            lastError: String?, consecutiveFailures: Int, eventsCount: Int, occurrencesCount: Int,
            quarantinedCount: Int, deletionHeld: Bool, occurrencesCapped: Bool = false
        ) {
            self.id = id
            self.name = name
            self.healthy = true
            self.problem = nil
            self.lastSuccess = lastSuccess
            self.lastAttempt = lastAttempt
            self.lastFullSync = lastFullSync
            self.nextRun = nextRun
            self.lastError = lastError
            self.consecutiveFailures = consecutiveFailures
            self.eventsCount = eventsCount
            self.occurrencesCount = occurrencesCount
            self.quarantinedCount = quarantinedCount
            self.deletionHeld = deletionHeld
            self.occurrencesCapped = occurrencesCapped
        }

        enum CodingKeys: String, CodingKey {
            case id, name, healthy, problem
            case lastSuccess = "last_success"
            case lastAttempt = "last_attempt"
            case lastFullSync = "last_full_sync"
            case nextRun = "next_run"
            case lastError = "last_error"
            case consecutiveFailures = "consecutive_failures"
            case eventsCount = "events_count"
            case occurrencesCount = "occurrences_count"
            case quarantinedCount = "quarantined_count"
            case deletionHeld = "deletion_held"
            case occurrencesCapped = "occurrences_capped"
        }

        // Written by hand so that unknown values are `null`, not missing: monitoring
        // reads a fixed set of keys.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(healthy, forKey: .healthy)
            try container.encode(problem, forKey: .problem)
            try container.encode(lastSuccess, forKey: .lastSuccess)
            try container.encode(lastAttempt, forKey: .lastAttempt)
            try container.encode(lastFullSync, forKey: .lastFullSync)
            try container.encode(nextRun, forKey: .nextRun)
            try container.encode(lastError, forKey: .lastError)
            try container.encode(consecutiveFailures, forKey: .consecutiveFailures)
            try container.encode(eventsCount, forKey: .eventsCount)
            try container.encode(occurrencesCount, forKey: .occurrencesCount)
            try container.encode(quarantinedCount, forKey: .quarantinedCount)
            try container.encode(deletionHeld, forKey: .deletionHeld)
            try container.encode(occurrencesCapped, forKey: .occurrencesCapped)
        }
    }

    public struct Account: Sendable, Equatable, Encodable {
        public var id: String
        public var provider: String
        public var auth: String
        public var email: String?
        public var state: String
        public var stateDetail: String?
        /// When the cached access token expires (from the token file), if known.
        public var tokenExpiresAt: Date?
        /// The poll interval in force, to judge staleness.
        public var intervalSeconds: Int
        public var healthy: Bool
        public var calendars: [Calendar]
        /// The account's outbox rows that are not done (docs/write-back.md).
        public var writes = OutboxCounts()

        public init(
            id: String, provider: String, auth: String, email: String?, state: String, stateDetail: String?,
            tokenExpiresAt: Date?, intervalSeconds: Int, calendars: [Calendar]
        ) {
            self.id = id
            self.provider = provider
            self.auth = auth
            self.email = email
            self.state = state
            self.stateDetail = stateDetail
            self.tokenExpiresAt = tokenExpiresAt
            self.intervalSeconds = intervalSeconds
            self.healthy = true
            self.calendars = calendars
        }

        enum CodingKeys: String, CodingKey {
            case id, provider, auth, email, state, healthy, calendars, writes
            case stateDetail = "state_detail"
            case tokenExpiresAt = "token_expires_at"
            case intervalSeconds = "interval_seconds"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(provider, forKey: .provider)
            try container.encode(auth, forKey: .auth)
            try container.encode(email, forKey: .email)
            try container.encode(state, forKey: .state)
            try container.encode(stateDetail, forKey: .stateDetail)
            try container.encode(tokenExpiresAt, forKey: .tokenExpiresAt)
            try container.encode(intervalSeconds, forKey: .intervalSeconds)
            try container.encode(healthy, forKey: .healthy)
            try container.encode(calendars, forKey: .calendars)
            try container.encode(writes, forKey: .writes)
        }
    }

    public var healthy: Bool
    public var generatedAt: Date
    public var store: String
    public var daemon: Daemon
    public var accounts: [Account]

    enum CodingKeys: String, CodingKey {
        case healthy, store, daemon, accounts
        case generatedAt = "generated_at"
    }

    /// Builds the report and judges health by the rules of `calsyncctl status`: an account
    /// is unhealthy unless its state is `ok`; a calendar is unhealthy after 3 consecutive
    /// failures, when its last success is older than 3 intervals (or it never succeeded
    /// though it was attempted 3 intervals ago), or while a deletion is held back.
    public init(generatedAt: Date, store: String, daemon: Daemon, accounts: [Account]) {
        self.generatedAt = generatedAt
        self.store = store
        self.daemon = daemon
        self.accounts = accounts.map { StatusReport.judge($0, now: generatedAt) }
        self.healthy = self.accounts.allSatisfy(\.healthy)
    }

    static func judge(_ account: Account, now: Date) -> Account {
        var account = account
        // In floating point: `3 * intervalSeconds` trapped for an interval near Int.max.
        let staleAfter = 3 * TimeInterval(max(account.intervalSeconds, 1))
        account.calendars = account.calendars.map { calendar in
            var calendar = calendar
            calendar.problem =
                if calendar.deletionHeld {
                    "a full re-sync deletion is held back by the safety valve"
                } else if calendar.consecutiveFailures >= 3 {
                    "\(calendar.consecutiveFailures) consecutive failures"
                } else if let success = calendar.lastSuccess, now.timeIntervalSince(success) > staleAfter {
                    "last success is older than 3 poll intervals"
                } else if calendar.lastSuccess == nil, let attempt = calendar.lastAttempt,
                    now.timeIntervalSince(attempt) > staleAfter
                {
                    "never synced successfully"
                } else {
                    nil
                }
            calendar.healthy = calendar.problem == nil
            return calendar
        }
        account.healthy = account.state == AccountState.ok.rawValue && account.calendars.allSatisfy(\.healthy)
        return account
    }

    /// The `--json` document: compact keys as documented, instants in the store's format.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.string(from: date))
        }
        // Encoding plain structs of strings, numbers and dates cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
