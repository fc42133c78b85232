import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Synchronization
import Testing

@testable import CalSyncEngine
@testable import CalSyncModel

/// The daemon's loop in-process against the emulator: polls on request, reloads that
/// start and stop accounts, and what it tells systemd.
@Suite(.serialized) struct SyncSchedulerTests {
    /// What the hooks were told, in order.
    final class Told: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    static func disabling(_ account: String) -> (String) -> String {
        { $0.replacingOccurrences(of: "name = \"\(account)\"", with: "name = \"\(account)\"\nenabled = false") }
    }

    @Test func pollsOnRequestAndAReloadStartsNewAccountsAndStopsRemovedOnes() async throws {
        let accounts = try await EmulatedAccounts(accounts: ["work", "home"])
        defer { Task { await accounts.stop() } }
        _ = try await accounts.state.generateGoogleEvents(calendarID: EmulatedAccounts.calendar, count: 30, seed: 5)
        let first = try accounts.configuration(editing: Self.disabling("home"))
        let second = try accounts.configuration(editing: Self.disabling("work"))
        let next = Mutex(second)
        let told = Told()
        let base = AccountSync(
            configuration: first, store: accounts.store, tokens: accounts.tokens, transport: accounts.transport,
            providers: accounts.providers, environment: [:], logger: accounts.logs.logger)
        let scheduler = SyncScheduler(
            configuration: first, makeSync: { base.reconfigured($0) }, reload: { next.withLock { $0 } },
            hooks: .init(
                ready: { told.append("READY " + $0) }, status: { told.append("STATUS " + $0) },
                reloading: { told.append("RELOADING") }, stopping: { told.append("STOPPING") }),
            heartbeatPeriod: nil, logger: accounts.logs.logger)
        let running = Task { try await scheduler.run() }

        let polled = try await scheduler.pollNow(account: "work", options: .init(), wait: true)
        #expect(polled.map(\.succeeded) == [true], "\(polled.map(\.line))")
        #expect(try accounts.scalar("SELECT count(*) FROM events WHERE account_id = 'work'") == 30)
        #expect(try accounts.scalar("SELECT count(*) FROM events WHERE account_id = 'home'") == 0)
        await #expect(throws: CalSyncError.self) {
            _ = try await scheduler.pollNow(account: "home", options: .init(), wait: true)
        }
        #expect(told.all.contains { $0.hasPrefix("STATUS 1 account, 1 calendar ok · last sync") })

        // The reload: "home" is enabled and polls at once; "work" is disabled and stops,
        // its rows staying in the store.
        scheduler.requestReload()
        var homeEvents = 0
        for _ in 0..<100 where homeEvents < 30 {
            try await Task.sleep(for: .milliseconds(50))
            homeEvents = try accounts.scalar("SELECT count(*) FROM events WHERE account_id = 'home'")
        }
        #expect(homeEvents == 30)
        #expect(try accounts.scalar("SELECT count(*) FROM events WHERE account_id = 'work'") == 30)
        let refused = await #expect(throws: CalSyncError.self) {
            _ = try await scheduler.pollNow(account: "work", options: .init(), wait: true)
        }
        #expect(refused?.message.contains("disabled") == true)
        let unknown = await #expect(throws: CalSyncError.self) {
            _ = try await scheduler.pollNow(account: "nobody", options: .init(), wait: true)
        }
        #expect(unknown?.message.contains("accounts: work, home") == true)

        // One calendar of one account, by its name, with --full.
        let one = try await scheduler.pollNow(
            account: "home", options: .init(calendar: EmulatedAccounts.calendar, full: true), wait: true)
        #expect(one.count == 1)
        #expect(one.first?.outcome?.fullSync == true)

        running.cancel()
        _ = try? await running.value
        let sequence = told.all
        #expect(sequence.first?.hasPrefix("READY ") == true)
        let reloading = try #require(sequence.firstIndex(of: "RELOADING"))
        #expect(sequence[(reloading + 1)...].first?.hasPrefix("READY ") == true)
    }

    @Test func oneRequestedPollServesEveryRequestForTheAccount() {
        let team = AccountSync.PollOptions(calendar: "Team")
        #expect(SyncScheduler.merged([team, team], scheduled: false) == team)
        #expect(SyncScheduler.merged([team, team], scheduled: true).calendar == nil, "a due poll covers all")
        #expect(SyncScheduler.merged([team, .init(calendar: "Home")], scheduled: false).calendar == nil)
        #expect(SyncScheduler.merged([team, .init(calendar: "Team", full: true)], scheduled: false).full)
        #expect(SyncScheduler.merged([], scheduled: true) == .scheduled)
    }
}
