import CalSyncEmulator
import Foundation
import Testing

@testable import CalSyncCore

/// The rarer paths of a Google sync against the emulator: the safety valve, a
/// quarantined event, a calendar removed upstream, one failing calendar among others.
@Suite(.serialized) struct GoogleEmulatorEdgeCaseTests {
    static let calendar = EmulatedGoogleAccount.calendar

    @Test func aFullResyncThatWouldDeleteTooMuchIsHeldAndReported() async throws {
        let account = try await EmulatedGoogleAccount(extraSyncKeys: "max_delete_ratio = 0.5")
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
        let account = try await EmulatedGoogleAccount()
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
        let account = try await EmulatedGoogleAccount(extraAccountKeys: "")
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
