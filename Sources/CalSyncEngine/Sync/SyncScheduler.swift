import CalSyncAuth
public import CalSyncModel
import CalSyncStore
public import Foundation
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
/// - The decisions (which polls start, when the next is due, when the loop wakes) are a
///   value, ``PollPlan``; the loop applies them. Time, randomness and the time zone of the
///   STATUS line are injected (``SchedulerClock``), so tests decide without sleeping.
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
        var lastHeartbeat: ContinuousClock.Instant
        var inbox: [Event] = []
        var sleeper: Task<Void, Never>?
        var report: [String: StatusLine.AccountReport] = [:]
        /// Each account's calendars as their last poll left them, by calendar id: a poll of
        /// one calendar (`calsyncctl sync ACCOUNT/CAL`, a write-back) updates its entry, and
        /// the status line still counts the others.
        var calendarResults: [String: [String: AccountSync.CalendarResult]] = [:]
        var lastSync: Date?
    }

    private let makeSync: @Sendable (CalSyncConfiguration) -> AccountSync
    private let reload: @Sendable () throws -> CalSyncConfiguration
    private let hooks: Hooks
    private let logger: Logger
    private let heartbeatPeriod: Duration?
    private let askedPollSpacing: Duration
    private let clock: SchedulerClock
    private let random: @Sendable () -> Double
    private let calendar: Calendar
    private let state: Mutex<State>

    /// - Parameters:
    ///   - makeSync: builds the account syncer for a configuration.
    ///   - reload: re-reads the configuration file (SIGHUP).
    ///   - heartbeatPeriod: how often the loop proves it is alive when nothing else wakes it
    ///     (a quarter of the watchdog period); nil without a watchdog, so the loop sleeps
    ///     until the next poll.
    ///   - askedPollSpacing: the least time between two polls of an account that
    ///     rate-limited requests start.
    ///   - clock: the monotonic and wall clocks and the sleep (the machine's by default).
    ///   - random: draws in `[0, 1)` for the jitter of intervals and backoffs.
    ///   - calendar: the time zone the STATUS line prints times in (the machine's).
    public init(
        configuration: CalSyncConfiguration, makeSync: @escaping @Sendable (CalSyncConfiguration) -> AccountSync,
        reload: @escaping @Sendable () throws -> CalSyncConfiguration, hooks: Hooks, heartbeatPeriod: Duration?,
        askedPollSpacing: Duration = .seconds(60), clock: SchedulerClock = .system,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        calendar: Calendar = .autoupdatingCurrent, logger: Logger
    ) {
        self.askedPollSpacing = askedPollSpacing
        self.makeSync = makeSync
        self.reload = reload
        self.hooks = hooks
        self.heartbeatPeriod = heartbeatPeriod
        self.clock = clock
        self.random = random
        self.calendar = calendar
        self.logger = logger
        self.state = Mutex(State(configuration: configuration, lastHeartbeat: clock.now()))
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

    /// Everything the loop alone reads and writes: the plan's value and what the plan does
    /// not hold (tasks, waiting requests and their replies).
    private struct Loop {
        var configuration: CalSyncConfiguration
        var sync: AccountSync
        var plan = PollPlan()
        var running: [String: Task<Void, Never>] = [:]
        var requests: [String: [PollRequest]] = [:]
        /// Rate-limited requests that joined the account's running poll.
        var joined: [String: [PollRequest]] = [:]
        var lastResults: [String: Results] = [:]

        /// Accounts with requests waiting for a poll.
        var asked: Set<String> { Set(requests.filter { !$0.value.isEmpty }.keys) }
    }

    private func loop() async {
        let configuration = state.withLock { $0.configuration }
        var loop = Loop(configuration: configuration, sync: makeSync(configuration))
        await loop.sync.recordAccounts()
        for account in configuration.accounts where account.enabled {
            loop.plan.schedule(account.name, now: clock.now())
        }
        while !Task.isCancelled {
            let events = state.withLock { state in
                state.lastHeartbeat = clock.now()
                defer { state.inbox.removeAll() }
                return state.inbox
            }
            for event in events {
                if case .wedge = event {
                    await sleepUntilCancelled()
                    await finish(&loop)
                    return
                }
                await handle(event, loop: &loop)
            }
            startDuePolls(&loop)
            let wake = loop.plan.nextWake(
                running: Set(loop.running.keys), heartbeatPeriod: heartbeatPeriod, now: clock.now())
            await waitForEvents(until: wake)
        }
        await finish(&loop)
    }

    private func handle(_ event: Event, loop: inout Loop) async {
        switch event {
        case .reload:
            await performReload(&loop)
        case .pollRequested(let account, let request):
            if loop.configuration.account(named: account)?.enabled == true {
                if request.rateLimited,
                    loop.plan.tooSoonForAskedPoll(account, spacing: askedPollSpacing, now: clock.now()),
                    loop.requests[account]?.isEmpty != false
                {
                    // Too soon after the last asked-for poll: join the one running, or take
                    // the last results; never a poll more.
                    logger.debug("Asked-for poll rate-limited", metadata: ["calsync.account": "\(account)"])
                    if loop.running[account] != nil {
                        loop.joined[account, default: []].append(request)
                    } else {
                        request.reply?(Self.results(loop.lastResults[account] ?? [], for: request.options))
                    }
                    break
                }
                loop.requests[account, default: []].append(request)
            } else {
                request.reply?([Self.refusal(account, "account \(account) is no longer in the configuration")])
            }
        case .finished(let account, let results, let coveredAllCalendars, let requests):
            loop.running[account] = nil
            loop.lastResults[account] = results
            for request in requests + (loop.joined.removeValue(forKey: account) ?? []) {
                request.reply?(Self.results(results, for: request.options))
            }
            guard let configured = loop.configuration.account(named: account) else { break }
            let failed = results.filter { $0.error != nil }
            loop.plan.finished(
                account, interval: configured.interval, coveredAllCalendars: coveredAllCalendars,
                failed: !failed.isEmpty, retryAfter: failed.compactMap { $0.error?.retryAfter }.max(),
                unitRandom: random(), now: clock.now())
            let nextRun = loop.plan.due[account].map {
                clock.date().addingTimeInterval(PollPlan.seconds($0 - clock.now()))
            }
            state.withLock { state in
                state.lastSync = clock.date()
                var calendars = coveredAllCalendars ? [:] : state.calendarResults[account] ?? [:]
                for result in results { if let id = result.calendarID { calendars[id] = result } }
                state.calendarResults[account] = calendars
                // A poll that could not start (no calendar in its results) speaks for the account.
                let counted = results.contains { $0.calendarID == nil } ? results : Array(calendars.values)
                state.report[account] = StatusLine.AccountReport(results: counted, nextRun: nextRun)
            }
            hooks.status(statusLine())
        case .wedge:
            break
        }
    }

    /// Starts the polls the plan says are due or asked for, within the cap.
    private func startDuePolls(_ loop: inout Loop) {
        let now = clock.now()
        let asked = loop.asked
        let starts = loop.plan.pollsToStart(
            accounts: loop.configuration.accounts.filter(\.enabled).map(\.name), asked: asked,
            running: Set(loop.running.keys), maxConcurrent: loop.configuration.sync.maxConcurrentSyncs, now: now)
        for start in starts {
            guard let account = loop.configuration.account(named: start.account) else { continue }
            let requests = loop.requests.removeValue(forKey: account.name) ?? []
            loop.plan.started(account.name, asked: !requests.isEmpty, now: now)
            let options = Self.merged(requests.map(\.options), scheduled: start.scheduled)
            let sync = loop.sync
            loop.running[account.name] = Task {
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

    /// Sleeps until `deadline` (nil: until an event), returning early for any event.
    private func waitForEvents(until deadline: ContinuousClock.Instant?) async {
        let clock = self.clock
        let sleeper = Task<Void, Never> {
            _ = try? await clock.sleep(deadline ?? clock.now() + .seconds(86_400 * 365))
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
        let clock = self.clock
        let forever = Task<Void, Never> { _ = try? await clock.sleep(clock.now() + .seconds(86_400 * 365)) }
        await withTaskCancellationHandler {
            await forever.value
        } onCancel: {
            forever.cancel()
        }
    }

    /// Shutdown: cancel the running polls, wait for them (each ends at a page boundary),
    /// and answer whoever still waits.
    private func finish(_ loop: inout Loop) async {
        let running = loop.running
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
        for (account, requests) in loop.requests.merging(loop.joined, uniquingKeysWith: +) {
            for request in requests { request.reply?([Self.refusal(account, "calsyncd is stopping")]) }
        }
        loop.requests = [:]
        loop.joined = [:]
    }

    private func performReload(_ loop: inout Loop) async {
        hooks.reloading()
        do {
            let configuration = try reload()
            let previous = loop.configuration
            loop.configuration = configuration
            loop.sync = makeSync(configuration)
            await loop.sync.recordAccounts()
            for account in previous.accounts where account.enabled {
                guard configuration.account(named: account.name)?.enabled != true else { continue }
                loop.running.removeValue(forKey: account.name)?.cancel()
                loop.plan.unschedule(account.name)
                for request in loop.requests.removeValue(forKey: account.name) ?? [] {
                    request.reply?([Self.refusal(account.name, "account \(account.name) was removed by a reload")])
                }
            }
            for account in configuration.accounts where account.enabled {
                let before = previous.account(named: account.name)
                if before?.enabled != true {
                    loop.plan.schedule(account.name, now: clock.now())
                } else if before?.interval != account.interval {
                    loop.plan.intervalChanged(account.name, to: account.interval, now: clock.now())
                }
            }
            state.withLock { state in
                state.configuration = configuration
                state.report = state.report.filter { configuration.account(named: $0.key)?.enabled == true }
                state.calendarResults = state.calendarResults.filter {
                    configuration.account(named: $0.key)?.enabled == true
                }
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
            StatusLine(
                enabledAccounts: state.configuration.accounts.filter(\.enabled).count, reports: state.report,
                lastSync: state.lastSync, calendar: calendar
            ).text
        }
    }
}
