import CalSyncModel
import Foundation
import Synchronization

/// What the requests of one Microsoft mailbox share, however many provider values are
/// made for it: the concurrency limit (Outlook allows 4 requests in flight per app and
/// mailbox, `MailboxConcurrency`), the mailbox's time zone, and what it knows of the
/// series masters read for occurrence stubs.
public final class GraphMailbox: Sendable {
    let permits: AsyncSemaphore
    /// Each calendar's next delta page, asked for while the page before it is processed.
    let readAhead = GraphReadAhead()
    private let state = Mutex(State())

    struct State {
        var timeZone: String?
        /// Graph asked the mailbox to wait (429/503/504 `Retry-After`) until then.
        var pausedUntil: Date?
        /// What the mailbox knows of the series masters read, by calendar and series: a few
        /// bytes each (not the event, not even its id), so that 100,000 events stay cheap.
        var masters: [String: [SeriesKey: KnownMaster]] = [:]
        /// The rounds in progress, by calendar.
        var rounds: [String: Round] = [:]
    }

    /// A series master's id as the mailbox keeps it: two 64-bit hashes of it.
    ///
    /// A 100,000-event mailbox has some 18,000 series, and Graph's ids run to a hundred
    /// bytes: kept as strings, in the masters known and in each round's set of masters
    /// read, they held some 4 MiB through the whole of a first sync, where its peak memory
    /// is measured against its goal (docs/benchmarks.md). Two ids that agree on 128 bits
    /// of hash are not expected in the life of a process.
    typealias SeriesKey = IDHashes

    /// A series master as last read: a hash of its change key (an incremental poll whose
    /// occurrences carry the same one does not read it again; only equality is asked of
    /// it), whether it is all-day (how its occurrence stubs' times are read), or that it
    /// is gone (404).
    struct KnownMaster: Sendable, Equatable {
        var changeKey: Int?
        var allDay: Bool
        var gone = false

        init(changeKey: String?, allDay: Bool, gone: Bool = false) {
            self.changeKey = changeKey?.hashValue
            self.allDay = allDay
            self.gone = gone
        }

        /// Whether the master was read with another change key than `key`.
        func changed(from key: String) -> Bool {
            changeKey != key.hashValue
        }
    }

    /// A round of a calendar: full (every master read once) or incremental (only masters
    /// unknown or changed), and the masters read in it.
    ///
    /// What a page taught is pending until the engine asks for the cursor that followed
    /// that page, which it does only once the page was applied: a page that failed to be
    /// stored (and is read again) reads its masters again, instead of leaving the store
    /// without them.
    struct Round: Sendable {
        var full: Bool
        var read: Set<SeriesKey> = []
        var pending: [SeriesKey: KnownMaster] = [:]
        var handedOut: SyncCursor?
    }

    /// - Parameter maxConcurrentRequests: clamped to 1…4.
    public init(maxConcurrentRequests: Int = 4) {
        permits = AsyncSemaphore(permits: min(4, max(1, maxConcurrentRequests)))
    }

    var timeZone: String? {
        get { state.withLock { $0.timeZone } }
        set { state.withLock { $0.timeZone = newValue } }
    }

    /// Holds every request to the mailbox until `date` (a later pause wins).
    func pause(until date: Date) {
        state.withLock { state in
            if state.pausedUntil.map({ $0 < date }) ?? true { state.pausedUntil = date }
        }
    }

    /// How long requests must still wait at `now`; nil when they need not.
    func pauseRemaining(now: Date) -> Duration? {
        state.withLock { state in
            guard let until = state.pausedUntil, until > now else { return nil }
            return RetryAfter.clamped(seconds: until.timeIntervalSince(now))
        }
    }

    /// A page of the calendar is asked for with `cursor`: the previous page's masters are
    /// kept when `cursor` is the one that followed it (it was applied), else forgotten;
    /// `.initial` starts a full round, `.delta` an incremental one, and a `.page` the
    /// mailbox did not hand out (a full re-sync resumed) one it treats as full.
    func beginPage(calendarID: String, cursor: SyncCursor) {
        state.withLock { state in
            // Taken out, so that its set of masters read (18,000 ids in a 100,000-event
            // round) is changed in place, not copied on every page (1.4 % of that sync).
            var round = state.rounds.removeValue(forKey: calendarID)
            if round?.handedOut == cursor, let pending = round?.pending {
                for (id, master) in pending { state.masters[calendarID, default: [:]][id] = master }
                round?.read.formUnion(pending.keys)
            } else if case .page = cursor {
                round = nil
            }
            round?.pending = [:]
            round?.handedOut = nil
            switch cursor {
            case .initial: round = Round(full: true)
            case .delta: round = Round(full: false)
            case .page: round = round ?? Round(full: true)
            }
            state.rounds[calendarID] = round
        }
    }

    /// The masters a page read, and the cursor handed out after it (``beginPage(calendarID:cursor:)``).
    func endPage(calendarID: String, read: [SeriesKey: KnownMaster], next: SyncCursor) {
        state.withLock { state in
            state.rounds[calendarID, default: Round(full: true)].pending = read
            state.rounds[calendarID, default: Round(full: true)].handedOut = next
        }
    }

    /// The series of `series` whose masters this page must read, by their index there: in
    /// a full round those not read yet in it; in an incremental one those not read yet in
    /// it that are unknown or whose occurrences on the page carry another change key
    /// (`changeKeys`, by the same index; nil when the page has only exceptions of it). A
    /// round the mailbox did not see start (a full re-sync resumed by a new process) counts
    /// as full.
    func mastersToRead(
        _ series: ArraySlice<SeriesKey>, changeKeys: ArraySlice<String?>, calendarID: String
    ) -> [Int] {
        state.withLock { state in
            let round = state.rounds[calendarID] ?? Round(full: true)
            let known = state.masters[calendarID] ?? [:]
            return series.indices.filter { index in
                let key = series[index]
                if round.read.contains(key) { return false }
                if round.full { return true }
                guard let master = known[key] else { return true }
                guard let changeKey = changeKeys[index] else { return false }
                return master.changed(from: changeKey)
            }
        }
    }

    /// What the mailbox knows of these masters, by their index in `series` (nil: never read).
    func masters(_ series: [SeriesKey], calendarID: String) -> [KnownMaster?] {
        state.withLock { state in
            guard let known = state.masters[calendarID] else { return Array(repeating: nil, count: series.count) }
            return series.map { known[$0] }
        }
    }
}

/// The mailboxes of the configured accounts, kept across provider values (the engine
/// makes a provider per sync pass; the limit must hold across passes that overlap).
public final class GraphMailboxes: Sendable {
    private let mailboxes = Mutex([String: GraphMailbox]())

    public init() {}

    /// The account's mailbox, made on first use.
    public func mailbox(account: String, maxConcurrentRequests: Int) -> GraphMailbox {
        mailboxes.withLock { mailboxes in
            if let existing = mailboxes[account] { return existing }
            let mailbox = GraphMailbox(maxConcurrentRequests: maxConcurrentRequests)
            mailboxes[account] = mailbox
            return mailbox
        }
    }
}

/// A counting semaphore for tasks: `acquire` suspends while no permit is free; waiters
/// are served first come, first served.
final class AsyncSemaphore: Sendable {
    private let state: Mutex<(free: Int, waiters: [CheckedContinuation<Void, Never>])>

    init(permits: Int) {
        state = Mutex((permits, []))
    }

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                if state.free > 0 {
                    state.free -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.free += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }

    /// Runs `body` holding one permit.
    func withPermit<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }
}
