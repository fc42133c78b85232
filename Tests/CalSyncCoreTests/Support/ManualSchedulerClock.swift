import Foundation
import Synchronization

@testable import CalSyncEngine

/// A scheduler clock that stands still until the test moves it: its monotonic and wall
/// times advance together, by `advance(by:)` only. Its sleep never ends by itself (the
/// loop still wakes for every event), so a scheduler on this clock polls only when a test
/// asks or moves nothing: no test waits for real time to pass.
final class ManualSchedulerClock: Sendable {
    private let origin = ContinuousClock.now
    private let start: Date
    private let elapsed = Mutex<Duration>(.zero)

    /// - Parameter start: the wall time at the start (the STATUS line prints it).
    init(start: Date) {
        self.start = start
    }

    var now: ContinuousClock.Instant { origin + elapsed.withLock { $0 } }
    var date: Date {
        start.addingTimeInterval(PollPlan.seconds(elapsed.withLock { $0 }))
    }

    func advance(by duration: Duration) {
        elapsed.withLock { $0 += duration }
    }

    var schedulerClock: SchedulerClock {
        SchedulerClock(
            now: { self.now }, date: { self.date },
            sleep: { _ in
                // Until cancelled: a stream that never yields ends its loop only then.
                let (never, continuation) = AsyncStream<Never>.makeStream()
                for await _ in never {}
                continuation.finish()
                try Task.checkCancellation()
            })
    }
}

extension SplitMix64 {
    /// A draw in `[0, 1)`, as the scheduler's random source gives.
    mutating func unit() -> Double {
        Double.random(in: 0..<1, using: &self)
    }
}
