import CalSyncAuth
public import CalSyncModel
import CalSyncStore
import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization
import UnixSignals

/// The daemon's loop: polls every enabled account on its own schedule until shutdown.
///
/// One loop owns every decision; polls run as tasks it starts and hears back from.
/// - Each account polls on its interval with ±10 % jitter, so accounts configured alike
///   do not poll in lockstep; its calendars are polled together and share its backoff: a
///   failed poll backs off from a tenth of the interval up to the interval, `Retry-After`
///   honoured.
/// - At most `[sync] max_concurrent_syncs` accounts poll at once; when more are due, the
///   most overdue go first (and polls asked for with `calsyncctl sync` before them).
/// - Between polls the loop sleeps until the next one is due; the only other wake-up is
///   the heartbeat the systemd watchdog needs (a quarter of `WatchdogSec=`). The heartbeat
///   is stamped by this loop itself, so a wedged loop stops the watchdog's pings.
/// - Polls asked for by peers that are neither root nor the daemon's user are rate-limited:
///   one such poll per account per `askedPollSpacing` (60 s); a request within that time
///   joins the poll running or waiting for the account, or gets the last poll's results,
///   instead of queueing another (docs/daemon.md "Who may ask for what").
/// - SIGHUP reloads the configuration and applies the difference: new accounts poll at
///   once, removed or disabled ones stop (their data stays in the store), the others keep
///   their schedule. An invalid file is logged and the old configuration stays in force.
/// - Shutdown cancels the running polls; a page's transaction is either applied whole or
///   not at all, so nothing is half-written.
public final class SyncScheduler: Service, Sendable {
    /// What the scheduler tells the service manager; wired to sd_notify by calsyncd.
    public struct Hooks: Sendable {
        public var ready: @Sendable (String) -> Void
        public var status: @Sendable (String) -> Void
        public var reloading: @Sendable () -> Void
        public var stopping: @Sendable () -> Void
        public init(
            ready: @escaping @Sendable (String) -> Void, status: @escaping @Sendable (String) -> Void,
            reloading: @escaping @Sendable () -> Void, stopping: @escaping @Sendable () -> Void
        ) {
            self.ready = ready
            self.status = status
            self.reloading = reloading
            self.stopping = stopping
        }
    }

    typealias Results = [AccountSync.CalendarResult]

    /// A poll asked for through the control socket, answered when it has run.
    struct PollRequest: Sendable {
        var options: AccountSync.PollOptions
        var reply: (@Sendable (Results) -> Void)?
        /// From a peer whose polls are rate-limited (not root, not the daemon's user).
        var rateLimited = false
    }

    enum Event: Sendable {
        case reload
        case pollRequested(account: String, PollRequest)
        case finished(account: String, results: Results, coveredAllCalendars: Bool, requests: [PollRequest])
        case wedge
    }

    struct State {
        var configuration: CalSyncConfiguration
        var lastHeartbeat = ContinuousClock.now
        var inbox: [Event] = []
        var sleeper: Task<Void, Never>?
        var report: [String: AccountReport] = [:]
        var lastSync: Date?
    }

    /// What the STATUS line says about an account after its last poll.
    struct AccountReport {
        var healthyCalendars = 0
        var failedCalendars = 0
        var needsLogin = false
        var nextRun: Date?
    }

    private let makeSync: @Sendable (CalSyncConfiguration) -> AccountSync
    private let reload: @Sendable () throws -> CalSyncConfiguration
    private let hooks: Hooks
    private let logger: Logger
    private let heartbeatPeriod: Duration?
    private let askedPollSpacing: Duration
    private let state: Mutex<State>

    /// - Parameters:
    ///   - makeSync: builds the account syncer for a configuration.
    ///   - reload: re-reads the configuration file (SIGHUP).
    ///   - heartbeatPeriod: how often the loop proves it is alive when nothing else wakes it
    ///     (a quarter of the watchdog period); nil without a watchdog, so the loop sleeps
    ///     until the next poll.
    ///   - askedPollSpacing: the least time between two polls of an account that
    ///     rate-limited requests start.
    public init(
        configuration: CalSyncConfiguration, makeSync: @escaping @Sendable (CalSyncConfiguration) -> AccountSync,
        reload: @escaping @Sendable () throws -> CalSyncConfiguration, hooks: Hooks, heartbeatPeriod: Duration?,
        askedPollSpacing: Duration = .seconds(60), logger: Logger
    ) {
        self.askedPollSpacing = askedPollSpacing
        self.makeSync = makeSync
        self.reload = reload
        self.hooks = hooks
        self.heartbeatPeriod = heartbeatPeriod
        self.logger = logger
        self.state = Mutex(State(configuration: configuration))
    }

    /// The configuration in force (the last valid one loaded).
    public var configuration: CalSyncConfiguration { state.withLock { $0.configuration } }

    /// Removes a no-longer-configured account's data (`calsyncctl forget`); refused while
    /// the configuration in force names the account.
    public func forget(account: String) async throws(CalSyncError) -> Int {
        try await makeSync(configuration).forget(account: account)
    }

    /// When the loop last went round; the watchdog pings only while this is fresh.
    public var lastHeartbeat: ContinuousClock.Instant { state.withLock { $0.lastHeartbeat } }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        hooks.ready(statusLine())
        await withGracefulShutdownHandler {
            await cancelWhenGracefulShutdown {
                await withDiscardingTaskGroup { group in
                    group.addTask {
                        for await _ in signals { self.requestReload() }
                    }
                    await self.loop()
                    group.cancelAll()
                }
            }
        } onGracefulShutdown: {
            self.hooks.stopping()
        }
        logger.info("calsyncd stopped")
    }

    // MARK: - Asked from outside the loop

    /// Polls now (`calsyncctl sync`): every enabled account, or one account (and one of
    /// its calendars). With `wait`, returns once the polls have run, with their results.
    /// `rateLimited`: the request comes from a peer whose polls are rate-limited.
    public func pollNow(
        account: String?, options: AccountSync.PollOptions, wait: Bool, rateLimited: Bool = false
    ) async throws(CalSyncError) -> [AccountSync.CalendarResult] {
        let configuration = state.withLock { $0.configuration }
        let enabled = configuration.accounts.filter(\.enabled).map(\.name)
        let targets: [String]
        if let account {
            guard let configured = configuration.account(named: account) else {
                let names = configuration.accounts.map(\.name).joined(separator: ", ")
                throw CalSyncError(
                    .invalidInput,
                    "no account named \"\(account)\" in the configuration (accounts: \(names.isEmpty ? "none" : names))"
                )
            }
            guard configured.enabled else {
                throw CalSyncError(
                    .invalidInput, "account \(account) is disabled in the configuration (enabled = false)")
            }
            targets = [account]
        } else {
            guard !enabled.isEmpty else {
                throw CalSyncError(.invalidInput, "no enabled account in the configuration: nothing to sync")
            }
            targets = enabled
        }
        guard wait else {
            for target in targets {
                post(.pollRequested(account: target, PollRequest(options: options, rateLimited: rateLimited)))
            }
            return []
        }
        return await withTaskGroup(of: Results.self) { group in
            for target in targets {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        self.post(
                            .pollRequested(
                                account: target,
                                PollRequest(
                                    options: options, reply: { continuation.resume(returning: $0) },
                                    rateLimited: rateLimited)))
                    }
                }
            }
            var all: Results = []
            for await results in group { all += results }
            return all.sorted { ($0.accountID, $0.calendarID ?? "") < ($1.accountID, $1.calendarID ?? "") }
        }
    }

    /// Re-reads the configuration and applies the difference (what SIGHUP does).
    public func requestReload() {
        post(.reload)
    }

    /// Stops the loop for good, as a deadlock would: the heartbeat goes stale and the
    /// watchdog stops pinging. For testing the unit's watchdog restart only.
    public func wedgeForTesting() {
        logger.warning("The scheduler loop stops now, as asked (debug-wedge-scheduler)")
        post(.wedge)
    }

    private func post(_ event: Event) {
        state.withLock { state in
            state.inbox.append(event)
            state.sleeper?.cancel()
        }
    }

    // MARK: - The loop

    /// Everything the loop alone reads and writes.
    private struct Plan {
        var configuration: CalSyncConfiguration
        var sync: AccountSync
        var due: [String: ContinuousClock.Instant] = [:]
        var failures: [String: Int] = [:]
        var running: [String: Task<Void, Never>] = [:]
        var requests: [String: [PollRequest]] = [:]
        /// When a poll with asked-for requests last started, per account.
        var lastAsked: [String: ContinuousClock.Instant] = [:]
        /// Rate-limited requests that joined the account's running poll.
        var joined: [String: [PollRequest]] = [:]
        var lastResults: [String: Results] = [:]
    }

    private func loop() async {
        let configuration = state.withLock { $0.configuration }
        var plan = Plan(configuration: configuration, sync: makeSync(configuration))
        await plan.sync.recordAccounts()
        for account in configuration.accounts where account.enabled { plan.due[account.name] = .now }
        while !Task.isCancelled {
            let events = state.withLock { state in
                state.lastHeartbeat = .now
                defer { state.inbox.removeAll() }
                return state.inbox
            }
            for event in events {
                if case .wedge = event {
                    await sleepUntilCancelled()
                    await finish(&plan)
                    return
                }
                await handle(event, plan: &plan)
            }
            startDuePolls(&plan)
            await waitForEvents(until: nextWake(plan))
        }
        await finish(&plan)
    }

    private func handle(_ event: Event, plan: inout Plan) async {
        switch event {
        case .reload:
            await performReload(&plan)
        case .pollRequested(let account, let request):
            if plan.configuration.account(named: account)?.enabled == true {
                if request.rateLimited, let last = plan.lastAsked[account],
                    ContinuousClock.now - last < askedPollSpacing,
                    plan.requests[account]?.isEmpty != false
                {
                    // Too soon after the last asked-for poll: join the one running, or take
                    // the last results; never a poll more.
                    logger.debug("Asked-for poll rate-limited", metadata: ["calsync.account": "\(account)"])
                    if plan.running[account] != nil {
                        plan.joined[account, default: []].append(request)
                    } else {
                        request.reply?(Self.results(plan.lastResults[account] ?? [], for: request.options))
                    }
                    break
                }
                plan.requests[account, default: []].append(request)
            } else {
                request.reply?([Self.refusal(account, "account \(account) is no longer in the configuration")])
            }
        case .finished(let account, let results, let coveredAllCalendars, let requests):
            plan.running[account] = nil
            plan.lastResults[account] = results
            for request in requests + (plan.joined.removeValue(forKey: account) ?? []) {
                request.reply?(Self.results(results, for: request.options))
            }
            guard let configured = plan.configuration.account(named: account) else { break }
            if coveredAllCalendars || results.contains(where: { $0.error != nil }) {
                plan.due[account] = .now + nextDelay(after: results, account: configured, plan: &plan)
            }
            let nextRun = plan.due[account].map { Date().addingTimeInterval(Self.seconds($0 - .now)) }
            state.withLock { state in
                state.lastSync = Date()
                state.report[account] = AccountReport(
                    healthyCalendars: results.filter { $0.error == nil && $0.calendarID != nil }.count,
                    failedCalendars: results.filter { $0.error != nil }.count,
                    needsLogin: results.contains { $0.error?.code == .needsLogin }, nextRun: nextRun)
            }
            hooks.status(statusLine())
        case .wedge:
            break
        }
    }

    /// Jittered interval after a good poll; backoff after a failed one.
    private func nextDelay(after results: Results, account: AccountConfiguration, plan: inout Plan) -> Duration {
        let interval = Self.seconds(account.interval)
        let failed = results.filter { $0.error != nil }
        if failed.isEmpty {
            plan.failures[account.name] = 0
            return .milliseconds(Int64(interval * Double.random(in: 0.9...1.1) * 1000))
        }
        let attempt = plan.failures[account.name, default: 0]
        plan.failures[account.name] = attempt + 1
        let backoff = Backoff(base: .seconds(max(1, Int64(interval / 10))), maximum: account.interval)
        return backoff.delay(
            attempt: attempt, retryAfter: failed.compactMap { $0.error?.retryAfter }.max(),
            unitRandom: Double.random(in: 0..<1))
    }

    /// Starts the polls that are due or asked for, most overdue first, within the cap.
    private func startDuePolls(_ plan: inout Plan) {
        let now = ContinuousClock.now
        let waiting = plan.configuration.accounts.filter { account in
            account.enabled && plan.running[account.name] == nil
                && (plan.requests[account.name]?.isEmpty == false || (plan.due[account.name] ?? now) <= now)
        }
        // Asked-for polls first, then by how long they have been due.
        let ordered = waiting.sorted { left, right in
            let leftAsked = plan.requests[left.name]?.isEmpty == false
            let rightAsked = plan.requests[right.name]?.isEmpty == false
            if leftAsked != rightAsked { return leftAsked }
            return (plan.due[left.name] ?? now) < (plan.due[right.name] ?? now)
        }
        let free = max(1, plan.configuration.sync.maxConcurrentSyncs) - plan.running.count
        for account in ordered.prefix(max(0, free)) {
            let requests = plan.requests.removeValue(forKey: account.name) ?? []
            if !requests.isEmpty { plan.lastAsked[account.name] = now }
            let scheduled = (plan.due[account.name] ?? now) <= now
            let options = Self.merged(requests.map(\.options), scheduled: scheduled)
            let sync = plan.sync
            plan.running[account.name] = Task {
                let results = await sync.syncAccount(
                    account, retry: .init(retries: 0, backoff: .oneShot), options: options)
                self.post(
                    .finished(
                        account: account.name, results: results, coveredAllCalendars: options.calendar == nil,
                        requests: requests))
            }
        }
    }

    /// One poll serves every request waiting for the account: one calendar if they all
    /// name the same one and no scheduled poll is due, else all of them.
    static func merged(_ requests: [AccountSync.PollOptions], scheduled: Bool) -> AccountSync.PollOptions {
        let calendars = Set(requests.map(\.calendar))
        let calendar = !scheduled && calendars.count == 1 ? calendars.first! : nil
        return AccountSync.PollOptions(
            calendar: calendar, full: requests.contains(where: \.full), force: requests.contains(where: \.force))
    }

    /// The part of an account's results a request asked for.
    static func results(_ results: Results, for options: AccountSync.PollOptions) -> Results {
        guard let calendar = options.calendar else { return results }
        return results.filter { $0.calendarID == nil || $0.calendarID == calendar || $0.calendarName == calendar }
    }

    static func refusal(_ account: String, _ message: String) -> AccountSync.CalendarResult {
        AccountSync.CalendarResult(accountID: account, error: CalSyncError(.invalidInput, message))
    }

    /// The next poll due (of accounts not polling now), or the next heartbeat if sooner.
    private func nextWake(_ plan: Plan) -> ContinuousClock.Instant? {
        let nextPoll = plan.due.filter { plan.running[$0.key] == nil }.values.min()
        let heartbeat = heartbeatPeriod.map { ContinuousClock.now + $0 }
        switch (nextPoll, heartbeat) {
        case (let poll?, let beat?): return min(poll, beat)
        case (let poll?, nil): return poll
        case (nil, let beat): return beat
        }
    }

    /// Sleeps until `deadline` (nil: until an event), returning early for any event.
    private func waitForEvents(until deadline: ContinuousClock.Instant?) async {
        let sleeper = Task<Void, Never> {
            _ = try? await Task.sleep(until: deadline ?? .now + .seconds(86_400 * 365), clock: .continuous)
        }
        let pending = state.withLock { state in
            if !state.inbox.isEmpty { return true }
            state.sleeper = sleeper
            return false
        }
        if pending { sleeper.cancel() }
        await withTaskCancellationHandler {
            await sleeper.value
        } onCancel: {
            sleeper.cancel()
        }
        state.withLock { $0.sleeper = nil }
    }

    private func sleepUntilCancelled() async {
        let forever = Task<Void, Never> { _ = try? await Task.sleep(for: .seconds(86_400 * 365)) }
        await withTaskCancellationHandler {
            await forever.value
        } onCancel: {
            forever.cancel()
        }
    }

    /// Shutdown: cancel the running polls, wait for them (each ends at a page boundary),
    /// and answer whoever still waits.
    private func finish(_ plan: inout Plan) async {
        let running = plan.running
        for task in running.values { task.cancel() }
        for task in running.values { await task.value }
        let events = state.withLock { state in
            defer { state.inbox.removeAll() }
            return state.inbox
        }
        for event in events {
            switch event {
            case .finished(_, let results, _, let requests):
                for request in requests { request.reply?(Self.results(results, for: request.options)) }
            case .pollRequested(let account, let request):
                request.reply?([Self.refusal(account, "calsyncd is stopping")])
            case .reload, .wedge: break
            }
        }
        for (account, requests) in plan.requests.merging(plan.joined, uniquingKeysWith: +) {
            for request in requests { request.reply?([Self.refusal(account, "calsyncd is stopping")]) }
        }
        plan.requests = [:]
        plan.joined = [:]
    }

    private func performReload(_ plan: inout Plan) async {
        hooks.reloading()
        do {
            let configuration = try reload()
            let previous = plan.configuration
            plan.configuration = configuration
            plan.sync = makeSync(configuration)
            await plan.sync.recordAccounts()
            for account in previous.accounts where account.enabled {
                guard configuration.account(named: account.name)?.enabled != true else { continue }
                plan.running.removeValue(forKey: account.name)?.cancel()
                plan.due[account.name] = nil
                for request in plan.requests.removeValue(forKey: account.name) ?? [] {
                    request.reply?([Self.refusal(account.name, "account \(account.name) was removed by a reload")])
                }
            }
            for account in configuration.accounts where account.enabled {
                let before = previous.account(named: account.name)
                if before?.enabled != true {
                    plan.due[account.name] = .now
                } else if before?.interval != account.interval, let due = plan.due[account.name] {
                    plan.due[account.name] = min(due, .now + account.interval)
                }
            }
            state.withLock { state in
                state.configuration = configuration
                state.report = state.report.filter { configuration.account(named: $0.key)?.enabled == true }
            }
            logger.notice(
                "Configuration reloaded",
                metadata: MessageID.metadata(MessageID.configurationReloaded).merging([
                    "calsync.accounts": "\(configuration.accounts.count)"
                ]) { $1 })
        } catch {
            logger.error(
                "The new configuration is invalid; keeping the previous one",
                metadata: MessageID.metadata(MessageID.configurationReloaded).merging([
                    "calsync.error": "\(CalSyncError.wrap(error).message)"
                ]) { $1 })
        }
        hooks.ready(statusLine())
    }

    // MARK: - The STATUS line

    /// `3 accounts, 12 calendars ok, 1 needs login (work) · last sync 10:42 · next 10:47`.
    public func statusLine() -> String {
        state.withLock { state in
            let enabled = state.configuration.accounts.filter(\.enabled)
            if enabled.isEmpty { return "no accounts configured; waiting (add [[account]] and reload)" }
            let ok = state.report.values.reduce(0) { $0 + $1.healthyCalendars }
            let failing = state.report.values.reduce(0) { $0 + $1.failedCalendars }
            let needLogin = state.report.filter { $0.value.needsLogin }.map(\.key).sorted()
            var parts = [
                "\(enabled.count) account\(enabled.count == 1 ? "" : "s"), \(ok) calendar\(ok == 1 ? "" : "s") ok"
            ]
            if !needLogin.isEmpty {
                parts[0] +=
                    ", \(needLogin.count) need\(needLogin.count == 1 ? "s" : "") login (\(needLogin.joined(separator: ", ")))"
            } else if failing > 0 {
                parts[0] += ", \(failing) failing"
            }
            if let last = state.lastSync { parts.append("last sync \(Self.clock(last))") }
            if let next = state.report.values.compactMap(\.nextRun).min() { parts.append("next \(Self.clock(next))") }
            if state.lastSync == nil { parts.append("first sync running") }
            return parts.joined(separator: " · ")
        }
    }

    static func clock(_ date: Date) -> String {
        let parts = Calendar.current.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
