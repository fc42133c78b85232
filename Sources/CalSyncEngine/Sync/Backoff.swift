import CalSyncAuth
/// Jittered exponential backoff ("equal jitter": the upper half of each ceiling): the n-th
/// wait is a random duration in `[base·2ⁿ / 2, base·2ⁿ]`, capped at `maximum`, so
/// calendars that failed together do not retry in lockstep. A server's `Retry-After` wins over the computed wait, up to
/// `maximumRetryAfter`.
import CalSyncModel
import CalSyncStore

public struct Backoff: Sendable, Equatable {
    public var base: Duration
    public var maximum: Duration
    public var maximumRetryAfter: Duration

    public init(base: Duration, maximum: Duration, maximumRetryAfter: Duration = .seconds(300)) {
        self.base = base
        self.maximum = maximum
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// `calsyncd --once` and transient failures of one poll: 1 s → 60 s
    /// (docs/daemon.md "`calsyncd --once`").
    public static let oneShot = Backoff(base: .seconds(1), maximum: .seconds(60))
    /// Microsoft Graph throttling without `Retry-After`: 3 s → 180 s
    /// (docs/providers-graph.md "Errors and limits").
    public static let graphThrottling = Backoff(base: .seconds(3), maximum: .seconds(180))

    /// The wait before retry number `attempt` (0 for the first retry).
    /// - Parameters:
    ///   - retryAfter: what the server asked for, if anything; honoured up to `maximumRetryAfter`.
    ///   - unitRandom: a value in `[0, 1)`, injected so tests are deterministic.
    public func delay(attempt: Int, retryAfter: Duration?, unitRandom: Double) -> Duration {
        if let retryAfter {
            return min(max(retryAfter, .zero), maximumRetryAfter)
        }
        let exponent = min(max(attempt, 0), 30)
        let ceiling = min(base * (1 << exponent), maximum)
        let jitter = 0.5 + 0.5 * min(max(unitRandom, 0), 1)
        return ceiling * jitter
    }
}
