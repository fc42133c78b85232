import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncRecurrence
@testable import CalSyncStore

/// Polls asked for by peers that are neither root nor the daemon's user: one per account
/// per spacing; more requests share it instead of queueing polls (issue 16).
@Suite(.serialized) struct AskedPollRateLimitTests {
    @Test func aSecondAskedForPollWithinTheSpacingCostsNoRequest() async throws {
        let accounts = try await EmulatedAccounts()
        defer { Task { await accounts.stop() } }
        _ = try await accounts.state.generateGoogleEvents(calendarID: EmulatedAccounts.calendar, count: 10, seed: 2)
        let scheduler = accounts.scheduler(askedPollSpacing: .seconds(3600))
        let running = Task { try await scheduler.run() }
        defer { running.cancel() }

        // The first asked-for poll runs (it also serves the start-up poll's place).
        let first = try await scheduler.pollNow(account: "work", options: .init(), wait: true, rateLimited: true)
        #expect(first.map(\.succeeded) == [true])
        await accounts.state.clearRequests()

        // A reader asks again and again: the same results, no request to the provider.
        for _ in 0..<3 {
            let again = try await scheduler.pollNow(account: "work", options: .init(), wait: true, rateLimited: true)
            #expect(again.map(\.succeeded) == [true])
            #expect(again.map(\.calendarID) == first.map(\.calendarID))
        }
        #expect(await accounts.state.requests().isEmpty)

        // Root or the daemon's user is not rate-limited.
        let privileged = try await scheduler.pollNow(account: "work", options: .init(), wait: true)
        #expect(privileged.map(\.succeeded) == [true])
        #expect(await !accounts.state.requests().isEmpty)
    }
}
