import CalSyncModel
public import CalSyncStore
import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// The daemon's outbox pusher (docs/write-back.md): sends pending rows to their providers,
/// one row at a time per account, oldest first.
///
/// - It notices new rows within a second without busy polling: every 200 ms it asks
///   ``StoreChangeWatcher`` whether any connection committed (`PRAGMA data_version`, no
///   I/O) and looks for pending rows only then; `calsyncctl event` also wakes it through
///   the control socket (``wake()``).
/// - A transient failure (429, 5xx, timeouts, no sign-in yet) puts the row back to
///   `pending` and holds the account's rows for the sync backoff (from a tenth of the
///   account's interval up to the interval), `Retry-After` honoured up to 300 s.
/// - At start, rows left `sent` by a stopped daemon are pending again; a write applied
///   before the stop is recognised when it is sent again (``WriteRecognition``).
/// - After a write is done, `onWritten` asks for an incremental poll of the calendar
///   (Graph's occurrences come from its listing).
public final class OutboxPusher: Service, Sendable {
    /// One row's attempt, as `calsyncd --once` prints it.
    public struct Report: Sendable {
        public var row: OutboxRow
        public var ending: OutboxPush.Ending

        public var line: String {
            let what = "outbox #\(row.id) \(row.op.rawValue) \(row.target)\(row.eventID.map { "/\($0)" } ?? "")"
            switch ending {
            case .done(let id): return "\(what): done\(id.map { " (\($0))" } ?? "")"
            case .conflict(let reason): return "\(what): conflict: \(reason)"
            case .failed(let reason): return "\(what): failed: \(reason)"
            case .retry(let error): return "\(what): still pending: \(error.message)"
            case .interrupted: return "\(what): interrupted"
            }
        }

        /// The account and calendar of a write that is done.
        public var writtenCalendar: (String, String)? {
            if case .done = ending { return (row.accountID, row.calendarID) }
            return nil
        }

        /// Whether the row ended as asked or for a reason of its own (a conflict): not
        /// left pending nor failed.
        public var settled: Bool {
            switch ending {
            case .done, .conflict: true
            case .failed, .retry, .interrupted: false
            }
        }
    }

    private struct Hold {
        var until: ContinuousClock.Instant
        var failures: Int
        /// The hold ended and a round was started for it.
        var ended = false
    }

    private struct State {
        var woken = false
        var holds: [String: Hold] = [:]
    }

    private let store: CalendarStore
    private let watcher: StoreChangeWatcher?
    private let sync: @Sendable () -> AccountSync
    private let onWritten: @Sendable (_ account: String, _ calendar: String) -> Void
    private let checkInterval: Duration
    private let random: @Sendable () -> Double
    private let logger: Logger
    private let state = Mutex(State())

    /// - Parameters:
    ///   - sync: the account syncer of the configuration in force (its accounts and
    ///     provider clients).
    ///   - watcher: tells of commits by other connections; nil looks every `checkInterval`.
    ///   - onWritten: a write to the calendar is done (ask for a poll soon).
    public init(
        store: CalendarStore, watcher: StoreChangeWatcher?, sync: @escaping @Sendable () -> AccountSync,
        checkInterval: Duration = .milliseconds(200),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        onWritten: @escaping @Sendable (_ account: String, _ calendar: String) -> Void = { _, _ in },
        logger: Logger
    ) {
        self.store = store
        self.watcher = watcher
        self.sync = sync
        self.checkInterval = checkInterval
        self.random = random
        self.onWritten = onWritten
        self.logger = logger
    }

    /// Looks for pending rows at the next check (`calsyncctl event …` just queued one).
    public func wake() {
        state.withLock { $0.woken = true }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.loop()
        }
    }

    private func loop() async {
        let sync = self.sync()
        _ = try? await store.requeueSentWrites(now: sync.now())
        var lastVersion: Int?
        while !Task.isCancelled {
            let version = try? watcher?.dataVersion()
            let now = ContinuousClock.now
            let (woken, holdEnded) = state.withLock { state in
                defer { state.woken = false }
                var ended = false
                for (account, hold) in state.holds where hold.until <= now && !hold.ended {
                    state.holds[account]?.ended = true
                    ended = true
                }
                return (state.woken, ended)
            }
            if woken || holdEnded || version == nil || version != lastVersion {
                lastVersion = version
                _ = await pushRound()
            }
            try? await Task.sleep(for: checkInterval)
        }
    }

    /// Sends the pending rows of every account not held back by a backoff; returns what
    /// was sent.
    @discardableResult
    func pushRound() async -> [Report] {
        let sync = self.sync()
        guard let accounts = try? await store.accountsWithPendingWrites(now: sync.now()) else { return [] }
        var reports: [Report] = []
        for accountID in accounts {
            let now = ContinuousClock.now
            let held = state.withLock { state in state.holds[accountID].map { $0.until > now } ?? false }
            if held || Task.isCancelled { continue }
            reports += await pushAccount(accountID, sync: sync, retries: 0)
        }
        return reports
    }

    /// `calsyncctl --once`: rows left `sent` are pending again, then every pending row is
    /// sent, a transient failure retried `retry.retries` times with `retry.backoff`.
    public func pushAll(retry: AccountSync.RetryPolicy = .oneShot) async -> [Report] {
        let sync = self.sync()
        _ = try? await store.requeueSentWrites(now: sync.now())
        guard let accounts = try? await store.accountsWithPendingWrites(now: sync.now()) else { return [] }
        var reports: [Report] = []
        for accountID in accounts {
            reports += await pushAccount(accountID, sync: sync, retries: retry.retries, backoff: retry.backoff)
        }
        return reports
    }

    /// Sends the account's rows one at a time until none is pending or one must wait.
    private func pushAccount(
        _ accountID: String, sync: AccountSync, retries: Int, backoff: Backoff? = nil
    ) async -> [Report] {
        let account = sync.configuration.account(named: accountID)
        let push = OutboxPush(store: store, logger: logger, now: sync.now)
        let window = SyncWindow.around(
            sync.now(), past: sync.configuration.sync.windowPast, future: sync.configuration.sync.windowFuture)
        var reports: [Report] = []
        var retried = 0
        while !Task.isCancelled, let row = try? await store.takeNextWrite(accountID: accountID, now: sync.now()) {
            let ending = await push.push(row, account: account, window: window) {
                guard let account else { throw CalSyncError(.config, "account \(accountID) is not configured") }
                return try sync.makeProvider(account)
            }
            reports.append(Report(row: row, ending: ending))
            switch ending {
            case .done:
                state.withLock { _ = $0.holds.removeValue(forKey: accountID) }
                onWritten(accountID, row.calendarID)
            case .conflict, .failed:
                continue
            case .interrupted:
                return reports
            case .retry(let error):
                // No sign-in yet: nothing a wait within this run can fix.
                if let backoff, retried < retries, error.code != .needsLogin {
                    let delay = backoff.delay(attempt: retried, retryAfter: error.retryAfter, unitRandom: random())
                    retried += 1
                    do { try await sync.sleep(delay) } catch { return reports }
                    continue
                }
                if backoff == nil { hold(accountID, account: account, retryAfter: error.retryAfter) }
                return reports
            }
        }
        return reports
    }

    /// Holds the account's rows back after a transient failure: the scheduler's backoff
    /// (a tenth of the interval doubling up to the interval), `Retry-After` up to 300 s.
    private func hold(_ accountID: String, account: AccountConfiguration?, retryAfter: Duration?) {
        let interval = account?.interval ?? .seconds(300)
        let backoff = Backoff(base: max(interval / 10, .seconds(1)), maximum: max(interval, .seconds(1)))
        let unit = random()
        state.withLock { state in
            let failures = (state.holds[accountID]?.failures ?? 0)
            let delay = backoff.delay(attempt: failures, retryAfter: retryAfter, unitRandom: unit)
            state.holds[accountID] = Hold(until: .now + delay, failures: failures + 1)
        }
    }
}
