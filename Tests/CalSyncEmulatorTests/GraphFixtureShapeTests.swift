import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Testing

/// A decoder written only from the recorded Graph fixtures
/// (`Tests/CalSyncCoreTests/Fixtures/graph/`) must read the emulator's answers without
/// loss: the same field names, nesting, time formats and tombstone shapes.
@Suite struct GraphFixtureShapeTests {
    // MARK: The decoder, from the fixtures' shapes.

    struct DateTimeTimeZone: Codable, Equatable {
        var dateTime: String
        var timeZone: String
    }

    struct EmailAddress: Codable, Equatable {
        var name: String
        var address: String
    }

    struct Recipient: Codable, Equatable {
        var emailAddress: EmailAddress
    }

    struct ItemBody: Codable, Equatable {
        var contentType: String
        var content: String
    }

    struct Removed: Codable, Equatable {
        var reason: String
    }

    struct Event: Codable {
        var odataType: String?
        var etag: String?
        var id: String
        var removed: Removed?
        var type: String?
        var seriesMasterId: String?
        var subject: String?
        var body: ItemBody?
        var start: DateTimeTimeZone?
        var end: DateTimeTimeZone?
        var isAllDay: Bool?
        var changeKey: String?
        var originalStartTimeZone: String?
        var organizer: Recipient?

        enum CodingKeys: String, CodingKey {
            case odataType = "@odata.type"
            case etag = "@odata.etag"
            case removed = "@removed"
            case id, type, seriesMasterId, subject, body, start, end, isAllDay, changeKey, originalStartTimeZone,
                organizer
        }
    }

    struct DeltaPage: Codable {
        var context: String
        var nextLink: String?
        var deltaLink: String?
        var value: [Event]

        enum CodingKeys: String, CodingKey {
            case context = "@odata.context"
            case nextLink = "@odata.nextLink"
            case deltaLink = "@odata.deltaLink"
            case value
        }
    }

    struct Calendar: Codable {
        var id: String
        var name: String
        var color: String
        var hexColor: String
        var isDefaultCalendar: Bool?
        var changeKey: String
        var canEdit: Bool
        var owner: EmailAddress
    }

    struct CalendarList: Codable {
        var context: String
        var value: [Calendar]

        enum CodingKeys: String, CodingKey {
            case context = "@odata.context"
            case value
        }
    }

    struct ErrorBody: Codable {
        struct Detail: Codable {
            var code: String
            var message: String
        }
        var error: Detail
    }

    // MARK: Fixtures.

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CalSyncCoreTests/Fixtures/graph")

    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: fixtures.appendingPathComponent(name))
    }

    static func keys(_ data: Data) throws -> [[String]] {
        try (JSONValue.parse(data)["value"]?.arrayValue ?? []).map(\.keys)
    }

    /// Every key an event has in any recorded fixture.
    static func fixtureEventKeys() throws -> Set<String> {
        var keys: Set<String> = []
        for name in [
            "calendarview-delta-v1-page1-nextlink.json", "calendarview-delta-beta-page1-fullprops-nextlink.json",
            "calendarview-allday-ms365-calendar-ha.json", "event-instances-occurrences-exception.json",
        ] {
            keys.formUnion(try Self.keys(fixture(name)).flatMap { $0 })
        }
        keys.formUnion(try JSONValue.parse(fixture("event-create-singleinstance-201.json")).keys)
        return keys
    }

    /// `2026-03-29T07:30:00.0000000`: seven fractional digits, no offset.
    static func hasSevenDigits(_ text: String) -> Bool {
        text.wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}/#) != nil
    }

    @Test func theDecoderReadsTheFixtures() throws {
        let decoder = JSONDecoder()
        for name in [
            "calendarview-delta-v1-page1-nextlink.json", "calendarview-delta-v1-page3-deltalink.json",
            "calendarview-delta-v1-nextround-removed-deltalink.json",
        ] {
            let page = try decoder.decode(DeltaPage.self, from: Self.fixture(name))
            #expect(!page.value.isEmpty)
        }
        let stub = try decoder.decode(Event.self, from: Self.fixture("calendarview-delta-occurrence-bare-2023.json"))
        #expect(stub.type == "occurrence")
        let calendars = try decoder.decode(
            CalendarList.self, from: Self.fixture("calendars-list-ms365-calendar-ha.json"))
        #expect(calendars.value.count == 3)
    }

    @Test func emulatorDeltaPagesDecodeWithoutLoss() async throws {
        try await withGraphClient { client in
            try await client.state.addGraphCalendar(id: "team", name: "Work", timeZone: "W. Europe Standard Time")
            let single = try await client.state.addGraphEvent(
                calendarID: "team",
                graphEvent(
                    "Plan", "2026-03-09T20:30:00", "2026-03-09T22:00:00", zone: "Pacific Standard Time",
                    extra: [("body", .object([("contentType", "html"), ("content", "<p>Hi</p>")]))]))
            try await client.state.addGraphEvent(
                calendarID: "team",
                graphWeeklySeries(
                    "Sync", start: "2026-03-03T10:00:00", end: "2026-03-03T10:30:00", zone: "W. Europe Standard Time",
                    day: "tuesday", count: 3))
            let round = try await client.round(
                client.deltaURL(calendar: "team", from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z"),
                prefer: ["odata.maxpagesize=2"])
            #expect(round.pages.count == 2)
            try await client.state.deleteGraphEvent(
                calendarID: "team", eventID: try #require(single["id"]?.stringValue))
            let increment = try await client.round(round.deltaLink)

            let allowed = try Self.fixtureEventKeys()
            let stubKeys = try JSONValue.parse(Self.fixture("calendarview-delta-occurrence-bare-2023.json")).keys
            let removedKeys = try Self.keys(Self.fixture("calendarview-delta-v1-nextround-removed-deltalink.json"))[0]
            var seen: Set<String> = []
            for page in round.pages + increment.pages {
                // Page envelope: the fixtures' keys, in order.
                #expect(page.keys.first == "@odata.context")
                #expect(page["@odata.context"]?.stringValue?.hasSuffix("/$metadata#Collection(event)") == true)
                let decoded = try JSONDecoder().decode(DeltaPage.self, from: page.data)
                #expect(decoded.nextLink?.contains("$skiptoken=") ?? true)
                #expect(decoded.deltaLink?.contains("$deltatoken=") ?? true)
                for (raw, event) in zip(page["value"]?.arrayValue ?? [], decoded.value) {
                    seen.insert(event.type ?? "removed")
                    switch event.type {
                    case "occurrence":
                        #expect(Set(raw.keys) == Set(stubKeys))
                    case nil:
                        #expect(Set(raw.keys) == Set(removedKeys))
                        #expect(event.removed?.reason == "deleted")
                    default:
                        #expect(Set(raw.keys).subtracting(allowed).isEmpty, "unknown keys in \(raw.keys)")
                        #expect(event.subject == raw["subject"]?.stringValue)
                        #expect(event.body?.content == raw["body"]?["content"]?.stringValue)
                        #expect(event.originalStartTimeZone == "Pacific Standard Time")
                        #expect(event.etag == "W/\"\(event.changeKey ?? "")\"")
                    }
                    for time in [event.start, event.end].compactMap({ $0 }) {
                        #expect(Self.hasSevenDigits(time.dateTime), "\(time.dateTime)")
                        #expect(time.timeZone == "UTC")
                    }
                }
            }
            #expect(seen == ["singleInstance", "occurrence", "removed"])
            // The Pacific event in UTC: 20:30 PDT (DST started March 8) is 03:30 the next day.
            let plan = round.items.first { $0["subject"]?.stringValue == "Plan" }
            #expect(plan?["start"]?["dateTime"]?.stringValue == "2026-03-10T03:30:00.0000000")
        }
    }

    @Test func emulatorCalendarsAndErrorsDecodeWithoutLoss() async throws {
        try await withGraphClient { client in
            try await client.state.addGraphCalendar(id: "team", name: "Team", timeZone: "Europe/Berlin")
            let reply = try await client.get("me/calendars")
            #expect(reply.status == 200)
            let list = try JSONDecoder().decode(CalendarList.self, from: reply.json.data)
            #expect(list.value.map(\.name) == ["Calendar", "Team"])
            #expect(list.value.map(\.isDefaultCalendar) == [true, false])
            let fixtureKeys = try Set(Self.keys(Self.fixture("calendars-list-ms365-calendar-ha.json")).flatMap { $0 })
            for calendar in reply.json["value"]?.arrayValue ?? [] {
                #expect(Set(calendar.keys) == fixtureKeys)
            }

            let gone = try await client.get(
                client.root + "/me/calendars/team/calendarView/delta?$deltatoken=R0Q")
            #expect(gone.status == 400)
            let fixtureError = try JSONValue.parse(Self.fixture("error-410-syncstatenotfound.json"))
            #expect(gone.json.keys == fixtureError.keys)
            #expect(Set(gone.json["error"]?.keys ?? []) == Set(fixtureError["error"]?.keys ?? []))
            _ = try JSONDecoder().decode(ErrorBody.self, from: gone.json.data)
        }
    }
}
