import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncModel
import Foundation
import Testing

/// Data documents and the generator on the Google side.
struct GoogleControlTests {
    @Test func aDataDocumentLoadsCalendarsAndEventsAndNamesWhatIsWrong() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let document = """
            {"google": {"calendars": [{"id": "team@example.com", "summary": "Team", "timeZone": "Europe/Berlin",
              "events": [{"id": "standup1", "summary": "Standup",
                "start": {"dateTime": "2026-12-01T09:00:00+01:00", "timeZone": "Europe/Berlin"},
                "end": {"dateTime": "2026-12-01T09:15:00+01:00", "timeZone": "Europe/Berlin"},
                "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"]}]}]}}
            """
        let loaded = try await harness.send(.POST, "/_emulator/load", body: Data(document.utf8))
        #expect(loaded.status == 200)
        #expect(try harness.json(loaded)["loaded"] == 1)
        let events = try await harness.state.googleEvents(calendarID: "team@example.com")
        #expect(events.map { $0.string("id") } == ["standup1"])
        #expect(events.first?.string("iCalUID") == "standup1@google.com")
        #expect(events.first?.string("etag")?.hasPrefix("\"") == true)

        let broken = #"{"google": {"calendars": [{"id": "x@example.com", "events": [{"id": "nostart1"}]}]}}"#
        let refused = try await harness.send(.POST, "/_emulator/load", body: Data(broken.utf8))
        #expect(refused.status == 400)
        #expect(try harness.json(refused).string("error")?.contains("nostart1") == true)
        let notJSON = try await harness.send(.POST, "/_emulator/load", body: Data("{".utf8))
        #expect(notJSON.status == 400)
    }

    @Test func generatedCalendarsAreRealisticAndReproducible() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        try await harness.state.addGoogleCalendar(id: "a@example.com", timeZone: "America/New_York")
        try await harness.state.addGoogleCalendar(id: "b@example.com", timeZone: "America/New_York")
        #expect(try await harness.state.generateGoogleEvents(calendarID: "a@example.com", count: 2000, seed: 3) == 2000)
        try await harness.state.generateGoogleEvents(calendarID: "b@example.com", count: 2000, seed: 3)
        let events = try await harness.state.googleEvents(calendarID: "a@example.com")
        let again = try await harness.state.googleEvents(calendarID: "b@example.com")
        #expect(events.map { $0.string("id") } == again.map { $0.string("id") })
        #expect(events.map { $0["start"] } == again.map { $0["start"] })

        let series = events.filter { $0["recurrence"] != nil }
        let exceptions = events.filter { $0["recurringEventId"] != nil }
        let allDay = events.filter { $0["start"]?["date"] != nil }
        let zones = Set(events.compactMap { $0["start"]?.string("timeZone") })
        #expect(series.count > 100)
        #expect(exceptions.contains { $0.string("status") == "cancelled" })
        #expect(exceptions.contains { $0.string("status") == "confirmed" })
        #expect(allDay.count > 100)
        #expect(zones.isSuperset(of: ["America/New_York", "Europe/Berlin", "Australia/Sydney"]))
        let rules = Set(series.compactMap { $0["recurrence"]?.arrayValue?.first?.stringValue?.prefix(17) })
        #expect(rules.contains("RRULE:FREQ=WEEKLY"))
        #expect(rules.contains("RRULE:FREQ=DAILY;"))
        #expect(rules.contains("RRULE:FREQ=MONTHL"))
        // Every exception's id names its series and original start, as Google's do.
        for exception in exceptions {
            let master = try #require(exception.string("recurringEventId"))
            #expect(exception.string("id")?.hasPrefix(master + "_") == true)
        }
    }
}
