public import CalSyncAuth
public import CalSyncModel
public import CalSyncStore
public import Foundation
public import Logging

/// Syncs the calendars of configured accounts: the shared core of `calsyncd --once` and of
/// the daemon's scheduler.
///
/// Per account: the account row is kept current; tokens come from the token file (a
/// refresh is persisted before use); the calendar list is fetched and applied; each
/// selected calendar is polled. An account whose refresh token is dead turns
/// `needs_login` and stops; every other account carries on.
public struct AccountSync: Sendable {
    /// The result of syncing one calendar (or of failing to reach an account's calendars).
    public struct CalendarResult: Sendable {
        public var accountID: String
        public var calendarID: String?
        public var calendarName: String?
        public var outcome: CalendarSynchronizer.Outcome?
        public var error: CalSyncError?

        public var succeeded: Bool { error == nil && !held }
        public var held: Bool {
            if case .held = outcome?.sweep { return true }
            return false
        }

        /// `work/primary (Work): ok, 3 pages, +120 ~0 -0, full sync`.
        public var line: String {
            let name = calendarName.map { " (\($0))" } ?? ""
            let target = "\(accountID)\(calendarID.map { "/\($0)" } ?? "")\(name)"
            if let error { return "\(target): failed: \(error.message)" }
            return "\(target): \(held ? "held" : "ok"), \(outcome?.summary ?? "")"
        }
    }

    /// Retries of transient failures within one poll (`--once`: 5, from 1 s to 60 s).
    public struct RetryPolicy: Sendable {
        public var retries: Int
        public var backoff: Backoff
        public init(retries: Int, backoff: Backoff) {
            self.retries = retries
            self.backoff = backoff
        }
        public static let oneShot = RetryPolicy(retries: 5, backoff: .oneShot)
    }

    public let configuration: CalSyncConfiguration
    let store: CalendarStore
    let tokens: TokenStore
    let transport: any HTTPTransport
    let providers: ProviderFactory
    let environment: [String: String]
    let logger: Logger
    let now: @Sendable () -> Date
    let sleep: @Sendable (Duration) async throws -> Void
    let random: @Sendable () -> Double

    public init(
        configuration: CalSyncConfiguration, store: CalendarStore, tokens: TokenStore, transport: any HTTPTransport,
        providers: ProviderFactory, environment: [String: String], logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.configuration = configuration
        self.store = store
        self.tokens = tokens
        self.transport = transport
        self.providers = providers
        self.environment = environment
        self.logger = logger
        self.now = now
        self.sleep = sleep
        self.random = random
    }

    /// The same syncer for another configuration (after a reload).
    public func reconfigured(_ configuration: CalSyncConfiguration) -> AccountSync {
        AccountSync(
            configuration: configuration, store: store, tokens: tokens, transport: transport, providers: providers,
            environment: environment, logger: logger, now: now, sleep: sleep, random: random)
    }

    /// Syncs every enabled account once, up to `[sync] max_concurrent_syncs` accounts at a
    /// time, and returns one result per calendar (or per account that could not start).
    public func syncAll(retry: RetryPolicy = .oneShot) async -> [CalendarResult] {
        await recordAccounts()
        let enabled = configuration.accounts.filter(\.enabled)
        let limit = max(1, configuration.sync.maxConcurrentSyncs)
        return await withTaskGroup(of: [CalendarResult].self) { group in
            var results: [CalendarResult] = []
            var next = 0
            while next < min(limit, enabled.count) {
                let account = enabled[next]
                group.addTask { await syncAccount(account, retry: retry) }
                next += 1
            }
            for await accountResults in group {
                results += accountResults
                if next < enabled.count {
                    let account = enabled[next]
                    group.addTask { await syncAccount(account, retry: retry) }
                    next += 1
                }
            }
            return results.sorted { ($0.accountID, $0.calendarID ?? "") < ($1.accountID, $1.calendarID ?? "") }
        }
    }

    /// What one poll of an account covers (`calsyncctl sync ACCOUNT/CALENDAR --full --force`).
    public struct PollOptions: Sendable, Equatable {
        /// One calendar, by id or name; nil polls every selected calendar.
        public var calendar: String?
        /// A full re-sync even though the cursor is valid.
        public var full: Bool
        /// Apply a re-sync that the safety valve would hold.
        public var force: Bool
        public init(calendar: String? = nil, full: Bool = false, force: Bool = false) {
            self.calendar = calendar
            self.full = full
            self.force = force
        }
        public static let scheduled = PollOptions()
    }

    /// Writes a row for every configured account (enabled or not), so that the store says
    /// which accounts exist before their first poll.
    /// Accounts the store still holds but the configuration no longer names are marked
    /// `disabled`, saying how to remove their data.
    public func recordAccounts() async {
        for account in configuration.accounts {
            try? await store.upsertAccount(
                id: account.name, provider: account.provider, auth: account.auth.storeName, email: nil,
                state: account.enabled ? .ok : .disabled,
                stateDetail: account.enabled ? nil : "disabled in the configuration (enabled = false)", now: now())
        }
        for stored in (try? await store.accountIDs()) ?? [] where configuration.account(named: stored) == nil {
            try? await store.setAccountState(
                id: stored, state: .disabled,
                detail: "no longer in the configuration; its data stays until: calsyncctl forget \(stored)", now: now())
        }
    }

    /// `calsyncctl forget`: removes a no-longer-configured account's data from the store.
    public func forget(account: String) async throws(CalSyncError) -> Int {
        try await ForgetAccount.run(account, configuration: configuration, store: store, now: now(), logger: logger)
    }

    /// Lists the account's calendars, applies the list, polls each selected calendar (or
    /// the one `options` names).
    public func syncAccount(
        _ account: AccountConfiguration, retry: RetryPolicy, options: PollOptions = .scheduled
    ) async -> [CalendarResult] {
        let metadata: Logger.Metadata = [
            "calsync.account": "\(account.name)", "calsync.provider": "\(account.provider)",
        ]
        let provider: any CalendarProvider
        let calendars: [RemoteCalendar]
        do {
            provider = try makeProvider(account)
            let listed = try await withRetries(retry, metadata: metadata) {
                try await provider.listCalendars(logger: logger)
            }
            let selection = CalendarSelection.select(listed, configured: account.calendars)
            for missing in selection.missing {
                logger.warning(
                    "Configured calendar not found",
                    metadata: metadata.merging(["calsync.calendar": "\(missing)"]) { $1 })
            }
            try await store.replaceCalendars(
                accountID: account.name, calendars: listed, enabledIDs: selection.enabled, now: now())
            calendars = listed.filter { selection.enabled.contains($0.id) }.filter { calendar in
                options.calendar.map { $0 == calendar.id || $0 == calendar.name } ?? true
            }
        } catch {
            return [await accountFailed(account, error: CalSyncError.wrap(error), metadata: metadata)]
        }
        if let wanted = options.calendar, calendars.isEmpty {
            return [
                CalendarResult(
                    accountID: account.name,
                    error: CalSyncError(
                        .invalidInput, "account \(account.name) syncs no calendar with the id or name \"\(wanted)\""))
            ]
        }
        var results: [CalendarResult] = []
        let synchronizer = CalendarSynchronizer(store: store, logger: logger, now: now)
        let window = SyncWindow.around(
            now(), past: configuration.sync.windowPast, future: configuration.sync.windowFuture)
        for calendar in calendars {
            var calendarMetadata = metadata
            calendarMetadata["calsync.calendar"] = "\(calendar.id)"
            var result = CalendarResult(accountID: account.name, calendarID: calendar.id, calendarName: calendar.name)
            do {
                try await store.recordAttempt(accountID: account.name, calendarID: calendar.id, now: now())
                result.outcome = try await withRetries(retry, metadata: calendarMetadata) {
                    try await synchronizer.poll(
                        provider: provider, accountID: account.name, calendarID: calendar.id, window: window,
                        maxDeleteRatio: configuration.sync.maxDeleteRatio, full: options.full,
                        forceDeletion: options.force)
                }
                try await store.recordSuccess(
                    accountID: account.name, calendarID: calendar.id, now: now(),
                    nextRun: now().addingTimeInterval(Double(account.interval.components.seconds)))
                logger.info(
                    "Sync finished",
                    metadata: calendarMetadata.merging(MessageID.metadata(MessageID.syncFinished)) { $1 }.merging([
                        "calsync.summary": "\(result.outcome?.summary ?? "")"
                    ]) { $1 })
            } catch {
                let failure = CalSyncError.wrap(error)
                result.error = failure
                try? await store.recordFailure(
                    accountID: account.name, calendarID: calendar.id, error: failure.message, now: now(),
                    nextRun: now().addingTimeInterval(Double(account.interval.components.seconds)))
                if failure.code == .needsLogin {
                    results.append(result)
                    results.append(await accountFailed(account, error: failure, metadata: metadata))
                    return results
                }
                logger.warning(
                    "Sync failed", metadata: calendarMetadata.merging(["calsync.error": "\(failure.message)"]) { $1 })
            }
            results.append(result)
        }
        if results.allSatisfy({ $0.error == nil }) {
            try? await store.setAccountState(id: account.name, state: .ok, detail: nil, now: now())
        }
        return results
    }

    /// The provider client, with a token source built from the token file.
    func makeProvider(_ account: AccountConfiguration) throws -> any CalendarProvider {
        if case .apiKey = account.auth {
            return try providers.make(account, nil)
        }
        guard let stored = try tokens.tokens(for: account.name), let refreshToken = stored.refreshToken else {
            throw CalSyncError(.needsLogin, "account \(account.name) is not signed in yet.")
        }
        let client = try AccountAuthorization.client(for: account, environment: environment, transport: transport)
        let tokenStore = tokens
        let name = account.name
        let source = RefreshingTokenSource(
            client: client,
            tokens: .init(
                refreshToken: refreshToken, accessToken: stored.accessToken, expiresAt: stored.accessTokenExpiresAt),
            now: now,
            persist: { grant in
                let previous = try tokenStore.tokens(for: name)
                try tokenStore.save(
                    .init(
                        refreshToken: grant.refreshToken, accessToken: grant.accessToken,
                        accessTokenExpiresAt: grant.expiresAt, scope: grant.scope ?? previous?.scope,
                        email: grant.email ?? previous?.email),
                    for: name)
            })
        return try providers.make(account, source)
    }

    private func accountFailed(
        _ account: AccountConfiguration, error: CalSyncError, metadata: Logger.Metadata
    ) async -> CalendarResult {
        if error.code == .needsLogin {
            let detail = "\(error.message) Run: calsyncctl login \(account.name)"
            try? await store.setAccountState(id: account.name, state: .needsLogin, detail: detail, now: now())
            logger.error(
                "Account needs a new sign-in",
                metadata: metadata.merging(MessageID.metadata(MessageID.needsLogin)) { $1 }.merging([
                    "calsync.error": "\(error.message)"
                ]) { $1 })
            return CalendarResult(accountID: account.name, error: CalSyncError(.needsLogin, detail))
        }
        let state: AccountState = error.isTransient ? .ok : .error
        try? await store.setAccountState(
            id: account.name, state: state, detail: state == .ok ? nil : error.message, now: now())
        logger.warning("Account sync failed", metadata: metadata.merging(["calsync.error": "\(error.message)"]) { $1 })
        return CalendarResult(accountID: account.name, error: error)
    }

    /// Runs `body`, retrying transient failures with jittered backoff; `Retry-After` wins.
    func withRetries<T: Sendable>(
        _ policy: RetryPolicy, metadata: Logger.Metadata, _ body: () async throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await body()
            } catch let error as CalSyncError where error.isTransient && attempt < policy.retries {
                let delay = policy.backoff.delay(attempt: attempt, retryAfter: error.retryAfter, unitRandom: random())
                var details = metadata
                details["calsync.error"] = "\(error.message)"
                details["calsync.retry_in"] = "\(delay)"
                if error.code == .rateLimited {
                    logger.warning(
                        "Throttled", metadata: details.merging(MessageID.metadata(MessageID.throttled)) { $1 })
                } else {
                    logger.info("Retrying after a transient failure", metadata: details)
                }
                try await sleep(delay)
                attempt += 1
            }
        }
    }
}

extension CalSyncError {
    /// Any error as a CalSyncError; an unexpected one keeps its description under `.http`.
    static func wrap(_ error: any Error) -> CalSyncError {
        if let error = error as? CalSyncError { return error }
        if error is CancellationError { return CalSyncError(.cancelled, "cancelled") }
        return CalSyncError(.http, "\(error)")
    }
}
