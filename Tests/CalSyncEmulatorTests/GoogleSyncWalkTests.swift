import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncModel
import Foundation
import Testing

/// A client's whole life against the Google emulator, over HTTP only: a full sync over
/// several pages, an increment with every kind of change, then an expired token.
struct GoogleSyncWalkTests {
    static let events = "/calendar/v3/calendars/primary/events"
    static let fixed = "maxResults=4&singleEvents=false&showDeleted=true&eventTypes=default"

    static func timed(_ id: String, _ start: String, _ end: String, summary: String) -> JSONValue {
        .object([
            ("id", .string(id)), ("summary", .string(summary)),
            ("start", .object([("dateTime", .string(start)), ("timeZone", "Europe/Berlin")])),
            ("end", .object([("dateTime", .string(end)), ("timeZone", "Europe/Berlin")])),
        ])
    }

    /// Follows pages to the end; returns the items and the sync token.
    static func list(
        _ harness: EmulatorHarness, token: String, query: String
    ) async throws -> (
        items: [JSONValue], syncToken: String, pages: Int
    ) {
        var items: [JSONValue] = []
        var pageToken: String?
        var pages = 0
        while true {
            var url = "\(events)?\(fixed)&\(query)"
            if let pageToken { url += "&pageToken=\(EmulatorHarness.formEncode(pageToken))" }
            let response = try await harness.send(.GET, url, token: token)
            #expect(response.status == 200)
            let page = try harness.json(response)
            pages += 1
            items += page.items
            if let next = page.string("nextPageToken") {
                #expect(page["nextSyncToken"] == nil, "only the last page has nextSyncToken")
                pageToken = next
            } else {
                return (items, try #require(page.string("nextSyncToken")), pages)
            }
        }
    }

    @Test func fullSyncThenIncrementThenExpiredToken() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let calendar = "user@example.com"
        for index in 0..<9 {
            try await harness.state.addGoogleEvent(
                calendarID: calendar,
                Self.timed(
                    "single\(index)aaaa", "2026-12-0\(index + 1)T10:00:00+01:00",
                    "2026-12-0\(index + 1)T11:00:00+01:00",
                    summary: "Single \(index)"))
        }
        try await harness.state.addGoogleEvent(
            calendarID: calendar,
            .object([
                ("id", "weeklyseries"), ("summary", "Weekly"),
                ("start", .object([("dateTime", "2026-12-07T09:00:00+01:00"), ("timeZone", "Europe/Berlin")])),
                ("end", .object([("dateTime", "2026-12-07T09:30:00+01:00"), ("timeZone", "Europe/Berlin")])),
                ("recurrence", ["RRULE:FREQ=WEEKLY;BYDAY=MO"]),
            ]))
        let token = await harness.state.issueTokens(provider: .google).accessToken

        // Full sync: 10 items in pages of 4 → 3 pages.
        let full = try await Self.list(harness, token: token, query: "")
        #expect(full.pages == 3)
        #expect(full.items.count == 10)
        #expect(Set(full.items.compactMap { $0.string("id") }).count == 10)
        let master = try #require(full.items.first { $0.string("id") == "weeklyseries" })
        #expect(master["recurrence"] == ["RRULE:FREQ=WEEKLY;BYDAY=MO"])

        // Another client changes the calendar.
        try await harness.state.addGoogleEvent(
            calendarID: calendar,
            Self.timed("addedlater1", "2026-12-20T10:00:00+01:00", "2026-12-20T11:00:00+01:00", summary: "Added"))
        try await harness.state.editGoogleEvent(
            calendarID: calendar, eventID: "single1aaaa", .object([("summary", "Renamed")]))
        try await harness.state.deleteGoogleEvent(calendarID: calendar, eventID: "single2aaaa")
        try await harness.state.deleteGoogleEvent(calendarID: calendar, eventID: "weeklyseries_20261214T080000Z")

        let increment = try await Self.list(
            harness, token: token, query: "syncToken=\(EmulatorHarness.formEncode(full.syncToken))")
        let byID = Dictionary(uniqueKeysWithValues: increment.items.map { ($0.string("id") ?? "", $0) })
        #expect(byID.count == 4)
        #expect(byID["addedlater1"]?.string("summary") == "Added")
        #expect(byID["single1aaaa"]?.string("summary") == "Renamed")
        // A deleted event is a tombstone: kind, etag, id, status only.
        let tombstone = try #require(byID["single2aaaa"])
        #expect(tombstone.string("status") == "cancelled")
        #expect(Self.keys(tombstone) == ["kind", "etag", "id", "status"])
        // A cancelled instance keeps its series and original start.
        let cancelled = try #require(byID["weeklyseries_20261214T080000Z"])
        #expect(cancelled.string("status") == "cancelled")
        #expect(cancelled.string("recurringEventId") == "weeklyseries")
        #expect(cancelled["originalStartTime"]?.string("dateTime") == "2026-12-14T09:00:00+01:00")

        // Nothing changed since: an increment is one empty page.
        let quiet = try await Self.list(
            harness, token: token, query: "syncToken=\(EmulatorHarness.formEncode(increment.syncToken))")
        #expect(quiet.items.isEmpty)
        #expect(quiet.pages == 1)

        // The server drops the token: 410 fullSyncRequired in Google's exact shape.
        try await harness.state.expireGoogleSyncTokens(calendarID: calendar)
        let gone = try await harness.send(
            .GET, "\(Self.events)?\(Self.fixed)&syncToken=\(EmulatorHarness.formEncode(increment.syncToken))",
            token: token)
        #expect(gone.status == 410)
        let error = try harness.json(gone)["error"]
        #expect(error?["code"] == 410)
        #expect(error?["errors"]?.arrayValue?.first?.string("reason") == "fullSyncRequired")
        #expect(error?["errors"]?.arrayValue?.first?.string("domain") == "calendar")

        // A full sync afterwards (showDeleted=true) lists 9 live singles, the series, its
        // cancelled instance and the deleted single's tombstone.
        let again = try await Self.list(harness, token: token, query: "")
        #expect(Set(again.items.compactMap { $0.string("id") }).count == 12)
        #expect(again.items.filter { $0.string("status") == "cancelled" }.count == 2)
    }

    @Test func aChangeDuringAFullListingIsDeliveredByTheNextIncrement() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        for index in 0..<8 {
            try await harness.state.addGoogleEvent(
                calendarID: "user@example.com",
                Self.timed("evt\(index)aaaa", "2026-12-01T10:00:00+01:00", "2026-12-01T11:00:00+01:00", summary: "E"))
        }
        let token = await harness.state.issueTokens(provider: .google).accessToken
        let first = try harness.json(try await harness.send(.GET, "\(Self.events)?\(Self.fixed)", token: token))
        let pageToken = try #require(first.string("nextPageToken"))
        // evt0 was on page 1; it changes before page 2 is read.
        try await harness.state.editGoogleEvent(
            calendarID: "user@example.com", eventID: "evt0aaaa", .object([("summary", "Changed mid-listing")]))
        var syncToken: String?
        var next: String? = pageToken
        while let current = next {
            let page = try harness.json(
                try await harness.send(
                    .GET, "\(Self.events)?\(Self.fixed)&pageToken=\(EmulatorHarness.formEncode(current))", token: token)
            )
            next = page.string("nextPageToken")
            syncToken = page.string("nextSyncToken")
        }
        let increment = try await Self.list(
            harness, token: token, query: "syncToken=\(EmulatorHarness.formEncode(try #require(syncToken)))")
        #expect(increment.items.map { $0.string("summary") } == ["Changed mid-listing"])
    }

    static func keys(_ value: JSONValue) -> [String] {
        if case .object(let members) = value { return members.map(\.0) }
        return []
    }
}
