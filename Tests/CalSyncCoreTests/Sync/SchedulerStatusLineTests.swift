import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Testing

@testable import CalSyncEngine

/// The daemon's status line (`STATUS=`, the first line of `calsyncctl status`) as polls
/// come and go.
@Suite(.serialized) struct SchedulerStatusLineTests {
    /// A poll of one calendar (`calsyncctl sync work/team@example.com`, a write-back) updates
    /// that calendar's count, not the account's whole line: the demo once said "4 calendars
    /// ok" of six healthy ones after a write-back synced one of them.
    @Test func aPollOfOneCalendarKeepsTheOthersInTheCount() async throws {
        let accounts = try await EmulatedAccounts()
        defer { Task { await accounts.stop() } }
        try await accounts.state.addGoogleCalendar(id: "team@example.com", summary: "Team")
        let both = try accounts.configuration {
            $0.replacingOccurrences(
                of: "calendars = [\"primary\"]", with: "calendars = [\"primary\", \"team@example.com\"]")
        }
        let scheduler = accounts.scheduler(configuration: both)
        let running = Task { try await scheduler.run() }
        defer { running.cancel() }

        let all = try await scheduler.pollNow(account: "work", options: .init(), wait: true)
        #expect(all.count == 2 && all.allSatisfy(\.succeeded))
        #expect(scheduler.statusLine().hasPrefix("1 account, 2 calendars ok"), "\(scheduler.statusLine())")

        let one = try await scheduler.pollNow(
            account: "work", options: .init(calendar: "team@example.com"), wait: true)
        #expect(one.map(\.calendarID) == ["team@example.com"])
        #expect(scheduler.statusLine().hasPrefix("1 account, 2 calendars ok"), "\(scheduler.statusLine())")

        // The calendar polled alone failing counts as failing; the other stays ok.
        await accounts.state.injectFault(
            Fault(
                pathPrefix: "/calendar/v3/calendars/team@example.com/", count: 100,
                outcome: .status(404, retryAfter: nil)))
        let failed = try await scheduler.pollNow(
            account: "work", options: .init(calendar: "team@example.com"), wait: true)
        #expect(failed.map(\.succeeded) == [false])
        #expect(scheduler.statusLine().hasPrefix("1 account, 1 calendar ok, 1 failing"), "\(scheduler.statusLine())")
    }
}
