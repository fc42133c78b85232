import Foundation
import Testing

@testable import CalSyncEngine

/// The scheduler's decisions, computed from values: jitter, backoff, the order polls start
/// in and the global cap. Time comes from a manual clock and randomness from a seed, so
/// nothing here sleeps (docs/daemon.md "The scheduler").
struct PollPlanTests {
    static let interval = Duration.seconds(300)
    let clock = ManualSchedulerClock(start: Date(timeIntervalSince1970: 1_772_445_600))

    // MARK: - Jitter and backoff

    @Test func theIntervalIsJitteredByAtMostTenPercent() {
        var random = SplitMix64(seed: 0x5C4E_D01E)
        let delays = (0..<10_000).map { _ in PollPlan.jittered(interval: Self.interval, unitRandom: random.unit()) }
        #expect(delays.allSatisfy { $0 >= .seconds(270) && $0 <= .seconds(330) })
        // The draws use the whole range, so accounts alike drift apart.
        #expect(delays.min()! < .seconds(272) && delays.max()! > .seconds(328))
        #expect(PollPlan.jittered(interval: Self.interval, unitRandom: 0) == .seconds(270))
        #expect(PollPlan.jittered(interval: Self.interval, unitRandom: 0.5) == .seconds(300))
    }

    @Test func backoffStartsAtATenthOfTheIntervalDoublesAndStopsAtTheInterval() {
        // unitRandom 1: the top of each wait's range, the ceiling itself.
        let ceilings = (0..<7).map {
            PollPlan.backoff(interval: Self.interval, attempt: $0, retryAfter: nil, unitRandom: 1)
        }
        #expect(
            ceilings == [
                .seconds(30), .seconds(60), .seconds(120), .seconds(240), .seconds(300), .seconds(300), .seconds(300),
            ])
        #expect(
            PollPlan.backoff(interval: Self.interval, attempt: 1_000, retryAfter: nil, unitRandom: 1) == .seconds(300))
        // A short interval still waits at least a second first.
        #expect(PollPlan.backoff(interval: .seconds(5), attempt: 0, retryAfter: nil, unitRandom: 1) == .seconds(1))
    }

    @Test func backoffIsJitteredWithinTheUpperHalfOfItsCeiling() {
        var random = SplitMix64(seed: 0xBAC0_FF)
        for attempt in 0..<8 {
            let ceiling = min(Duration.seconds(30) * (1 << attempt), Self.interval)
            let delays = (0..<1_000).map { _ in
                PollPlan.backoff(interval: Self.interval, attempt: attempt, retryAfter: nil, unitRandom: random.unit())
            }
            #expect(delays.allSatisfy { $0 >= ceiling / 2 && $0 <= ceiling }, "attempt \(attempt)")
            #expect(delays.min()! < ceiling * 0.55 && delays.max()! > ceiling * 0.95, "attempt \(attempt)")
        }
    }

    @Test func retryAfterWinsOverTheBackoffUpTo300Seconds() {
        #expect(
            PollPlan.backoff(interval: Self.interval, attempt: 3, retryAfter: .seconds(7), unitRandom: 0.3)
                == .seconds(7))
        // Longer than the interval's cap: the server's word still wins, up to 300 s.
        #expect(
            PollPlan.backoff(interval: .seconds(60), attempt: 0, retryAfter: .seconds(200), unitRandom: 0)
                == .seconds(200))
        #expect(
            PollPlan.backoff(interval: Self.interval, attempt: 0, retryAfter: .seconds(3_600), unitRandom: 0)
                == .seconds(300))
    }

    @Test func afterAPollTheNextIsScheduledByItsOutcome() {
        var plan = PollPlan()
        let now = clock.now
        // Two failures in a row: the second waits twice as long (top of the jitter).
        plan.finished(
            "work", interval: Self.interval, coveredAllCalendars: true, failed: true, retryAfter: nil, unitRandom: 1,
            now: now)
        #expect(plan.due["work"] == now + .seconds(30))
        plan.finished(
            "work", interval: Self.interval, coveredAllCalendars: true, failed: true, retryAfter: nil, unitRandom: 1,
            now: now)
        #expect(plan.due["work"] == now + .seconds(60))
        #expect(plan.failures["work"] == 2)
        // A success: back to the interval, jittered; the backoff starts over.
        plan.finished(
            "work", interval: Self.interval, coveredAllCalendars: true, failed: false, retryAfter: nil, unitRandom: 0.5,
            now: now)
        #expect(plan.due["work"] == now + .seconds(300))
        #expect(plan.failures["work"] == 0)
        // One calendar polled on request and fine: the account's schedule stays.
        plan.finished(
            "work", interval: Self.interval, coveredAllCalendars: false, failed: false, retryAfter: nil, unitRandom: 0,
            now: now + .seconds(10))
        #expect(plan.due["work"] == now + .seconds(300))
        // One calendar that failed: the account backs off (it shares the throttling).
        plan.finished(
            "work", interval: Self.interval, coveredAllCalendars: false, failed: true, retryAfter: .seconds(42),
            unitRandom: 0, now: now)
        #expect(plan.due["work"] == now + .seconds(42))
    }

    // MARK: - Which polls start

    @Test func theMostOverduePollsStartFirst() {
        let now = clock.now
        var plan = PollPlan()
        plan.due = ["a": now - .seconds(10), "b": now - .seconds(30), "c": now - .seconds(20), "d": now + .seconds(5)]
        let starts = plan.pollsToStart(
            accounts: ["a", "b", "c", "d"], asked: [], running: [], maxConcurrent: 2, now: now)
        #expect(starts == [.init(account: "b", scheduled: true), .init(account: "c", scheduled: true)])
        let all = plan.pollsToStart(
            accounts: ["a", "b", "c", "d"], asked: [], running: [], maxConcurrent: 10, now: now)
        #expect(all.map(\.account) == ["b", "c", "a"], "d is not due yet")
    }

    @Test func pollsDueAtTheSameTimeStartInConfigurationOrder() {
        let now = clock.now
        var plan = PollPlan()
        for account in ["z", "m", "a"] { plan.schedule(account, now: now) }
        let starts = plan.pollsToStart(accounts: ["z", "m", "a"], asked: [], running: [], maxConcurrent: 4, now: now)
        #expect(starts.map(\.account) == ["z", "m", "a"])
    }

    @Test func askedForPollsGoBeforeOverdueOnes() {
        let now = clock.now
        var plan = PollPlan()
        plan.due = ["late": now - .seconds(600), "asked": now + .seconds(200), "both": now - .seconds(1)]
        let starts = plan.pollsToStart(
            accounts: ["late", "asked", "both"], asked: ["asked", "both"], running: [], maxConcurrent: 2, now: now)
        // Among asked-for polls the more overdue goes first; a poll asked for before its
        // time is not a scheduled one (it may cover one calendar only).
        #expect(starts == [.init(account: "both", scheduled: true), .init(account: "asked", scheduled: false)])
    }

    @Test func noMoreThanMaxConcurrentSyncsPollAtOnce() {
        let now = clock.now
        var plan = PollPlan()
        for account in ["a", "b", "c", "d"] { plan.schedule(account, now: now - .seconds(1)) }
        let accounts = ["a", "b", "c", "d"]
        #expect(
            plan.pollsToStart(accounts: accounts, asked: [], running: ["a"], maxConcurrent: 2, now: now).map(\.account)
                == ["b"])
        #expect(
            plan.pollsToStart(accounts: accounts, asked: ["c"], running: ["a", "b"], maxConcurrent: 2, now: now).isEmpty
        )
        // A running poll is never started twice, asked for or not.
        #expect(
            plan.pollsToStart(accounts: accounts, asked: ["a"], running: ["a"], maxConcurrent: 9, now: now).map(
                \.account) == ["b", "c", "d"])
        // A cap below 1 still lets one poll run.
        #expect(
            plan.pollsToStart(accounts: accounts, asked: [], running: [], maxConcurrent: 0, now: now).map(\.account)
                == ["a"])
        // More running than the cap (it was lowered by a reload): none starts.
        #expect(
            plan.pollsToStart(accounts: accounts, asked: [], running: ["a", "b", "c"], maxConcurrent: 1, now: now)
                .isEmpty)
    }

    // MARK: - When the loop wakes, rate limits, reloads

    @Test func theLoopWakesForTheNextPollOrTheHeartbeatWhicheverIsSooner() {
        let now = clock.now
        var plan = PollPlan()
        #expect(plan.nextWake(running: [], heartbeatPeriod: nil, now: now) == nil, "nothing scheduled: only events")
        plan.due = ["a": now + .seconds(90), "b": now + .seconds(40)]
        #expect(plan.nextWake(running: [], heartbeatPeriod: nil, now: now) == now + .seconds(40))
        #expect(plan.nextWake(running: ["b"], heartbeatPeriod: nil, now: now) == now + .seconds(90), "b is polling")
        #expect(plan.nextWake(running: [], heartbeatPeriod: .seconds(15), now: now) == now + .seconds(15))
        #expect(plan.nextWake(running: ["a", "b"], heartbeatPeriod: .seconds(15), now: now) == now + .seconds(15))
    }

    @Test func rateLimitedAskedPollsAreSpacedFromTheLastAskedPoll() {
        var plan = PollPlan()
        #expect(!plan.tooSoonForAskedPoll("work", spacing: .seconds(60), now: clock.now))
        plan.started("work", asked: false, now: clock.now)
        #expect(
            !plan.tooSoonForAskedPoll("work", spacing: .seconds(60), now: clock.now), "a scheduled poll does not count")
        plan.started("work", asked: true, now: clock.now)
        clock.advance(by: .seconds(59))
        #expect(plan.tooSoonForAskedPoll("work", spacing: .seconds(60), now: clock.now))
        clock.advance(by: .seconds(1))
        #expect(!plan.tooSoonForAskedPoll("work", spacing: .seconds(60), now: clock.now))
    }

    @Test func aReloadSchedulesNewAccountsAndAShorterIntervalAtOnce() {
        let now = clock.now
        var plan = PollPlan()
        plan.due = ["work": now + .seconds(250), "home": now + .seconds(250)]
        plan.intervalChanged("work", to: .seconds(60), now: now)
        plan.intervalChanged("home", to: .seconds(3_600), now: now)
        #expect(plan.due["work"] == now + .seconds(60), "shorter: at once")
        #expect(plan.due["home"] == now + .seconds(250), "longer: from the next poll on")
        plan.unschedule("home")
        plan.schedule("new", now: now)
        #expect(plan.due == ["work": now + .seconds(60), "new": now])
        let starts = plan.pollsToStart(accounts: ["work", "new"], asked: [], running: [], maxConcurrent: 4, now: now)
        #expect(starts.map(\.account) == ["new"])
    }
}
