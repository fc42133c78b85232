import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Testing

@testable import CalSyncAuth
@testable import CalSyncEmulatorServer
@testable import CalSyncEngine
@testable import CalSyncModel
@testable import CalSyncStore

/// The rarer paths of a Google sync against the emulator: the safety valve, a
/// quarantined event, a calendar removed upstream, one failing calendar among others.
@Suite(.serialized) struct GoogleEmulatorEdgeCaseTests {
    static let calendar = EmulatedAccounts.calendar

    @Test func aFullResyncThatWouldDeleteTooMuchIsHeldAndReported() async throws {
        let account = try await EmulatedAccounts(extraSyncKeys: "max_delete_ratio = 0.5")
        defer { Task { await account.stop() } }
        try await account.state.generateGoogleEvents(calendarID: Self.calendar, count: 100, seed: 8)
        #expect(await account.syncOnce().first?.error == nil)
        let before = try account.scalar("SELECT count(*) FROM events")
        // 80 % of the calendar disappears and the sync token expires: the re-sync would
        // delete most of the calendar, so it is held.
        let ids = try await account.truth().keys.filter { !$0.contains("_") }.sorted()
        for id in ids.prefix(ids.count * 8 / 10) {
            try await account.state.deleteGoogleEvent(calendarID: Self.calendar, eventID: id)
        }
        try await account.state.expireGoogleSyncTokens(calendarID: Self.calendar)
        let held = await account.syncOnce()
        #expect(held.first?.held == true)
        #expect(held.first?.line.contains("held") == true)
        #expect(try account.scalar("SELECT count(*) FROM events") == before)
        let reader = try StoreReader(path: account.directory.path("calsync.db"))
        let report = StatusReport(
            generatedAt: Date(), store: reader.path, daemon: .init(running: false, pid: nil),
            accounts: try reader.statusAccounts(
                interval: { _ in Duration.seconds(300) }, tokenExpiry: { _ -> Date? in nil }))
        #expect(report.text().contains("held"))
        #expect(!report.healthy)
    }

    @Test func anUnreadableSeriesIsQuarantinedAndTheRestSyncs() async throws {
        let account = try await EmulatedAccounts()
        defer { Task { await account.stop() } }
        try await account.state.generateGoogleEvents(calendarID: Self.calendar, count: 40, seed: 6)
        try await account.state.addGoogleEvent(
            calendarID: Self.calendar,
            .object([
                ("id", "brokenrule1"), ("summary", "Broken"),
                ("start", .object([("dateTime", "2026-12-01T09:00:00Z")])),
                ("end", .object([("dateTime", "2026-12-01T10:00:00Z")])),
                ("recurrence", ["RRULE:FREQ=SOMETIMES;BYDAY=XX"]),
            ]))
        let results = await account.syncOnce()
        #expect(results.first?.error == nil)
        #expect(results.first?.outcome?.quarantined == 1)
        #expect(try account.scalar("SELECT quarantined_count FROM sync_state") == 1)
        #expect(try account.scalar("SELECT count(*) FROM events WHERE id != 'brokenrule1'") == 40)
        #expect(account.logs.lines.contains { $0.contains("brokenrule1") || $0.lowercased().contains("quarantin") })
    }

    @Test func aCalendarRemovedUpstreamLeavesTheStoreWithItsEvents() async throws {
        let account = try await EmulatedAccounts(extraAccountKeys: "")
        defer { Task { await account.stop() } }
        try await account.state.generateGoogleEvents(calendarID: Self.calendar, count: 30, seed: 1)
        #expect(await account.syncOnce().first?.error == nil)
        #expect(try account.scalar("SELECT count(*) FROM events") == 30)
        try await account.state.removeGoogleCalendar(id: Self.calendar)
        _ = await account.syncOnce()
        #expect(try account.scalar("SELECT count(*) FROM calendars") == 0)
        #expect(try account.scalar("SELECT count(*) FROM events") == 0)
        #expect(try account.scalar("SELECT count(*) FROM changes WHERE op = 'delete'") == 30)
    }
}

extension GoogleEmulatorEdgeCaseTests {
    @Test func changingEventTypesForcesAFullSync() async throws {
        let account = try await EmulatedAccounts()
        defer { Task { await account.stop() } }
        try await account.state.generateGoogleEvents(calendarID: Self.calendar, count: 20, seed: 4)
        #expect(await account.syncOnce().first?.outcome?.fullSync == true)
        #expect(await account.syncOnce().first?.outcome?.fullSync == false)
        let narrower = try account.configuration {
            $0.replacingOccurrences(
                of: "calendars = [\"primary\"]", with: "calendars = [\"primary\"]\nevent_types = [\"default\"]")
        }
        await account.state.clearRequests()
        let results = await account.syncOnce(configuration: narrower)
        #expect(results.first?.outcome?.fullSync == true)
        let request = try #require(await account.state.requests(pathPrefix: "/calendar/v3/calendars/").first)
        #expect(request.query.filter { $0.name == "eventTypes" }.map(\.value) == ["default"])
        #expect(request.parameter("syncToken") == nil)
    }

    @Test func oneFailingCalendarDoesNotStopTheOthers() async throws {
        let account = try await EmulatedAccounts()
        defer { Task { await account.stop() } }
        try await account.state.addGoogleCalendar(id: "team@example.com", summary: "Team")
        try await account.state.generateGoogleEvents(calendarID: "team@example.com", count: 10, seed: 2)
        try await account.state.generateGoogleEvents(calendarID: Self.calendar, count: 10, seed: 3)
        await account.state.injectFault(
            Fault(
                pathPrefix: "/calendar/v3/calendars/user@example.com/", count: 100,
                outcome: .status(503, retryAfter: nil)))
        let everything = try account.configuration {
            $0.replacingOccurrences(
                of: "calendars = [\"primary\"]", with: "calendars = [\"primary\", \"team@example.com\"]")
        }
        let results = await account.syncOnce(
            retry: .init(retries: 2, backoff: Backoff(base: .milliseconds(10), maximum: .milliseconds(50))),
            configuration: everything)
        #expect(results.count == 2)
        #expect(results.first { $0.calendarID == Self.calendar }?.error?.code == .server)
        #expect(results.first { $0.calendarID == "team@example.com" }?.error == nil)
        #expect(try account.scalar("SELECT count(*) FROM events WHERE calendar_id = 'team@example.com'") == 10)
        #expect(
            try account.scalar("SELECT consecutive_failures FROM sync_state WHERE calendar_id = 'user@example.com'")
                == 1)
    }

    @Test func publicCalendarsWithAnAPIKeyAreRelistedAndDiffed() async throws {
        let account = try await EmulatedAccounts()
        defer { Task { await account.stop() } }
        let holidays = "en.german#holiday@group.v.calendar.google.com"
        try await account.state.addGoogleCalendar(
            id: holidays, summary: "Holidays", timeZone: "Europe/Berlin", isPublic: true)
        for (index, day) in ["2026-12-24", "2026-12-25", "2026-12-26"].enumerated() {
            try await account.state.addGoogleEvent(
                calendarID: holidays,
                .object([
                    ("id", .string("holiday\(index)")), ("summary", .string("Holiday \(index)")),
                    ("start", .object([("date", .string(day))])), ("end", .object([("date", .string(day))])),
                ]))
        }
        try "emulator-api-key".write(toFile: account.directory.path("apikey"), atomically: true, encoding: .utf8)
        let keyed = try account.configuration { text in
            text.replacingOccurrences(of: "name = \"work\"", with: "name = \"holidays\"")
                .replacingOccurrences(of: "client_id = \"emulated-client\"\n", with: "")
                .replacingOccurrences(of: "client_secret_file", with: "api_key_file")
                .replacingOccurrences(of: "/secret\"", with: "/apikey\"")
                .replacingOccurrences(of: "calendars = [\"primary\"]", with: "calendars = [\"\(holidays)\"]")
        }
        #expect(await account.syncOnce(configuration: keyed).first?.error == nil)
        #expect(try account.scalar("SELECT count(*) FROM events WHERE account_id = 'holidays'") == 3)
        // No token is used; the id's # travels as %23 (the server records decoded paths; an
        // unencoded # would have ended the path at "en.german" as a fragment).
        let requests = await account.state.requests(pathPrefix: "/calendar/v3/calendars/en.german#holiday@")
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { $0.header("Authorization") == nil && $0.parameter("key") == "emulator-api-key" })

        try await account.state.deleteGoogleEvent(calendarID: holidays, eventID: "holiday1")
        #expect(await account.syncOnce(configuration: keyed).first?.error == nil)
        #expect(try account.scalar("SELECT count(*) FROM events WHERE account_id = 'holidays'") == 2)
        #expect(try account.scalarText("SELECT auth FROM accounts WHERE id = 'holidays'") == "api_key")
    }
}

extension GoogleEmulatorEdgeCaseTests {
    @Test func theCalendarListIsFollowedWithItsSyncToken() async throws {
        let account = try await EmulatedAccounts()
        defer { Task { await account.stop() } }
        try await account.state.addGoogleCalendar(id: "team@example.com", summary: "Team")
        let everything = try account.configuration {
            $0.replacingOccurrences(
                of: "calendars = [\"primary\"]", with: "calendars = [\"primary\", \"team@example.com\"]")
        }
        #expect(await account.syncOnce(configuration: everything).allSatisfy { $0.error == nil })
        #expect(try account.scalar("SELECT count(*) FROM calendars") == 2)

        // Upstream: one calendar goes, another comes.
        try await account.state.removeGoogleCalendar(id: "team@example.com")
        try await account.state.addGoogleCalendar(id: "family@example.com", summary: "Family")
        await account.state.clearRequests()
        #expect(await account.syncOnce(configuration: everything).allSatisfy { $0.error == nil })
        let list = try #require(await account.state.requests(pathPrefix: "/calendar/v3/users/me/calendarList").first)
        #expect(list.parameter("syncToken") != nil, "the second poll asks only for changes")
        #expect(
            try account.scalarText("SELECT group_concat(id, ',') FROM (SELECT id FROM calendars ORDER BY id)")
                == "family@example.com,user@example.com")

        // The token expires: one 410, then a full listing, and the sync carries on.
        try await account.state.expireGoogleSyncTokens()
        await account.state.clearRequests()
        #expect(await account.syncOnce(configuration: everything).allSatisfy { $0.error == nil })
        let lists = await account.state.requests(pathPrefix: "/calendar/v3/users/me/calendarList")
        #expect(lists.map(\.status) == [410, 200])
        #expect(lists.last?.parameter("syncToken") == nil)
    }
}
