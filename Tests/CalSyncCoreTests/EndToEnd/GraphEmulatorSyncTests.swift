import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import GRDB
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncStore

/// The Graph provider, the engine and the store together against the emulator (issue 6).
@Suite(.serialized) struct GraphEmulatorSyncTests {
    static func graphTime(_ text: String) -> JSONValue {
        .object([("dateTime", .string(text)), ("timeZone", "W. Europe Standard Time")])
    }

    static func single(_ subject: String, _ start: String, _ end: String) -> JSONValue {
        .object([("subject", .string(subject)), ("start", graphTime(start)), ("end", graphTime(end))])
    }

    /// Ids of live (not cancelled) events in the store, and the emulator's truth.
    static func liveIDs(_ account: EmulatedAccounts) throws -> Set<String> {
        let queue = try DatabaseQueue(path: account.directory.path("calsync.db"))
        return try queue.read { db in
            Set(
                try String.fetchAll(
                    db, sql: "SELECT id FROM events WHERE account_id = 'office' AND status != 'cancelled'"))
        }
    }

    static func truthIDs(_ account: EmulatedAccounts, _ calendar: String) async throws -> Set<String> {
        Set(try await account.state.graphEvents(calendarID: calendar).compactMap { $0["id"]?.stringValue })
    }

    @Test func roundIncrementAndGoneLinkKeepTheStoreEqualToTheMailbox() async throws {
        var options = EmulatorOptions()
        options.graphMaximumPageSize = 4
        let account = try await EmulatedAccounts(accounts: [], microsoftAccounts: ["office"], options: options)
        defer { Task { await account.stop() } }
        let calendar = await account.state.defaultGraphCalendarID
        let now = Date()
        func day(_ offset: Int, _ time: String) -> String {
            let date = now.addingTimeInterval(Double(offset) * 86_400)
            return String(Timestamp.string(from: date).prefix(10)) + "T" + time + ".0000000"
        }
        var singles: [String] = []
        for index in 0..<6 {
            let event = try await account.state.addGraphEvent(
                calendarID: calendar,
                Self.single("Single \(index)", day(index + 1, "10:00:00"), day(index + 1, "11:00:00")))
            singles.append(try #require(event["id"]?.stringValue))
        }
        let series = try await account.state.addGraphEvent(
            calendarID: calendar,
            .object([
                ("subject", "Weekly sync"), ("start", Self.graphTime(day(1, "09:00:00"))),
                ("end", Self.graphTime(day(1, "09:30:00"))),
                (
                    "recurrence",
                    .object([
                        (
                            "pattern",
                            .object([
                                ("type", "weekly"), ("interval", 1),
                                ("daysOfWeek", .array([.string(Self.weekday(now.addingTimeInterval(86_400)))])),
                                ("firstDayOfWeek", "monday"),
                            ])
                        ),
                        (
                            "range",
                            .object([
                                ("type", "numbered"), ("numberOfOccurrences", 6),
                                ("startDate", .string(String(day(1, "").prefix(10)))),
                            ])
                        ),
                    ])
                ),
            ]))
        let seriesID = try #require(series["id"]?.stringValue)
        // A body over Graph's 255-character bodyPreview, in HTML: calsyncd asks for text
        // bodies, so the description is the whole text, on the event and on a master read
        // in a $batch alike.
        let agenda = String(repeating: "Roadmap, budget and hiring. ", count: 12)
        let htmlBody: JSONValue = .object([("contentType", "html"), ("content", .string("<p>\(agenda)</p>"))])
        var briefing = Self.single("Briefing", day(2, "14:00:00"), day(2, "15:00:00"))
        briefing.set("body", htmlBody)
        let briefingID = try #require(
            try await account.state.addGraphEvent(calendarID: calendar, briefing)["id"]?.stringValue)
        try await account.state.editGraphEvent(calendarID: calendar, eventID: seriesID, .object([("body", htmlBody)]))
        let allDay = try await account.state.addGraphEvent(
            calendarID: calendar,
            .object([
                ("subject", "Offsite"), ("isAllDay", true),
                ("start", .object([("dateTime", .string(day(3, "00:00:00"))), ("timeZone", "UTC")])),
                ("end", .object([("dateTime", .string(day(4, "00:00:00"))), ("timeZone", "UTC")])),
            ]))
        let window = (from: now.addingTimeInterval(-40 * 86_400), to: now.addingTimeInterval(400 * 86_400))
        let occurrences = try await account.state.graphOccurrenceIDs(
            calendarID: calendar, seriesID: seriesID, from: window.from, to: window.to)
        #expect(occurrences.count == 6)
        try await account.state.editGraphOccurrence(
            calendarID: calendar, occurrenceID: occurrences[1], .object([("subject", "Weekly sync (moved room)")]))

        let first = await account.syncOnce()
        #expect(first.allSatisfy { $0.error == nil }, "\(first.map(\.line))")
        // The round took several delta pages of 4 (merged into fewer store pages).
        #expect(
            await account.state.requests(pathPrefix: "/v1.0/me/calendars").filter { $0.path.hasSuffix("/delta") }.count
                >= 3)
        #expect(try Self.liveIDs(account) == (try await Self.truthIDs(account, calendar)))
        for id in [briefingID, seriesID] {
            #expect(
                try account.scalarText("SELECT description FROM events WHERE id = '\(id)'")
                    == agenda.trimmingCharacters(in: .whitespaces))
        }
        #expect(try account.scalar("SELECT count(*) FROM occurrences WHERE series_id = '\(seriesID)'") == 6)
        // Every occurrence under the id Graph lists it with (the edited one is its exception).
        #expect(
            Set(try account.rows("SELECT instance_id FROM occurrences WHERE series_id = '\(seriesID)'"))
                == Set(occurrences))
        #expect(
            try account.scalar("SELECT count(*) FROM events WHERE kind = 'exception' AND status = 'cancelled'") == 0)
        // The agenda shows the series' subject on every plain occurrence.
        #expect(
            try account.scalar(
                "SELECT count(*) FROM agenda WHERE instance_id IN (SELECT instance_id FROM occurrences WHERE series_id = '\(seriesID)') AND summary = 'Weekly sync'"
            ) == 5)
        #expect(
            try account.scalarText(
                "SELECT start FROM occurrences WHERE event_id = '\(allDay["id"]?.stringValue ?? "")'")
                == String(day(3, "").prefix(10)))

        // Changes: an edit, a cancelled occurrence, a moved-out event, a deleted series later.
        try await account.state.editGraphEvent(
            calendarID: calendar, eventID: singles[0], .object([("subject", "Renamed")]))
        try await account.state.cancelGraphOccurrence(calendarID: calendar, occurrenceID: occurrences[2])
        try await account.state.editGraphEvent(
            calendarID: calendar, eventID: singles[1],
            .object([
                ("start", Self.graphTime(day(900, "10:00:00"))), ("end", Self.graphTime(day(900, "11:00:00"))),
            ]))
        let second = await account.syncOnce()
        #expect(second.allSatisfy { $0.error == nil }, "\(second.map(\.line))")
        #expect(second.first?.outcome?.fullSync == false)
        #expect(try account.scalarText("SELECT summary FROM events WHERE id = '\(singles[0])'") == "Renamed")
        #expect(try account.scalar("SELECT count(*) FROM events WHERE id = '\(singles[1])'") == 0)
        #expect(
            try account.scalar(
                "SELECT count(*) FROM agenda WHERE instance_id IN (SELECT instance_id FROM occurrences WHERE series_id = '\(seriesID)')"
            ) == 5)
        // The cancelled occurrence's row is gone, and no events row stands in for it.
        #expect(
            Set(try account.rows("SELECT instance_id FROM occurrences WHERE series_id = '\(seriesID)'"))
                == Set(occurrences).subtracting([occurrences[2]]))
        #expect(try account.scalar("SELECT count(*) FROM events WHERE id = '\(occurrences[2])'") == 0)

        try await account.state.deleteGraphEvent(calendarID: calendar, eventID: seriesID)
        let third = await account.syncOnce()
        #expect(third.allSatisfy { $0.error == nil }, "\(third.map(\.line))")
        #expect(try account.scalar("SELECT count(*) FROM occurrences WHERE series_id = '\(seriesID)'") == 0)

        try await account.state.expireGraphDeltaLinks(calendarID: calendar)
        let fourth = await account.syncOnce()
        #expect(fourth.allSatisfy { $0.error == nil }, "\(fourth.map(\.line))")
        #expect(fourth.first?.outcome?.fullSync == true)
        var live = try Self.liveIDs(account)
        live.remove(singles[1])
        #expect(live == (try await Self.truthIDs(account, calendar)).subtracting([singles[1]]))
        #expect(try account.scalar("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") == 1)
    }

    @Test func googleAndMicrosoftAccountsSyncSideBySide() async throws {
        let account = try await EmulatedAccounts(accounts: ["home"], microsoftAccounts: ["office"])
        defer { Task { await account.stop() } }
        try await account.state.generateGoogleEvents(calendarID: EmulatedAccounts.calendar, count: 200, seed: 1)
        try await account.state.generateGraphEvents(
            calendarID: await account.state.defaultGraphCalendarID, count: 200, seed: 1)
        let results = await account.syncOnce()
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0.error == nil }, "\(results.map(\.line))")
        #expect(try account.scalar("SELECT count(*) FROM events WHERE account_id = 'home'") == 200)
        #expect(try account.scalar("SELECT count(*) FROM events WHERE account_id = 'office'") > 100)
        #expect(try account.scalar("SELECT count(*) FROM agenda WHERE account_id = 'office'") > 0)
    }

    @Test func aRotatedRefreshTokenIsKeptAndTheOldOneIsNotUsedAgain() async throws {
        var options = EmulatorOptions()
        options.microsoftInvalidatesOldRefreshTokens = true
        let account = try await EmulatedAccounts(accounts: [], microsoftAccounts: ["office"], options: options)
        defer { Task { await account.stop() } }
        let original = try #require(try account.tokens.tokens(for: "office")?.refreshToken)
        #expect(await account.syncOnce().allSatisfy { $0.error == nil })
        let rotated = try #require(try account.tokens.tokens(for: "office")?.refreshToken)
        #expect(rotated != original)
        // A restarted daemon (new engine, same token file) refreshes with the new token.
        await account.state.expireAccessTokens()
        let again = await account.syncOnce()
        #expect(again.allSatisfy { $0.error == nil }, "\(again.map(\.line))")
        #expect(try account.tokens.tokens(for: "office")?.refreshToken != rotated)
    }

    static func weekday(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Berlin")!
        return ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"][
            calendar.component(.weekday, from: date) - 1]
    }
}
