import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncModel
import CurlTransport
import Foundation
import Testing

/// The Graph part of the control API, data documents and the generator.
@Suite struct GraphControlTests {
    @Test func controlRoutesDriveACalendar() async throws {
        try await withGraphClient { client in
            let control = client.emulator.baseURL + "/_emulator/graph"
            let created = try await client.request(
                .POST, control + "/calendars",
                body: .object([("id", "team"), ("name", "Team"), ("timeZone", "Eastern Standard Time")]))
            #expect(created.status == 201)
            let listed = try await client.get(control + "/calendars")
            #expect(listed.json["calendars"]?.arrayValue?.count == 2)
            let added = try await client.request(
                .POST, control + "/calendars/team/events",
                body: graphEvent("Kickoff", "2026-03-10T09:00:00", "2026-03-10T10:00:00", zone: "Eastern Standard Time")
            )
            #expect(added.status == 201)
            let id = try #require(added.json["id"]?.stringValue)
            let edited = try await client.request(
                .PATCH, control + "/calendars/team/events/\(id)", body: .object([("subject", "Kick-off")]))
            #expect(edited.json["subject"]?.stringValue == "Kick-off")
            let events = try await client.get(control + "/calendars/team/events")
            #expect(events.json["value"]?.arrayValue?.compactMap { $0["subject"]?.stringValue } == ["Kick-off"])
            #expect(try await client.request(.DELETE, control + "/calendars/team/events/\(id)").status == 204)
            #expect(try await client.get(control + "/calendars/team/events").json["value"] == .array([]))
            #expect(try await client.request(.DELETE, control + "/calendars/team/events/\(id)").status == 400)
            // The Graph API sees the calendar with its metadata.
            let calendars = try await client.get("me/calendars")
            let team = calendars.json["value"]?.arrayValue?.first { $0["id"]?.stringValue == "team" }
            #expect(team?["name"]?.stringValue == "Team")
            #expect(team?["owner"]?["address"]?.stringValue == "user@contoso.example")
            // The reference text lists the Graph routes.
            let reference = try await client.transport.perform(
                HTTPRequest(url: client.emulator.baseURL + "/_emulator/"))
            #expect(String(decoding: reference.body, as: UTF8.self).contains("/_emulator/graph/calendars/ID/generate"))
        }
    }

    @Test func dataDocumentsLoadGraphCalendars() async throws {
        try await withGraphClient { client in
            let document: JSONValue = .object([
                (
                    "graph",
                    .object([
                        (
                            "calendars",
                            .array([
                                .object([
                                    ("id", "family"), ("name", "Family"), ("timeZone", "Europe/Berlin"),
                                    (
                                        "events",
                                        .array([
                                            graphEvent(
                                                "Dinner", "2026-03-10T19:00:00", "2026-03-10T21:00:00",
                                                zone: "W. Europe Standard Time", extra: [("id", "AAMkDinner=")]),
                                            graphWeeklySeries(
                                                "Football", start: "2026-03-04T17:00:00", end: "2026-03-04T18:30:00",
                                                zone: "Europe/Berlin", day: "wednesday", count: 3),
                                        ])
                                    ),
                                ])
                            ])
                        )
                    ])
                )
            ])
            let loaded = try await client.request(.POST, client.emulator.baseURL + "/_emulator/load", body: document)
            #expect(loaded.json["loaded"]?.intValue == 2)
            let round = try await client.round(
                client.deltaURL(calendar: "family", from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z"))
            #expect(round.items.count == 4)
            #expect(round.items.contains { $0["id"]?.stringValue == "AAMkDinner=" })
            // A bad event names itself.
            let bad: JSONValue = .object([
                (
                    "graph",
                    .object([
                        ("calendars", .array([.object([("id", "x"), ("events", .array([.object([("id", "E1")])]))])]))
                    ])
                )
            ])
            let refused = try await client.request(.POST, client.emulator.baseURL + "/_emulator/load", body: bad)
            #expect(refused.status == 400)
            #expect(refused.json["error"]?.stringValue?.contains("E1") == true)
        }
    }

    @Test func generatedCalendarsAreRealisticAndReproducible() async throws {
        try await withGraphClient { client in
            let generated = try await client.request(
                .POST,
                client.emulator.baseURL + "/_emulator/graph/calendars/\(GraphTestClient.defaultCalendar)/generate",
                body: .object([("count", 400), ("seed", 7)]))
            #expect(generated.json["generated"]?.intValue == 400)
            let round = try await client.round(
                client.deltaURL(
                    calendar: GraphTestClient.defaultCalendar, from: "2025-01-01T00:00:00Z", to: "2028-01-01T00:00:00Z"),
                prefer: ["odata.maxpagesize=500"])
            let types = Set(round.items.compactMap { $0["type"]?.stringValue })
            #expect(types == ["singleInstance", "occurrence", "exception"])
            #expect(round.items.contains { $0["isAllDay"]?.boolValue == true })
            let zones = Set(round.items.compactMap { $0["originalStartTimeZone"]?.stringValue })
            #expect(zones.contains("W. Europe Standard Time"))
            #expect(zones.count >= 4)
            #expect(Set(round.items.compactMap { $0["id"]?.stringValue }).count == round.items.count)

            // The same seed (and the same day) gives the same calendar.
            let day = try Date("2026-03-01T12:00:00Z", strategy: .iso8601)
            var copies: [[JSONValue]] = []
            for _ in 0..<2 {
                let state = EmulatorState(clock: { day })
                try await state.generateGraphEvents(calendarID: GraphTestClient.defaultCalendar, count: 300, seed: 7)
                copies.append(try await state.graphEvents(calendarID: GraphTestClient.defaultCalendar))
            }
            #expect(copies[0].count > 250)
            #expect(copies[0].map { $0["id"] } == copies[1].map { $0["id"] })
            #expect(copies[0].map { $0["start"] } == copies[1].map { $0["start"] })
            #expect(copies[0].map { $0["recurrence"] } == copies[1].map { $0["recurrence"] })
        }
    }
}
