import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncModel
import Foundation
import Testing

/// The Google Calendar API rules the emulator enforces, each as Google answers it.
struct GoogleAPIRulesTests {
    static let events = "/calendar/v3/calendars/primary/events"

    static func reason(_ harness: EmulatorHarness, _ response: HTTPResponse) throws -> String? {
        try harness.json(response)["error"]?["errors"]?.arrayValue?.first?.string("reason")
    }

    @Test func credentialsAreChecked() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let none = try await harness.send(.GET, Self.events)
        #expect(none.status == 401)
        #expect(try Self.reason(harness, none) == "required")
        let bad = try await harness.send(.GET, Self.events, token: "ya29.forged")
        #expect(bad.status == 401)
        #expect(try Self.reason(harness, bad) == "authError")
        let token = await harness.state.issueTokens(provider: .google).accessToken
        #expect(try await harness.send(.GET, Self.events, token: token).status == 200)
        // A Microsoft token does not open Google's API.
        let microsoft = await harness.state.issueTokens(provider: .microsoft).accessToken
        #expect(try await harness.send(.GET, Self.events, token: microsoft).status == 401)
        // Expired access tokens get 401 until refreshed.
        await harness.state.expireAccessTokens()
        #expect(try await harness.send(.GET, Self.events, token: token).status == 401)
    }

    @Test func apiKeysOpenPublicCalendarsOnly() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        try await harness.state.addGoogleCalendar(
            id: "en.german#holiday@group.v.calendar.google.com", summary: "Holidays", timeZone: "Europe/Berlin",
            isPublic: true)
        let publicPath = "/calendar/v3/calendars/en.german%23holiday%40group.v.calendar.google.com"
        let calendar = try await harness.send(.GET, publicPath + "?key=emulator-api-key")
        #expect(calendar.status == 200)
        #expect(try harness.json(calendar).string("timeZone") == "Europe/Berlin")
        #expect(try await harness.send(.GET, publicPath + "/events?key=emulator-api-key").status == 200)
        // A private calendar answers 404 to a key, as at Google.
        #expect(try await harness.send(.GET, Self.events + "?key=emulator-api-key").status == 404)
        let wrongKey = try await harness.send(.GET, publicPath + "/events?key=nope")
        #expect(wrongKey.status == 400)
    }

    @Test(arguments: ["timeMin=2026-01-01T00:00:00Z", "updatedMin=2026-01-01T00:00:00Z", "q=x", "orderBy=updated"])
    func parametersForbiddenWithASyncTokenAre400(_ parameter: String) async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let token = await harness.state.issueTokens(provider: .google).accessToken
        let first = try harness.json(try await harness.send(.GET, Self.events, token: token))
        let syncToken = EmulatorHarness.formEncode(try #require(first.string("nextSyncToken")))
        let response = try await harness.send(.GET, "\(Self.events)?syncToken=\(syncToken)&\(parameter)", token: token)
        #expect(response.status == 400)
    }

    @Test func malformedTokensAre400AndPageSizesAreBounded() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let token = await harness.state.issueTokens(provider: .google).accessToken
        let malformed = try await harness.send(.GET, "\(Self.events)?syncToken=garbage", token: token)
        #expect(malformed.status == 400)
        #expect(try Self.reason(harness, malformed) == "invalid")
        #expect(try await harness.send(.GET, "\(Self.events)?pageToken=garbage", token: token).status == 400)
        #expect(try await harness.send(.GET, "\(Self.events)?maxResults=0", token: token).status == 400)
        try await harness.state.generateGoogleEvents(calendarID: "user@example.com", count: 3000, seed: 3)
        let defaultPage = try harness.json(try await harness.send(.GET, Self.events, token: token))
        #expect(defaultPage.items.count == 250)
        let largest = try harness.json(try await harness.send(.GET, "\(Self.events)?maxResults=9999", token: token))
        #expect(largest.items.count == 2500)
    }

    @Test func writesUseEtagsAndIfMatch() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let token = await harness.state.issueTokens(provider: .google).accessToken
        let created = try await harness.send(
            .POST, Self.events, token: token,
            body: Data(
                #"{"summary":"Lunch","start":{"dateTime":"2026-12-03T12:00:00Z"},"end":{"dateTime":"2026-12-03T13:00:00Z"}}"#
                    .utf8))
        #expect(created.status == 200)
        let event = try harness.json(created)
        let id = try #require(event.string("id"))
        let etag = try #require(event.string("etag"))
        #expect(event.string("status") == "confirmed")
        #expect(event.string("iCalUID") == "\(id)@google.com")

        let path = "\(Self.events)/\(id)"
        let stale = try await harness.send(
            .PATCH, path, token: token, headers: [(name: "If-Match", value: "\"0\"")],
            body: Data(#"{"summary":"x"}"#.utf8))
        #expect(stale.status == 412)
        #expect(try Self.reason(harness, stale) == "conditionNotMet")
        let patched = try await harness.send(
            .PATCH, path, token: token, headers: [(name: "If-Match", value: etag)],
            body: Data(#"{"summary":"Long lunch"}"#.utf8))
        #expect(patched.status == 200)
        let after = try harness.json(patched)
        #expect(after.string("summary") == "Long lunch")
        #expect(after.string("etag") != etag)
        #expect(after["sequence"] == 1)
        #expect(after["start"] == event["start"], "PATCH keeps what it does not name")

        let duplicate = try await harness.send(
            .POST, Self.events, token: token,
            body: Data(
                #"{"id":"\#(id)","start":{"date":"2026-12-03"},"end":{"date":"2026-12-04"}}"#.utf8))
        #expect(duplicate.status == 409)

        #expect(try await harness.send(.DELETE, path, token: token).status == 204)
        let again = try await harness.send(.DELETE, path, token: token)
        #expect(again.status == 410)
        #expect(try Self.reason(harness, again) == "deleted")
        #expect(try await harness.send(.GET, "\(Self.events)/unknownid1", token: token).status == 404)
    }

    @Test func deletingASeriesCancelsItsExceptions() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let calendar = "user@example.com"
        try await harness.state.addGoogleEvent(
            calendarID: calendar,
            .object([
                ("id", "daily1"), ("start", .object([("date", "2026-12-01")])),
                ("end", .object([("date", "2026-12-02")])), ("recurrence", ["RRULE:FREQ=DAILY;COUNT=5"]),
            ]))
        let exception = try await harness.state.moveGoogleInstance(
            calendarID: calendar, instanceID: "daily1_20261203", start: .object([("date", "2026-12-10")]),
            end: .object([("date", "2026-12-11")]))
        #expect(exception["originalStartTime"] == .object([("date", "2026-12-03")]))
        #expect(exception.string("recurringEventId") == "daily1")
        try await harness.state.deleteGoogleEvent(calendarID: calendar, eventID: "daily1")
        #expect(
            try await harness.state.googleEvents(calendarID: calendar).allSatisfy { $0.string("status") == "cancelled" }
        )
    }

    @Test func splittingASeriesEndsTheOldAndStartsANewOne() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let calendar = "user@example.com"
        try await harness.state.addGoogleEvent(
            calendarID: calendar,
            GoogleSyncWalkTests.timed(
                "weekly1", "2026-12-01T09:00:00+01:00", "2026-12-01T10:00:00+01:00", summary: "Sync"))
        try await harness.state.editGoogleEvent(
            calendarID: calendar, eventID: "weekly1", .object([("recurrence", ["RRULE:FREQ=WEEKLY;COUNT=10"])]))
        let successor = try await harness.state.splitGoogleSeries(
            calendarID: calendar, masterID: "weekly1",
            at: try #require(EmulatorClock.parseInstant("2026-12-15T08:00:00Z")))
        #expect(successor.string("id") == "weekly1_R20261215T080000")
        #expect(successor["recurrence"] == ["RRULE:FREQ=WEEKLY"])
        #expect(successor["start"]?.string("dateTime") == "2026-12-15T09:00:00+01:00")
        let events = try await harness.state.googleEvents(calendarID: calendar)
        let old = try #require(events.first { $0.string("id") == "weekly1" })
        #expect(old["recurrence"] == ["RRULE:FREQ=WEEKLY;UNTIL=20261215T075959Z"])
    }
}
