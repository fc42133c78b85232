import Foundation
import Testing

@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel

/// Zone names as Graph sends them → IANA (docs/providers-graph.md "Times"; docs/store.md "Value formats").
struct GraphTimeZoneTests {
    static let coveredFixtures: Set<String> = ["supportedtimezones-windows"]

    @Test(arguments: [
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("Pacific Standard Time (Mexico)", "America/Tijuana"),
        ("GMT Standard Time", "Europe/London"),
        ("Eastern Standard Time", "America/New_York"),
        ("India Standard Time", "Asia/Calcutta"),
        ("UTC", "Etc/UTC"),
        ("tzone://Microsoft/Utc", "Etc/UTC"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("Europe/Kyiv (Kiev)", "Europe/Kyiv"),
    ])
    func namesMapToIANA(name: String, iana: String) {
        #expect(GraphTimes.ianaName(name) == iana)
    }

    @Test(arguments: ["tzone://Microsoft/Custom", "", "Customized Time Zone"])
    func unmappableNamesGiveNoZone(name: String) {
        #expect(GraphTimes.ianaName(name) == nil)
    }

    @Test func everySupportedWindowsZoneOfTheFixtureMaps() throws {
        let object = try JSONSerialization.jsonObject(with: try GraphFixture.data("supportedtimezones-windows"))
        let aliases = ((object as? NSDictionary)?["value"] as? [NSDictionary] ?? []).compactMap {
            $0["alias"] as? String
        }
        #expect(aliases == ["Dateline Standard Time", "Samoa Standard Time", "UTC-11", "Aleutian Standard Time"])
        #expect(aliases.map(GraphTimes.ianaName) == ["Etc/GMT+12", "Pacific/Apia", "Etc/GMT+11", "America/Adak"])
    }

    @Test func aCustomZoneFallsBackToTheMailboxZone() {
        let value = GraphWire.DateTimeTimeZone(
            dateTime: "2026-03-29T09:00:00.0000000", timeZone: "tzone://Microsoft/Custom")
        // 09:00 in Berlin on the day summer time starts is 07:00 UTC.
        #expect(
            GraphTimes.time(value, allDay: false, fallbackZone: "Europe/Berlin")
                == .success(.instant(Timestamp.parse("2026-03-29T07:00:00Z")!)))
    }

    /// The zone a value is read in, resolved once per name and fallback: UTC's names read
    /// without a zone (nil), others mapped, an unknown one falling back; asked again, the
    /// same answer.
    @Test func aValuesZoneIsResolvedByItsNameThenItsFallback() throws {
        for _ in 0..<2 {
            #expect(GraphTimes.zone(named: "UTC", fallbackZone: "Europe/Berlin") == nil)
            #expect(GraphTimes.zone(named: "tzone://Microsoft/Utc", fallbackZone: nil) == nil)
            #expect(
                GraphTimes.zone(named: "Pacific Standard Time", fallbackZone: "UTC")?.identifier
                    == "America/Los_Angeles")
            #expect(
                GraphTimes.zone(named: "tzone://Microsoft/Custom", fallbackZone: "Europe/Berlin")?.identifier
                    == "Europe/Berlin")
            #expect(GraphTimes.zone(named: nil, fallbackZone: nil) == nil)
        }
        // Read in the zone named, whatever the fallback.
        let berlinNoon = GraphWire.DateTimeTimeZone(dateTime: "2026-07-01T12:00:00.0000000", timeZone: "Europe/Berlin")
        #expect(
            try GraphTimes.time(berlinNoon, allDay: false, fallbackZone: "UTC").get()
                == .instant(Date(timeIntervalSince1970: 1_782_900_000)))
    }

    @Test func sentinelsAreNoTime() {
        for text in ["0001-01-01T00:00:00", "0001-01-01T00:00:00.0000000Z", "9999-12-31T23:59:59.9999999"] {
            let value = GraphWire.DateTimeTimeZone(dateTime: text, timeZone: "UTC")
            #expect(GraphTimes.time(value, allDay: false, fallbackZone: nil) == .failure(.sentinel))
        }
        #expect(GraphTimes.originalStart("0001-01-01T00:00:00Z", allDay: false, zone: nil) == nil)
    }

    @Test func aSentinelEndMakesAnInstantEventAndASentinelStartIsQuarantined() throws {
        let endless = try GraphFixture.variant(
            "calendarview-delta-v1-page3-deltalink", replacing: "2016-12-12T07:30:00.0000000",
            with: "9999-12-31T23:59:59.9999999")
        let event = try GraphFixture.upsert(try GraphMapping.page(endless, fallbackZone: nil), "AAMkADj1HuAAA=")
        #expect(event.start == event.end)
        let startless = try GraphFixture.variant(
            "calendarview-delta-v1-page3-deltalink", replacing: "2016-12-12T02:00:00.0000000",
            with: "0001-01-01T00:00:00")
        let page = try GraphMapping.page(startless, fallbackZone: nil)
        #expect(page.changes.upserts.isEmpty)
        #expect(page.changes.quarantined.map(\.eventID) == ["AAMkADj1HuAAA="])
    }

    @Test func anAllDayOriginalStartIsTheDayInTheSeriesZone() {
        #expect(
            GraphTimes.originalStart("2026-04-06T07:00:00Z", allDay: true, zone: "America/Los_Angeles")
                == .date(CalendarDate("2026-04-06")!))
        #expect(
            GraphTimes.originalStart("2026-04-05T22:00:00Z", allDay: true, zone: "Europe/Berlin")
                == .date(CalendarDate("2026-04-06")!))
    }
}
