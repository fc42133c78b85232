import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Testing

@testable import CalSyncEngine
@testable import CalSyncModel

/// The loop reads time, randomness and the time zone only through what it is given
/// (docs/architecture.md, rule 5): on a manual clock standing at 10:00 UTC and a random
/// source that always draws the middle, its STATUS line is known to the minute.
@Suite(.serialized) struct SchedulerInjectionTests {
    @Test func theLoopUsesTheInjectedClockRandomSourceAndTimeZone() async throws {
        let accounts = try await EmulatedAccounts()
        defer { Task { await accounts.stop() } }
        let clock = ManualSchedulerClock(start: Date(timeIntervalSince1970: 1_772_445_600))  // 2026-03-02 10:00 UTC
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let (statuses, told) = AsyncStream<String>.makeStream()
        let base = AccountSync(
            configuration: accounts.configuration, store: accounts.store, tokens: accounts.tokens,
            transport: accounts.transport, providers: accounts.providers, environment: [:],
            logger: accounts.logs.logger)
        let scheduler = SyncScheduler(
            configuration: accounts.configuration, makeSync: { base.reconfigured($0) },
            reload: { accounts.configuration },
            hooks: .init(ready: { _ in }, status: { told.yield($0) }, reloading: {}, stopping: {}),
            heartbeatPeriod: nil, clock: clock.schedulerClock, random: { 0.5 }, calendar: utc,
            logger: accounts.logs.logger)
        let running = Task { try await scheduler.run() }
        defer { running.cancel() }

        // The start-up poll: done at 10:00 by the manual clock; the next one due after
        // exactly the interval (300 s; the draw 0.5 is the middle of ±10 %).
        var first: String?
        for await line in statuses {
            first = line
            break
        }
        let line = try #require(first)
        #expect(line.hasSuffix("ok · last sync 10:00 · next 10:05"), "\(line)")
        #expect(scheduler.lastHeartbeat == clock.now, "the heartbeat is stamped by the injected clock")
    }
}
