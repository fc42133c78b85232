import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization
import UnixSignals

/// The daemon's loop: polls every enabled account on its own schedule until shutdown.
///
/// - Each account runs on its interval with ±10 % jitter, so accounts configured alike do
///   not poll in lockstep; a failed poll backs off (shared by the account's calendars) from
///   a tenth of the interval up to the interval, with `Retry-After` honoured.
/// - At most `[sync] max_concurrent_syncs` accounts sync at once.
/// - Between polls the scheduler sleeps; it wakes only for the next poll, for a reload,
///   and at the heartbeat period the watchdog needs.
/// - SIGHUP reloads the configuration: a valid new file restarts the accounts' loops
///   (data of removed accounts stays in the store); an invalid one is logged and the old
///   configuration stays in force.
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

    private let makeSync: @Sendable (CalSyncConfiguration) -> AccountSync
    private let reload: @Sendable () throws -> CalSyncConfiguration
    private let hooks: Hooks
    private let logger: Logger
    private let heartbeatPeriod: Duration
    private let state: Mutex<State>

    struct State {
        var configuration: CalSyncConfiguration
        var lastHeartbeat = ContinuousClock.now
        var accounts: [String: AccountState] = [:]
        var lastSync: Date?
        var generation: Task<Void, Never>?
        var reloadRequested = false
        var idleSleeper: Task<Void, Never>?
    }

    struct AccountState {
        var healthyCalendars = 0
        var failedCalendars = 0
        var needsLogin = false
        var nextRun: Date?
    }

    /// - Parameters:
    ///   - makeSync: builds the account syncer for a configuration.
    ///   - reload: re-reads the configuration file (SIGHUP).
    ///   - heartbeatPeriod: how often the loop proves it is alive (half the watchdog period).
    public init(
        configuration: CalSyncConfiguration, makeSync: @escaping @Sendable (CalSyncConfiguration) -> AccountSync,
        reload: @escaping @Sendable () throws -> CalSyncConfiguration, hooks: Hooks, heartbeatPeriod: Duration,
        logger: Logger
    ) {
        self.makeSync = makeSync
        self.reload = reload
        self.hooks = hooks
        self.heartbeatPeriod = heartbeatPeriod
        self.logger = logger
        self.state = Mutex(State(configuration: configuration))
    }

    /// When the loop last proved it was alive; the watchdog pings only while this is fresh.
    public var lastHeartbeat: ContinuousClock.Instant { state.withLock { $0.lastHeartbeat } }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        hooks.ready(statusLine())
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.heartbeatLoop() }
                group.addTask {
                    for await _ in signals { self.requestReload() }
                }
                group.addTask { await self.runGenerations() }
            }
        }
        hooks.stopping()
        logger.info("calsyncd stopped")
    }

    /// Runs the accounts of one configuration ("a generation") until a reload replaces it,
    /// or until shutdown cancels everything.
    private func runGenerations() async {
        while !Task.isCancelled {
            let configuration = state.withLock { $0.configuration }
            let sync = makeSync(configuration)
            // An unstructured task so that SIGHUP (another task) can cancel just this
            // generation; it is awaited right here, and cancelled with us on shutdown.
            let generation = Task {
                await withDiscardingTaskGroup { group in
                    let limiter = ConcurrencyLimiter(limit: configuration.sync.maxConcurrentSyncs)
                    for account in configuration.accounts where account.enabled {
                        group.addTask { await self.accountLoop(account, sync: sync, limiter: limiter) }
                    }
                }
            }
            state.withLock { $0.generation = generation }
            await withTaskCancellationHandler {
                await generation.value
            } onCancel: {
                generation.cancel()
            }
            guard !Task.isCancelled else { return }
            let reload = state.withLock { state in
                defer { state.reloadRequested = false }
                return state.reloadRequested
            }
            if reload {
                performReload()
            } else {
                // No enabled account: sleep until a reload (or shutdown) wakes us.
                let sleeper = Task { _ = try? await Task.sleep(for: .seconds(86_400 * 365)) }
                state.withLock { $0.idleSleeper = sleeper }
                if state.withLock({ $0.reloadRequested }) { sleeper.cancel() }
                await withTaskCancellationHandler {
                    await sleeper.value
                } onCancel: {
                    sleeper.cancel()
                }
                if state.withLock({ $0.reloadRequested }) { continue }
            }
        }
    }

    /// SIGHUP: stop the current generation; `runGenerations` reloads and starts the next.
    private func requestReload() {
        state.withLock { state in
            state.reloadRequested = true
            state.generation?.cancel()
            state.idleSleeper?.cancel()
        }
    }

    private func performReload() {
        hooks.reloading()
        do {
            let configuration = try reload()
            state.withLock {
                $0.configuration = configuration
                $0.accounts = $0.accounts.filter { name, _ in configuration.account(named: name) != nil }
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

    private func accountLoop(_ account: AccountConfiguration, sync: AccountSync, limiter: ConcurrencyLimiter) async {
        let interval = Double(account.interval.components.seconds)
        var failures = 0
        while !Task.isCancelled {
            await limiter.acquire()
            let results = await sync.syncAccount(account, retry: .init(retries: 0, backoff: .oneShot))
            await limiter.release()
            let failed = results.filter { $0.error != nil }
            let retryAfter = failed.compactMap { $0.error?.retryAfter }.max()
            let delay: Double
            if failed.isEmpty {
                failures = 0
                delay = interval * Double.random(in: 0.9...1.1)
            } else {
                failures += 1
                let backoff = Backoff(base: .seconds(max(1, Int64(interval / 10))), maximum: account.interval)
                let wait = backoff.delay(
                    attempt: failures - 1, retryAfter: retryAfter, unitRandom: Double.random(in: 0..<1))
                delay = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
            }
            let next = Date().addingTimeInterval(delay)
            state.withLock { state in
                state.lastSync = Date()
                state.accounts[account.name] = AccountState(
                    healthyCalendars: results.filter { $0.error == nil && $0.calendarID != nil }.count,
                    failedCalendars: failed.count,
                    needsLogin: results.contains { $0.error?.code == .needsLogin }, nextRun: next)
            }
            hooks.status(statusLine())
            do {
                try await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
            } catch {
                return
            }
        }
    }

    /// Stamps the heartbeat while the scheduler's tasks are being served.
    private func heartbeatLoop() async {
        while !Task.isCancelled {
            state.withLock { $0.lastHeartbeat = ContinuousClock.now }
            do { try await Task.sleep(for: heartbeatPeriod) } catch { return }
        }
    }

    /// `3 accounts, 12 calendars ok, 1 needs login (work) · last sync 10:42 · next 10:47`.
    public func statusLine() -> String {
        state.withLock { state in
            let enabled = state.configuration.accounts.filter(\.enabled)
            if enabled.isEmpty { return "no accounts configured; waiting (add [[account]] and reload)" }
            let ok = state.accounts.values.reduce(0) { $0 + $1.healthyCalendars }
            let failing = state.accounts.values.reduce(0) { $0 + $1.failedCalendars }
            let needLogin = state.accounts.filter { $0.value.needsLogin }.map(\.key).sorted()
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
            if let next = state.accounts.values.compactMap(\.nextRun).min() { parts.append("next \(Self.clock(next))") }
            if state.lastSync == nil { parts.append("first sync running") }
            return parts.joined(separator: " · ")
        }
    }

    static func clock(_ date: Date) -> String {
        let parts = Calendar.current.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}

/// A counting semaphore for tasks.
actor ConcurrencyLimiter {
    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = max(1, limit) }

    func acquire() async {
        if running < limit {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
