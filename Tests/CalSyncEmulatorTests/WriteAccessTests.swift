import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncModel
import Foundation
import Testing

/// Writes need a token granted a write scope, at Google and at Graph, and Google's
/// `sendUpdates` is checked (docs/emulator.md).
struct WriteAccessTests {
    static let events = "/calendar/v3/calendars/primary/events"

    static func event(_ id: String) -> Data {
        Data(
            #"{"id":"\#(id)","summary":"S","start":{"dateTime":"2026-12-08T09:00:00Z"},"end":{"dateTime":"2026-12-08T10:00:00Z"}}"#
                .utf8)
    }

    @Test func aGoogleTokenWithoutAWriteScopeReadsButCannotWrite() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let readOnly = await harness.state.issueTokens(
            provider: .google, scope: "https://www.googleapis.com/auth/calendar.readonly"
        ).accessToken
        #expect(try await harness.send(.GET, Self.events, token: readOnly).status == 200)
        let refused = try await harness.send(.POST, Self.events, token: readOnly, body: Self.event("abcde12345"))
        #expect(refused.status == 403)
        let error = try harness.json(refused)["error"]
        #expect(error?["message"]?.stringValue == "Request had insufficient authentication scopes.")
        #expect(error?["errors"]?.arrayValue?.first?.string("reason") == "insufficientPermissions")
        #expect(error?["status"]?.stringValue == "PERMISSION_DENIED")
        #expect(try await harness.state.googleEvents(calendarID: "user@example.com").isEmpty)

        for scope in ["https://www.googleapis.com/auth/calendar.events", "https://www.googleapis.com/auth/calendar"] {
            let token = await harness.state.issueTokens(provider: .google, scope: scope).accessToken
            let id = "id" + String(scope.count) + "abcde"
            #expect(try await harness.send(.POST, Self.events, token: token, body: Self.event(id)).status == 200)
        }
    }

    @Test func googleChecksSendUpdatesAndAnswersForAnInstanceID() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let token = await harness.state.issueTokens(provider: .google).accessToken
        let bad = try await harness.send(
            .POST, Self.events + "?sendUpdates=everyone", token: token, body: Self.event("abcde12345"))
        #expect(bad.status == 400)
        for value in ["all", "externalOnly", "none"] {
            let id = "ok" + value.lowercased().filter { ("a"..."v").contains($0) } + "12345"
            let response = try await harness.send(
                .POST, Self.events + "?sendUpdates=\(value)", token: token, body: Self.event(id))
            #expect(response.status == 200, "sendUpdates=\(value)")
        }
        try await harness.state.addGoogleEvent(
            calendarID: "user@example.com",
            .object([
                ("id", "series1"), ("summary", "Daily"),
                ("start", .object([("dateTime", "2026-12-08T09:00:00Z"), ("timeZone", "UTC")])),
                ("end", .object([("dateTime", "2026-12-08T10:00:00Z"), ("timeZone", "UTC")])),
                ("recurrence", .array(["RRULE:FREQ=DAILY;COUNT=3"])),
            ]))
        let instance = try await harness.send(.GET, Self.events + "/series1_20261209T090000Z", token: token)
        #expect(instance.status == 200)
        let json = try harness.json(instance)
        #expect(json.string("recurringEventId") == "series1")
        #expect(json["originalStartTime"]?.string("dateTime") == "2026-12-09T09:00:00Z")
    }

    @Test func aGraphTokenWithoutCalendarsReadWriteReadsButCannotWrite() async throws {
        try await withGraphClient { client in
            let readOnly = await client.state.issueTokens(
                provider: .microsoft, scope: "offline_access Calendars.Read MailboxSettings.Read"
            ).accessToken
            let body: JSONValue = .object([
                ("subject", "S"), ("start", .object([("dateTime", "2026-12-08T09:00:00"), ("timeZone", "UTC")])),
                ("end", .object([("dateTime", "2026-12-08T10:00:00"), ("timeZone", "UTC")])),
            ])
            #expect(try await client.request(.GET, "me/calendars", token: readOnly).status == 200)
            let refused = try await client.request(.POST, "me/events", body: body, token: readOnly)
            #expect(refused.status == 403)
            #expect(refused.json["error"]?["code"]?.stringValue == "ErrorAccessDenied")
            #expect(try await client.state.graphEvents(calendarID: GraphTestClient.defaultCalendar).isEmpty)
            let prefixed = await client.state.issueTokens(
                provider: .microsoft, scope: "https://graph.microsoft.com/calendars.readwrite offline_access"
            ).accessToken
            #expect(try await client.request(.POST, "me/events", body: body, token: prefixed).status == 201)
        }
    }
}
