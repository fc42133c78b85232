import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Testing

@testable import CalSyncEmulatorServer
@testable import CalSyncEngine
@testable import CalSyncModel

/// Graph's throttling rules against the emulator (issue 6): `Retry-After` holds the
/// mailbox, and no more than 4 (or the configured number of) requests are in flight.
@Suite(.serialized) struct GraphEmulatorLimitsTests {
    /// `count` weekly series (stubs to hydrate), spread over the week, in `calendar`.
    static func addSeries(_ account: EmulatedAccounts, calendar: String, count: Int, name: String) async throws {
        let now = Date()
        for index in 0..<count {
            let date = now.addingTimeInterval(Double(index % 7 + 1) * 86_400)
            let day = String(Timestamp.string(from: date).prefix(10))
            _ = try await account.state.addGraphEvent(
                calendarID: calendar,
                .object([
                    ("subject", .string("\(name) \(index)")),
                    ("start", GraphEmulatorSyncTests.graphTime(day + "T08:00:00.0000000")),
                    ("end", GraphEmulatorSyncTests.graphTime(day + "T08:30:00.0000000")),
                    (
                        "recurrence",
                        .object([
                            (
                                "pattern",
                                .object([
                                    ("type", "weekly"), ("interval", 1),
                                    ("daysOfWeek", .array([.string(GraphEmulatorSyncTests.weekday(date))])),
                                    ("firstDayOfWeek", "monday"),
                                ])
                            ),
                            (
                                "range",
                                .object([
                                    ("type", "numbered"), ("numberOfOccurrences", 4), ("startDate", .string(day)),
                                ])
                            ),
                        ])
                    ),
                ]))
        }
    }

    @Test func aThrottledAnswerWithFractionalRetryAfterHoldsTheNextRequestOfTheMailbox() async throws {
        let account = try await EmulatedAccounts(accounts: [], microsoftAccounts: ["office"])
        defer { Task { await account.stop() } }
        let calendar = await account.state.defaultGraphCalendarID
        try await Self.addSeries(account, calendar: calendar, count: 2, name: "Series")
        let delta = "/v1.0/me/calendars/\(calendar)/calendarView/delta"
        await account.state.injectFault(Fault(pathPrefix: delta, outcome: .status(429, retryAfter: "1.5")))
        let results = await account.syncOnce(
            retry: .init(retries: 3, backoff: Backoff(base: .milliseconds(50), maximum: .seconds(1))))
        #expect(results.allSatisfy { $0.error == nil }, "\(results.map(\.line))")
        let requests = await account.state.requests(pathPrefix: "/v1.0/").filter { $0.mailbox != nil }
            .sorted { $0.receivedAt < $1.receivedAt }
        let throttled = try #require(requests.firstIndex { $0.status == 429 })
        let next = try #require(requests.dropFirst(throttled + 1).first)
        #expect(next.path == delta)
        let gap = next.receivedAt.timeIntervalSince(requests[throttled].answeredAt)
        #expect(gap >= 1.5, "the request after Retry-After: 1.5 came \(gap) s after the 429")
        #expect(gap < 5, "and not much later: \(gap) s")
        print("GraphEmulatorLimitsTests: the next request came \(gap) s after a 429 with Retry-After: 1.5")
    }

    /// Every `$batch` of masters answers after 100 ms, so batches overlap.
    static func slowBatches(_ account: EmulatedAccounts) async {
        await account.state.injectFault(
            Fault(pathPrefix: "/v1.0/$batch", count: 1000, delay: .milliseconds(100), outcome: .none))
    }

    @Test func atMostFourRequestsAreInFlightPerMailbox() async throws {
        let account = try await EmulatedAccounts(accounts: [], microsoftAccounts: ["office"])
        defer { Task { await account.stop() } }
        let first = await account.state.defaultGraphCalendarID
        try await account.state.addGraphCalendar(id: "team", name: "Team", timeZone: "UTC", isDefault: false)
        // 50 series a calendar: three batches of masters each, read side by side.
        try await Self.addSeries(account, calendar: first, count: 50, name: "Series")
        try await Self.addSeries(account, calendar: "team", count: 50, name: "Team series")
        await Self.slowBatches(account)
        let results = await account.syncOnce()
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0.error == nil }, "\(results.map(\.line))")
        #expect(try account.scalar("SELECT count(*) FROM events WHERE kind = 'series'") == 100)
        #expect(try account.scalar("SELECT count(*) FROM occurrences") == 400)
        let maximum = await account.state.graphMaximumConcurrency()
        #expect(maximum <= 4, "\(maximum) requests were in flight at once")
        #expect(maximum > 1, "batches ran one at a time")
        print("GraphEmulatorLimitsTests: at most \(maximum) requests in flight (limit 4)")
    }

    @Test func aLowerConfiguredLimitHolds() async throws {
        let account = try await EmulatedAccounts(
            accounts: [], microsoftAccounts: ["office"], extraAccountKeys: "max_concurrent_requests = 2")
        defer { Task { await account.stop() } }
        let calendar = await account.state.defaultGraphCalendarID
        try await Self.addSeries(account, calendar: calendar, count: 50, name: "Series")
        await Self.slowBatches(account)
        let results = await account.syncOnce()
        #expect(results.allSatisfy { $0.error == nil }, "\(results.map(\.line))")
        #expect(try account.scalar("SELECT count(*) FROM events WHERE kind = 'series'") == 50)
        let maximum = await account.state.graphMaximumConcurrency()
        #expect(maximum == 2, "\(maximum) requests were in flight at once (limit 2)")
    }
}
