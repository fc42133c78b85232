import Foundation
import Testing

@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncStore

/// Every recorded Graph events page, event object and calendar list decodes into the
/// values the store contract needs (docs/store.md; docs/providers-graph.md "Items").
struct GraphFixtureDecodingTests {
    /// The fixtures these tests decode (GraphFixtureCoverageTests checks the folder).
    static let coveredFixtures: Set<String> = Set(pages.map(\.name)).union([
        "calendarview-delta-occurrence-bare-2017",
        "calendarview-delta-occurrence-bare-2023",
        "event-create-singleinstance-201",
        "event-seriesmaster-recurring-created-201",
        "calendars-list-docs",
        "calendars-list-ms365-calendar-ha",
    ])

    /// A whole-response page and what it holds.
    struct PageCase: Sendable, CustomTestStringConvertible {
        var name: String
        var nextLink: String?
        var deltaLink: String?
        var upserts: [String]
        var deletions: [String]
        var quarantined: Int
        var mastersNeeded: [String]
        var testDescription: String { name }
    }

    static let pages: [PageCase] = [
        PageCase(
            name: "calendarview-delta-v1-page1-nextlink",
            nextLink: "https://graph.microsoft.com/v1.0/me/calendarView/delta?$skiptoken=R0usmcCM996atia_s",
            upserts: ["AAMkADNVxRAAA=", "AAMkADVxSAAA="], deletions: [], quarantined: 0, mastersNeeded: []),
        PageCase(
            name: "calendarview-delta-v1-page2-nextlink",
            nextLink: "https://graph.microsoft.com/v1.0/me/calendarView/delta?$skiptoken=R0usmci39OQxqJrxK4",
            upserts: ["AAMkADVxTAAA=", "AAMkADVxUAAA="], deletions: [], quarantined: 0, mastersNeeded: []),
        PageCase(
            name: "calendarview-delta-v1-page3-deltalink",
            deltaLink: "https://graph.microsoft.com/v1.0/me/calendarView/delta?$deltatoken=R0usmcMDNGg0J1E",
            upserts: ["AAMkADj1HuAAA="], deletions: [], quarantined: 0, mastersNeeded: []),
        PageCase(
            name: "calendarview-delta-v1-nextround-removed-deltalink",
            deltaLink: "https://graph.microsoft.com/v1.0/me/calendarView/delta?$deltatoken=R0usmcFuQtZdtpk4",
            upserts: ["AAMkADj1HvAAA="], deletions: ["AAMkADk0MGFkODE3LWE4MmYtNDRhOS04OGQLkRkXbBznTvAADb6ytyAAA="],
            quarantined: 0, mastersNeeded: []),
        PageCase(
            name: "calendarview-delta-beta-page1-fullprops-nextlink",
            nextLink:
                "https://graph.microsoft.com/beta/me/calendars/AAMkADI5M1BbeAAA=/calendarview/delta?$skiptoken=R0usmcdvmMu7jxWP8",
            upserts: ["AAMkADI5MAAKkeE1QAAA=", "AAMkADI5MAAKkeE1RAAA="], deletions: [], quarantined: 0,
            mastersNeeded: []),
        PageCase(
            name: "calendarview-delta-empty-first-page-nextlink",
            nextLink:
                "https://graph.microsoft.com/v1.0/users/email@company.onmicrosoft.com/calendarView/delta?$skiptoken=b9658zLYx7ag_WbFCK2mQmr9E8XtI_MGwuNi1HQvROxDE3alh7x6d1Ia3VUtWbEiTW2KLU3tpBJMGJcHkQRykUMQF9lq31o968ZvPnuAA63eW1ZXNciBUJ_OaC0K35tBrnkLrOZbuUp10J_DZ-0t3grUFogWZkP_fyLcb8nhye0LQ0SyifMYsB6wDCjRqST6BErRtR49iySdo3Q_wr29uw.jjqWEcQvwBNHT1qFG2g4QMvml0_0ncIv91dh82PDBpM",
            upserts: [], deletions: [], quarantined: 0, mastersNeeded: []),
        PageCase(
            name: "calendarview-allday-ms365-calendar-ha", upserts: ["eventall_day", "event1"], deletions: [],
            quarantined: 0, mastersNeeded: []),
        PageCase(
            name: "events-delta-beta-reduced-props-nextlink",
            nextLink: "https://graph.microsoft.com/beta/me/calendar/events/delta?$skiptoken=R0usmcdvmMu7jxWP8",
            upserts: ["AAMkADllMWMwNDkzLWJlY2EtNDIyOS1iZjAA="], deletions: [], quarantined: 0, mastersNeeded: []),
        // /instances selected without originalStart: the exception cannot name the instance
        // it replaces and is set aside; the three occurrences need their master.
        PageCase(
            name: "event-instances-occurrences-exception", upserts: [], deletions: [], quarantined: 1,
            mastersNeeded: ["AAMkAGUzYRgWAAA="]),
    ]

    @Test(arguments: pages)
    func everyPageIsReadItemByItemAndKeepsItsRawJSON(_ expected: PageCase) throws {
        let page = try GraphFixture.page(expected.name)
        #expect(page.links.nextLink == expected.nextLink)
        #expect(page.links.deltaLink == expected.deltaLink)
        #expect(page.changes.upserts.map(\.id) == expected.upserts)
        #expect(page.changes.deletions == expected.deletions)
        #expect(page.changes.quarantined.count == expected.quarantined)
        #expect(page.mastersNeeded == expected.mastersNeeded)
        let items = try GraphFixture.jsonItems(expected.name)
        #expect(
            page.changes.upserts.count + page.changes.deletions.count + page.changes.quarantined.count
                + page.occurrences == items.count)
        for event in page.changes.upserts {
            // `raw` is the item as received, compacted, and parses back to the same object.
            #expect(!event.raw.contains("\n"))
            let raw = try #require(try JSONSerialization.jsonObject(with: Data(event.raw.utf8)) as? NSDictionary)
            #expect(items.contains(raw), "raw of \(event.id) is not one of the page's items")
        }
    }

    // MARK: Single events

    @Test func aTimedEventInUTCKeepsEveryColumnsValue() throws {
        let event = try GraphFixture.upsert(
            try GraphFixture.page("calendarview-delta-v1-page1-nextlink"), "AAMkADNVxRAAA=")
        #expect(event.kind == .single)
        #expect(event.etag == #"W/"EZ9r3czxY0m2jz8c45czkwAAFXcvIQ==""#)
        #expect(event.summary == "Plan shopping list")
        // The html body is empty and there is no bodyPreview: no description.
        #expect(event.description == nil && event.location == nil)
        #expect(event.start == GraphFixture.instant("2016-12-09T20:30:00Z"))
        #expect(event.end == GraphFixture.instant("2016-12-09T22:00:00Z"))
        #expect(!event.allDay)
        // No originalStartTimeZone: the mailbox's zone.
        #expect(event.timeZone == "Europe/Berlin")
        #expect(event.status == .confirmed && event.transparency == .opaque && event.visibility == .default)
        #expect(event.organizer == .init(email: "samanthab@contoso.onmicrosoft.com", name: "Samantha Booth"))
        #expect(event.attendees.isEmpty)
        #expect(event.seriesID == nil && event.originalStart == nil && event.recurrence == nil)
    }

    @Test func theFullPropertySetMapsChangeKeyZoneLinkAndAttendees() throws {
        let event = try GraphFixture.upsert(
            try GraphFixture.page("calendarview-delta-beta-page1-fullprops-nextlink"), "AAMkADI5MAAKkeE1QAAA=")
        // changeKey, as docs/store.md asks, not the W/"…" etag.
        #expect(event.etag == "Jdsb3FEkPk2qoUHCdliYowACwixTgw==")
        #expect(event.summary == "Summer party")
        #expect(event.start == GraphFixture.instant("2020-06-02T20:00:00Z"))
        #expect(event.end == GraphFixture.instant("2020-06-02T22:30:00Z"))
        #expect(event.timeZone == "America/Los_Angeles")
        #expect(
            event.url
                == "https://outlook.office365.com/owa/?itemid=AAMkADI5MAAKkeE1QAAA%3D&exvsurl=1&path=/calendar/item"
        )
        #expect(event.conferenceURL == nil)
        #expect(
            event.attendees == [
                .init(
                    email: "samanthab@contoso.onmicrosoft.com", name: "Samantha Booth", response: .needsAction,
                    optional: false, organizer: true)
            ])
        #expect(event.created == Timestamp.parse("2020-06-16T04:05:43.8668791Z"))
        #expect(event.updated == Timestamp.parse("2020-06-16T04:08:27.354268Z"))
    }

    @Test func aValueInAWindowsZoneIsConvertedWithThatZone() throws {
        let page = try GraphFixture.objectPage("event-create-singleinstance-201")
        let event = try GraphFixture.upsert(page, "AAMkAGI1AAAt9AHjAAA=")
        // 11:00 Pacific daylight time is 18:00 UTC.
        #expect(event.start == GraphFixture.instant("2017-04-15T18:00:00Z"))
        #expect(event.end == GraphFixture.instant("2017-04-15T19:00:00Z"))
        #expect(event.timeZone == "America/Los_Angeles")
        #expect(event.icalUID?.hasPrefix("040000008200E00074C5B7101A82E008") == true)
        #expect(event.summary == "Let's go brunch")
        // The body is html: the description is the server's plain-text preview.
        #expect(event.description == "Does noon work for you?")
        #expect(event.location == "Harry's Bar")
        #expect(event.organizer == .init(email: "danas@contoso.onmicrosoft.com", name: "Dana Swope"))
    }

    @Test func allDayEventsAreDatesWithAnExclusiveEnd() throws {
        let page = try GraphFixture.page("calendarview-allday-ms365-calendar-ha")
        let first = try GraphFixture.upsert(page, "eventall_day")
        #expect(first.allDay)
        #expect(first.start == GraphFixture.date("2020-01-01"))
        #expect(first.end == GraphFixture.date("2020-01-02"))
        #expect(first.location == "Test Location")
        #expect(first.organizer == nil)
        let second = try GraphFixture.upsert(page, "event1")
        #expect(second.start == GraphFixture.date("2022-01-01") && second.end == GraphFixture.date("2022-01-02"))
        #expect(
            second.attendees == [
                .init(
                    email: "jane@nomail.com", name: "Jane Doe", response: .needsAction, optional: false,
                    organizer: false)
            ])
    }

    @Test func pascalCaseTimesAndAPaddedIDAreRead() throws {
        let event = try GraphFixture.upsert(
            try GraphFixture.page("events-delta-beta-reduced-props-nextlink"), "AAMkADllMWMwNDkzLWJlY2EtNDIyOS1iZjAA=")
        #expect(event.start == GraphFixture.instant("2020-02-19T10:00:00Z"))
        #expect(event.end == GraphFixture.instant("2020-02-19T11:00:00Z"))
        #expect(event.summary == nil)
    }

    @Test func aRemovedItemIsADeletion() throws {
        let page = try GraphFixture.page("calendarview-delta-v1-nextround-removed-deltalink")
        #expect(page.changes.deletions == ["AAMkADk0MGFkODE3LWE4MmYtNDRhOS04OGQLkRkXbBznTvAADb6ytyAAA="])
        let added = try GraphFixture.upsert(page, "AAMkADj1HvAAA=")
        #expect(added.location == "Chapel of Saint Ignatius")
        #expect(added.start == GraphFixture.instant("2016-12-25T06:00:00Z"))
    }

    // MARK: Series

    @Test(arguments: ["calendarview-delta-occurrence-bare-2017", "calendarview-delta-occurrence-bare-2023"])
    func anOccurrenceStubAsksForItsMaster(fixture: String) throws {
        let page = try GraphFixture.objectPage(fixture)
        let item = try #require(try GraphFixture.jsonItems(fixture).first)
        #expect(page.changes.upserts.isEmpty && page.changes.deletions.isEmpty && page.changes.quarantined.isEmpty)
        #expect(page.occurrences == 1)
        #expect(page.mastersNeeded == [item["seriesMasterId"] as? String])
        let start = try #require(page.stubs.first?.occurrence(allDay: false, fallbackZone: nil)?.start)
        let text = try #require((item["start"] as? NSDictionary)?["dateTime"] as? String)
        #expect(start == GraphFixture.instant(String(text.prefix(19)) + "Z"))
    }

    @Test func aSeriesMasterIsTheSeriesRowWithItsRule() throws {
        let item = try GraphMapping.master(
            Array(try GraphFixture.data("event-seriesmaster-recurring-created-201")), fallbackZone: "Europe/Berlin")
        guard case .upsert(let master) = item else {
            Issue.record("not an upsert: \(item)")
            return
        }
        #expect(master.id == "AAMkADQwMD")
        #expect(master.kind == .series)
        #expect(master.recurrence == ["RRULE:FREQ=WEEKLY;UNTIL=20171231T235959;BYDAY=MO"])
        #expect(master.timeZone == "America/Los_Angeles")
        #expect(master.start == GraphFixture.instant("2017-09-04T19:00:00Z"))
        #expect(master.end == GraphFixture.instant("2017-09-04T21:00:00Z"))
        #expect(master.summary == "Let's go for lunch")
        #expect(master.attendees.map(\.email) == ["AdeleV@contoso.onmicrosoft.com"])
        #expect(!master.raw.contains("\n"))
    }

    @Test func anExceptionWithItsOriginalStartReplacesThatInstance() throws {
        let bytes = try GraphFixture.variant(
            "event-instances-occurrences-exception", replacing: #""type": "exception","#,
            with: #""type": "exception", "originalStart": "2019-04-15T20:30:00Z","#)
        let page = try GraphMapping.page(bytes, fallbackZone: "UTC")
        let exception = try GraphFixture.upsert(page, "AAMkAGUzYAgI1sE1TatAAEYAAAAAlNFb2CNPe0ucP9you")
        #expect(exception.kind == .exception)
        #expect(exception.seriesID == "AAMkAGUzYRgWAAA=")
        #expect(exception.originalStart == GraphFixture.instant("2019-04-15T20:30:00Z"))
        #expect(exception.start == GraphFixture.instant("2019-04-16T20:30:00Z"))
        #expect(exception.description == "Changing meeting from 4/15 to 4/16.")
        // The three occurrences are stubs, listed under their own ids.
        #expect(page.stubs.count == 3)
    }

    // MARK: Calendars

    @Test func theDocumentedCalendarHasNoColourAndIsNotTheDefault() throws {
        let page = try JSONDecoder().decode(
            GraphWire.CalendarsPage.self, from: try GraphFixture.data("calendars-list-docs"))
        let calendars = (page.value ?? []).map { GraphMapping.calendar($0, timeZone: "Europe/Berlin") }
        #expect(
            calendars == [
                RemoteCalendar(
                    id: "AAMkAGI2TGuLAAA=", name: "Calendar", timeZone: "Europe/Berlin", color: nil, access: .writer,
                    isPrimary: false, etag: "nfZyf7VcrEKLNoU37KWlkQAAA0x0+w==")
            ])
        #expect(page.nextLink == nil)
    }

    @Test func aRealCalendarListMapsColourAccessAndDefault() throws {
        let page = try JSONDecoder().decode(
            GraphWire.CalendarsPage.self, from: try GraphFixture.data("calendars-list-ms365-calendar-ha"))
        let calendars = (page.value ?? []).map { GraphMapping.calendar($0, timeZone: nil) }
        #expect(calendars.map(\.id) == ["calendar1", "group:calendar2", "calendar3"])
        #expect(calendars.map(\.color) == ["#cf2b36", nil, nil])
        #expect(calendars.map(\.access) == [.owner, .writer, .owner])
        #expect(calendars.map(\.isPrimary) == [true, false, true])
        #expect(calendars.map(\.etag) == ["changekey1", "changekey2", "changekey3"])
    }
}

extension GraphMapping.DecodedPage {
    /// The series the page's occurrences and exceptions name, in first-seen order.
    var mastersNeeded: [String] {
        var seen: Set<String> = []
        return (stubs.map(\.seriesID) + changes.upserts.compactMap { $0.kind == .exception ? $0.seriesID : nil })
            .filter { seen.insert($0).inserted }
    }

    var occurrences: Int { stubs.count }
}
