import CalSyncModel
import CalSyncRecurrence
import Foundation
import Synchronization

/// What the requests of one Microsoft mailbox share, however many provider values are
/// made for it: the concurrency limit (Outlook allows 4 requests in flight per app and
/// mailbox, `MailboxConcurrency`), the mailbox's time zone, and the series masters
/// fetched for occurrence stubs.
public final class GraphMailbox: Sendable {
    let permits: AsyncSemaphore
    private let state = Mutex(State())

    struct State {
        var timeZone: String?
        /// Graph asked the mailbox to wait (429/503/504 `Retry-After`) until then.
        var pausedUntil: Date?
        /// Masters by calendar and id, for the round in progress of that calendar.
        var masters: [String: [String: CachedMaster]] = [:]
        /// Exceptions seen, by calendar and id, across rounds. Occurrence stubs are not
        /// kept here: a 100,000-event calendar has nearly two million, which held over a
        /// gigabyte; the store's notes (``GraphProvider``) answer for them.
        var exceptions: [String: [String: GraphMapping.Instance]] = [:]
        /// The same exceptions' ids by calendar and series: looking them up
        /// by filtering `exceptions` per series made a 10,000-event first sync quadratic
        /// (a tenth of its CPU, docs/benchmarks.md).
        var exceptionIDs: [String: [String: Set<String>]] = [:]

        mutating func remove(_ id: String, calendarID: String) {
            guard let old = exceptions[calendarID]?.removeValue(forKey: id) else { return }
            exceptionIDs[calendarID]?[old.seriesID]?.remove(id)
        }
    }

    struct CachedMaster: Sendable {
        var changeKey: String?
        var item: GraphMapping.Item
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

    /// Forgets a calendar's masters: a new round reads them again, once.
    func startRound(calendarID: String) {
        _ = state.withLock { $0.masters.removeValue(forKey: calendarID) }
    }

    /// Remembers the exceptions among a page's series instances.
    func record(_ instances: [GraphMapping.Instance], calendarID: String) {
        guard !instances.isEmpty else { return }
        state.withLock { state in
            for instance in instances {
                state.remove(instance.id, calendarID: calendarID)
                guard instance.isException else { continue }
                state.exceptions[calendarID, default: [:]][instance.id] = instance
                state.exceptionIDs[calendarID, default: [:]][instance.seriesID, default: []].insert(instance.id)
            }
        }
    }

    /// The exception an id was; nil for other ids (occurrence stubs are in the store's notes).
    func instance(_ id: String, calendarID: String) -> GraphMapping.Instance? {
        state.withLock { $0.exceptions[calendarID]?[id] }
    }

    /// Forgets removed instances (once their page was read completely).
    func forgetInstances(_ ids: [String], calendarID: String) {
        guard !ids.isEmpty else { return }
        state.withLock { state in
            for id in ids { state.remove(id, calendarID: calendarID) }
        }
    }

    /// The original starts of the exceptions of a series seen so far.
    func exceptionStarts(seriesID: String, calendarID: String) -> Set<EventTime> {
        state.withLock { state in
            Set(
                (state.exceptionIDs[calendarID]?[seriesID] ?? []).compactMap {
                    state.exceptions[calendarID]?[$0]?.originalStart
                })
        }
    }

    /// A full round sees every instance again.
    func forgetInstances(calendarID: String) {
        state.withLock { state in
            state.exceptions.removeValue(forKey: calendarID)
            state.exceptionIDs.removeValue(forKey: calendarID)
        }
    }

    func master(_ id: String, calendarID: String) -> CachedMaster? {
        state.withLock { $0.masters[calendarID]?[id] }
    }

    func remember(_ master: CachedMaster, id: String, calendarID: String) {
        state.withLock { $0.masters[calendarID, default: [:]][id] = master }
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
