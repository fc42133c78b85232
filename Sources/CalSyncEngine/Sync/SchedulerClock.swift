public import Foundation

/// The time the scheduler reads, injected (docs/architecture.md, rule 5) so that tests set
/// it instead of waiting for it.
///
/// Two clocks, because they answer different questions: the monotonic one says when a poll
/// is due and whether the loop's heartbeat is fresh (it does not jump when the wall clock
/// is set); the wall clock only says what time to print on the STATUS line.
public struct SchedulerClock: Sendable {
    /// Monotonic time: due times, the heartbeat, the spacing of rate-limited asked-for polls.
    public var now: @Sendable () -> ContinuousClock.Instant
    /// Wall time: "last sync" and "next" on the STATUS line.
    public var date: @Sendable () -> Date
    /// Sleeps until a monotonic instant; throws `CancellationError` when cancelled.
    public var sleep: @Sendable (ContinuousClock.Instant) async throws -> Void

    public init(
        now: @escaping @Sendable () -> ContinuousClock.Instant, date: @escaping @Sendable () -> Date,
        sleep: @escaping @Sendable (ContinuousClock.Instant) async throws -> Void
    ) {
        self.now = now
        self.date = date
        self.sleep = sleep
    }

    /// The machine's clocks: `ContinuousClock` and `Date()`.
    public static let system = SchedulerClock(
        now: { ContinuousClock.now }, date: { Date() },
        sleep: { deadline in try await Task.sleep(until: deadline, clock: .continuous) })
}
