import CalSyncEmulator
import CalSyncEmulatorServer
import CurlTransport
import Foundation
import GRDB
import Synchronization
import Testing

@testable import CalSyncAuth
@testable import CalSyncEmulatorServer
@testable import CalSyncEngine
@testable import CalSyncModel

/// The Google provider, the engine and the store together against the emulator: what
/// issue 4 asks to hold, over real HTTP.
@Suite(.serialized) struct GoogleEmulatorSyncTests {
    static let calendar = EmulatedAccounts.calendar

    static func timed(_ id: String, day: Int, summary: String) -> JSONValue {
        .object([
            ("id", .string(id)), ("summary", .string(summary)),
            (
                "start",
                .object([("dateTime", .string("2026-12-\(10 + day)T10:00:00+01:00")), ("timeZone", "Europe/Berlin")])
            ),
            (
                "end",
                .object([("dateTime", .string("2026-12-\(10 + day)T11:00:00+01:00")), ("timeZone", "Europe/Berlin")])
            ),
        ])
    }

    static func expectStoreEqualsTruth(
        _ account: EmulatedAccounts, sourceLocation: SourceLocation = #_sourceLocation
    )
        async throws
    {
        let stored = try account.storedEvents()
        let truth = try await account.truth()
        #expect(Set(stored.keys) == Set(truth.keys), "ids", sourceLocation: sourceLocation)
        let differing = truth.filter { id, value in stored[id]?.etag != value.etag || stored[id]?.status != value.status
        }
        #expect(
            differing.isEmpty, "etag or status differ for \(differing.keys.sorted().prefix(5))",
            sourceLocation: sourceLocation)
        #expect(try account.scalar("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") == 1)
    }

    @Test func fullSyncIncrementAndExpiredTokenKeepTheStoreEqualToTheServer() async throws {
        let account = try await EmulatedAccounts()
        defer { Task { await account.stop() } }
        // 6,000 items: three pages of 2,500.
        try await account.state.generateGoogleEvents(calendarID: Self.calendar, count: 6000, seed: 5)
        try await account.state.addGoogleEvent(
            calendarID: Self.calendar,
            .object([
                ("id", "weeklyteam"), ("summary", "Team"),
                ("start", .object([("dateTime", "2026-12-07T09:00:00+01:00"), ("timeZone", "Europe/Berlin")])),
                ("end", .object([("dateTime", "2026-12-07T09:30:00+01:00"), ("timeZone", "Europe/Berlin")])),
                ("recurrence", ["RRULE:FREQ=WEEKLY;BYDAY=MO"]),
            ]))

        let first = await account.syncOnce()
        #expect(first.count == 1)
        #expect(first.first?.error == nil)
        #expect(first.first?.outcome?.fullSync == true)
        #expect(first.first?.outcome?.pages == 3 + 1, "three pages, then the increment that follows a full listing")
        try await Self.expectStoreEqualsTruth(account)
        let eventsPath = "/calendar/v3/calendars/user@example.com/events"
        let requests = await account.state.requests(pathPrefix: eventsPath)
        #expect(requests.count == 3 + 1)
        #expect(requests.last?.parameter("syncToken") != nil)
        for request in requests.dropLast() {
            #expect(request.parameter("maxResults") == "2500")
            #expect(request.parameter("singleEvents") == "false")
            #expect(request.query.contains { $0.name == "eventTypes" })
        }
        let changesAfterFull = try account.scalar("SELECT count(*) FROM changes")

        // Another client: an add, an edit, a delete and an instance cancellation.
        try await account.state.addGoogleEvent(
            calendarID: Self.calendar, Self.timed("addedone", day: 5, summary: "New"))
        let someID = try #require(try await account.truth().keys.sorted().first { $0.hasPrefix("gen") })
        try await account.state.editGoogleEvent(
            calendarID: Self.calendar, eventID: someID, .object([("summary", "Edited elsewhere")]))
        let deletedID = try #require(
            try await account.truth().keys.sorted().last { $0.hasPrefix("gen") && !$0.contains("_") })
        try await account.state.deleteGoogleEvent(calendarID: Self.calendar, eventID: deletedID)
        try await account.state.deleteGoogleEvent(calendarID: Self.calendar, eventID: "weeklyteam_20261214T080000Z")
        await account.state.clearRequests()

        let second = await account.syncOnce()
        #expect(second.first?.error == nil)
        #expect(second.first?.outcome?.fullSync == false)
        let increment = await account.state.requests(pathPrefix: eventsPath)
        #expect(increment.count == 1)
        #expect(increment.first?.parameter("syncToken") != nil)
        try await Self.expectStoreEqualsTruth(account)
        #expect(try account.scalar("SELECT count(*) FROM changes") > changesAfterFull)
        // The cancelled instance is gone from the occurrences, the series' others stay.
        #expect(
            try account.scalar(
                "SELECT count(*) FROM occurrences WHERE event_id = 'weeklyteam' AND start LIKE '2026-12-14%'") == 0)
        #expect(
            try account.scalar(
                "SELECT count(*) FROM occurrences WHERE event_id = 'weeklyteam' AND start LIKE '2026-12-21%'") == 1)

        // The server drops the sync token: 410, then a full re-sync that changes nothing.
        let changesBefore = try account.scalar("SELECT count(*) FROM changes")
        try await account.state.expireGoogleSyncTokens(calendarID: Self.calendar)
        let third = await account.syncOnce()
        #expect(third.first?.error == nil)
        #expect(third.first?.outcome?.fullSync == true)
        try await Self.expectStoreEqualsTruth(account)
        #expect(try account.scalar("SELECT count(*) FROM changes") == changesBefore, "nothing really changed")
    }

    @Test func aReaderNeverSeesTheCalendarEmptyDuringAFullResync() async throws {
        let account = try await EmulatedAccounts()
        defer { Task { await account.stop() } }
        try await account.state.generateGoogleEvents(calendarID: Self.calendar, count: 6000, seed: 9)
        _ = await account.syncOnce()
        let total = try account.scalar("SELECT count(*) FROM events")
        #expect(total == 6000)
        try await account.state.expireGoogleSyncTokens(calendarID: Self.calendar)
        // Slow pages, so the reader looks many times while the re-sync runs.
        await account.state.injectFault(
            Fault(pathPrefix: "/calendar/v3/calendars/", count: 4, delay: .milliseconds(150), outcome: .none))

        let smallest = Mutex(Int.max)
        let done = Mutex(false)
        let reader = Task.detached {
            while !done.withLock({ $0 }) {
                if let count = try? account.scalar("SELECT count(*) FROM events") {
                    smallest.withLock { $0 = min($0, count) }
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        let results = await account.syncOnce()
        done.withLock { $0 = true }
        await reader.value
        #expect(results.first?.outcome?.fullSync == true)
        #expect(smallest.withLock { $0 } == total)
    }

    @Test func retryAfterIsHonouredAndServerErrorsAreRetried() async throws {
        let account = try await EmulatedAccounts()
        defer { Task { await account.stop() } }
        let eventsPath = "/calendar/v3/calendars/user@example.com/events"
        await account.state.injectFault(Fault(pathPrefix: eventsPath, outcome: .status(429, retryAfter: "2")))
        await account.state.injectFault(Fault(pathPrefix: eventsPath, outcome: .status(500, retryAfter: nil)))
        let results = await account.syncOnce(
            retry: .init(retries: 3, backoff: Backoff(base: .milliseconds(50), maximum: .seconds(1))))
        #expect(results.first?.error == nil)
        let requests = await account.state.requests(pathPrefix: eventsPath)
        #expect(requests.map(\.status) == [429, 500, 200, 200], "the listing, then the increment after it")
        let waited = requests[1].receivedAt.timeIntervalSince(requests[0].receivedAt)
        #expect(waited >= 2.0, "the request after Retry-After: 2 came after \(waited) s")
    }

    @Test func anExpiredAccessTokenIsRefreshedOnceAndARevokedOneNeedsLogin() async throws {
        let account = try await EmulatedAccounts(accounts: ["home", "work"])
        defer { Task { await account.stop() } }
        let first = await account.syncOnce()
        #expect(first.allSatisfy { $0.error == nil }, "\(first.map(\.line))")
        await account.state.clearRequests()

        await account.state.expireAccessTokens()
        let refreshed = await account.syncOnce()
        #expect(refreshed.allSatisfy { $0.error == nil })
        let tokenRequests = await account.state.requests(pathPrefix: "/token")
        #expect(tokenRequests.count == 2, "one refresh per account")

        // Revoke only work's refresh token: home keeps syncing.
        let workRefresh = try #require(try account.tokens.tokens(for: "work")?.refreshToken)
        let revoke = try await account.transport.perform(
            HTTPRequest(
                method: .POST, url: account.emulator.baseURL + "/revoke",
                headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded")],
                body: Data("token=\(workRefresh)".utf8)))
        #expect(revoke.status == 200)
        let results = await account.syncOnce()
        let work = results.filter { $0.accountID == "work" }
        #expect(work.contains { $0.error?.code == .needsLogin })
        #expect(results.filter { $0.accountID == "home" }.allSatisfy { $0.error == nil })
        let detail = try account.scalarText(
            "SELECT state || ': ' || coalesce(state_detail, '') FROM accounts WHERE id = 'work'")
        #expect(detail.hasPrefix("needs_login"))
        #expect(detail.contains("calsyncctl login work"))
    }

    @Test func noTokenOrSecretReachesTheStoreOrTheLogs() async throws {
        let account = try await EmulatedAccounts()
        defer { Task { await account.stop() } }
        try await account.state.generateGoogleEvents(calendarID: Self.calendar, count: 50, seed: 2)
        await account.state.expireAccessTokens()
        _ = await account.syncOnce()
        let stored = try #require(try account.tokens.tokens(for: "work"))
        let secrets = [EmulatedAccounts.clientSecret, stored.refreshToken, stored.accessToken].compactMap { $0 }
        #expect(secrets.count == 3)
        let database = try Data(contentsOf: URL(fileURLWithPath: account.directory.path("calsync.db")))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: account.directory.path("calsync.db-wal")))) ?? Data()
        let logText = account.logs.lines.joined(separator: "\n")
        #expect(!logText.isEmpty)
        for secret in secrets {
            #expect(database.range(of: Data(secret.utf8)) == nil)
            #expect(wal.range(of: Data(secret.utf8)) == nil)
            #expect(!logText.contains(secret))
        }
    }
}
