/// The scheduler's decisions as a value: when each account is next due, how many of its
/// polls failed in a row, when an asked-for poll of it last started — and, given those and
/// `now`, which polls start and when the loop wakes next.
///
/// Nothing here reads a clock or draws a random number: `now` and the random draws come in
/// as arguments, so tests ask "which polls start at this instant" and "how long after this
/// failure" without sleeping (docs/daemon.md "The scheduler"). `SyncScheduler` owns the
/// tasks and the waiting requests and applies what the plan says.
struct PollPlan: Sendable, Equatable {
    typealias Instant = ContinuousClock.Instant

    /// When each scheduled account's next poll is due; an account without an entry is not
    /// scheduled (disabled or removed by a reload).
    var due: [String: Instant] = [:]
    /// Polls in a row that failed, per account: the backoff's attempt number.
    var failures: [String: Int] = [:]
    /// When a poll with asked-for requests last started, per account.
    var lastAsked: [String: Instant] = [:]

    /// A poll to start: the account, and whether its scheduled poll was due (then it covers
    /// every calendar, whatever the requests waiting for it asked).
    struct Start: Equatable, Sendable {
        var account: String
        var scheduled: Bool
    }

    // MARK: - Which polls start

    /// The polls to start now. Candidates are the `accounts` (the enabled ones, in
    /// configuration order) that are not running and are asked for or due; polls asked for
    /// with `calsyncctl sync` go first, then the most overdue, then configuration order; no
    /// more than `maxConcurrent` (at least 1) run at once, counting those `running`.
    func pollsToStart(
        accounts: [String], asked: Set<String>, running: Set<String>, maxConcurrent: Int, now: Instant
    ) -> [Start] {
        let waiting = accounts.enumerated().filter { _, account in
            !running.contains(account) && (asked.contains(account) || dueTime(account, now: now) <= now)
        }
        let ordered = waiting.sorted { left, right in
            let (leftAsked, rightAsked) = (asked.contains(left.element), asked.contains(right.element))
            if leftAsked != rightAsked { return leftAsked }
            let (leftDue, rightDue) = (dueTime(left.element, now: now), dueTime(right.element, now: now))
            if leftDue != rightDue { return leftDue < rightDue }
            return left.offset < right.offset
        }
        let free = max(1, maxConcurrent) - running.count
        return ordered.prefix(max(0, free)).map { _, account in
            Start(account: account, scheduled: dueTime(account, now: now) <= now)
        }
    }

    /// An account without a due time counts as due now.
    private func dueTime(_ account: String, now: Instant) -> Instant {
        due[account] ?? now
    }

    /// Records that a poll started; `asked`: it serves requests from `calsyncctl sync`.
    mutating func started(_ account: String, asked: Bool, now: Instant) {
        if asked { lastAsked[account] = now }
    }

    /// Whether a rate-limited request for `account` comes within `spacing` of the last
    /// asked-for poll (it then shares that poll's results instead of starting another).
    func tooSoonForAskedPoll(_ account: String, spacing: Duration, now: Instant) -> Bool {
        guard let last = lastAsked[account] else { return false }
        return now - last < spacing
    }

    // MARK: - When the loop wakes

    /// The next poll due (of accounts not polling now), or the next heartbeat if sooner;
    /// nil: nothing to wake for but an event.
    func nextWake(running: Set<String>, heartbeatPeriod: Duration?, now: Instant) -> Instant? {
        let nextPoll = due.filter { !running.contains($0.key) }.values.min()
        let heartbeat = heartbeatPeriod.map { now + $0 }
        switch (nextPoll, heartbeat) {
        case (let poll?, let beat?): return min(poll, beat)
        case (let poll?, nil): return poll
        case (nil, let beat): return beat
        }
    }

    // MARK: - After a poll

    /// Schedules the account's next poll after one finished. A poll of one calendar that
    /// succeeded leaves the schedule alone (the account's other calendars were not polled);
    /// any other poll sets the next one: the interval with jitter after a success, the
    /// backoff after a failure.
    /// - Parameters:
    ///   - failed: whether any calendar of the poll failed.
    ///   - retryAfter: the longest `Retry-After` among the failures, if any.
    ///   - unitRandom: a draw in `[0, 1)`.
    mutating func finished(
        _ account: String, interval: Duration, coveredAllCalendars: Bool, failed: Bool, retryAfter: Duration?,
        unitRandom: Double, now: Instant
    ) {
        guard coveredAllCalendars || failed else { return }
        let delay: Duration
        if failed {
            let attempt = failures[account, default: 0]
            failures[account] = attempt + 1
            delay = Self.backoff(interval: interval, attempt: attempt, retryAfter: retryAfter, unitRandom: unitRandom)
        } else {
            failures[account] = 0
            delay = Self.jittered(interval: interval, unitRandom: unitRandom)
        }
        due[account] = now + delay
    }

    /// The wait after a good poll: the interval ±10 %, so that accounts configured alike
    /// drift apart instead of polling in lockstep (whole milliseconds).
    static func jittered(interval: Duration, unitRandom: Double) -> Duration {
        let factor = 0.9 + 0.2 * min(max(unitRandom, 0), 1)
        return .milliseconds(Int64(seconds(interval) * factor * 1000))
    }

    /// The wait after the `attempt`-th failed poll in a row (0 for the first): from a tenth
    /// of the interval (at least 1 s), doubling, up to the interval, jittered as
    /// ``Backoff`` does; a `Retry-After` wins, up to 300 s.
    static func backoff(interval: Duration, attempt: Int, retryAfter: Duration?, unitRandom: Double) -> Duration {
        let backoff = Backoff(base: .seconds(max(1, Int64(seconds(interval) / 10))), maximum: interval)
        return backoff.delay(attempt: attempt, retryAfter: retryAfter, unitRandom: unitRandom)
    }

    // MARK: - Reloads

    /// A new or newly enabled account: it polls at once.
    mutating func schedule(_ account: String, now: Instant) {
        due[account] = now
    }

    /// A removed or disabled account: no more polls.
    mutating func unschedule(_ account: String) {
        due[account] = nil
    }

    /// A shorter interval takes effect at once; a longer one from the next poll on.
    mutating func intervalChanged(_ account: String, to interval: Duration, now: Instant) {
        if let current = due[account] { due[account] = min(current, now + interval) }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
