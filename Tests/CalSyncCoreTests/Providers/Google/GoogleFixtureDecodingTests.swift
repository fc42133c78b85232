import Foundation
import Logging
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel

/// Every recorded events page and calendar list decodes into the values the store
/// contract needs (docs/store.md "events", "calendars"; docs/providers-google.md "Applying items").
struct GoogleFixtureDecodingTests {
    /// The fixtures these tests decode (GoogleFixtureCoverageTests checks the folder).
    static let coveredFixtures: Set<String> = [
        "calendarlist-list-full",
        "events-items-cancelled-tombstones",
        "events-list-full-sync-empty-calendar",
        "events-list-incremental-attendee-added-meet-conference",
        "events-list-incremental-calendar-default-reminders-changed-no-items",
        "events-list-incremental-deleted-tombstone-series",
        "events-list-incremental-event-deleted-tombstone",
        "events-list-incremental-recurring-edit-all-split",
        "events-list-incremental-recurring-instance-moved",
        "events-list-incremental-recurring-one-instance-deleted",
        "events-list-incremental-recurring-one-instance-edited",
        "events-list-incremental-recurring-series-created",
        "events-list-incremental-recurring-several-instances-edited",
        "events-list-incremental-recurring-this-and-following-split",
        "events-list-incremental-timed-event-created",
    ]

    /// The whole-response events fixtures (everything above but the calendar list and the
    /// bare items array).
    static let eventsPages = coveredFixtures.filter { $0.hasPrefix("events-list-") }.sorted()

    static func instant(_ text: String) -> EventTime { .instant(Timestamp.parse(text)!) }

    static func upsert(_ changes: ChangePage, _ id: String) throws -> CalendarEvent {
        try #require(changes.upserts.first { $0.id == id }, "no upsert for \(id)")
    }

    // MARK: Envelopes

    @Test func anEmptyCalendarsFullSyncEndsWithASyncTokenAndTheCalendarsZone() throws {
        let (envelope, changes) = try GoogleFixture.page("events-list-full-sync-empty-calendar")
        #expect(envelope.nextSyncToken == "CLCrgr3KhoUDELCrgr3KhoUDGAUgnOOFpgIonOOFpgI=")
        #expect(envelope.nextPageToken == nil)
        #expect(envelope.timeZone == "Europe/Madrid")
        #expect(changes.calendarTimeZone == "Europe/Madrid")
        #expect(changes.upserts.isEmpty && changes.deletions.isEmpty && changes.quarantined.isEmpty)
    }

    @Test func aCalendarLevelChangeIsANewSyncTokenWithoutItems() throws {
        let (envelope, changes) = try GoogleFixture.page(
            "events-list-incremental-calendar-default-reminders-changed-no-items")
        #expect(envelope.nextSyncToken == "CLCeipHPhoUDELCeipHPhoUDGAUgnOOFpgIonOOFpgI=")
        #expect(envelope.nextPageToken == nil)
        #expect(changes.calendarTimeZone == "Europe/Madrid")
        #expect(changes.upserts.isEmpty && changes.deletions.isEmpty && changes.quarantined.isEmpty)
    }

    @Test(arguments: eventsPages)
    func everyItemOfARecordedPageIsReadAndKeepsItsRawJSON(fixture: String) throws {
        let (envelope, changes) = try GoogleFixture.page(fixture)
        // Each recorded page is the last of its round: a sync token, no page token.
        #expect(envelope.nextSyncToken?.isEmpty == false)
        #expect(envelope.nextPageToken == nil)
        #expect(changes.quarantined.isEmpty)
        let items = try GoogleFixture.jsonItems(fixture)
        #expect(changes.upserts.count + changes.deletions.count == items.count)
        for event in changes.upserts {
            // `raw` is the item as received, compacted, and parses back to the same object.
            #expect(!event.raw.contains("\n"))
            let raw = try #require(try JSONSerialization.jsonObject(with: Data(event.raw.utf8)) as? NSDictionary)
            #expect(items.contains(raw), "raw of \(event.id) is not one of the page's items")
            #expect(raw["id"] as? String == event.id)
        }
    }

    // MARK: Single events

    @Test func aTimedEventKeepsEveryColumnsValue() throws {
        let (_, changes) = try GoogleFixture.page("events-list-incremental-timed-event-created")
        #expect(changes.deletions.isEmpty)
        let event = try Self.upsert(changes, "1vk76ch9q0e0b4v13ku0rklsnr")
        #expect(event.kind == .single)
        #expect(event.etag == #""3422132730590000""#)
        #expect(event.icalUID == "1vk76ch9q0e0b4v13ku0rklsnr@google.com")
        #expect(event.status == .confirmed)
        #expect(event.summary == "event created")
        #expect(event.description == nil && event.location == nil)
        // `dateTime` with an offset becomes a UTC instant; the zone comes from start.timeZone.
        #expect(event.start == Self.instant("2024-03-22T01:00:00Z"))
        #expect(event.end == Self.instant("2024-03-22T02:00:00Z"))
        #expect(!event.allDay)
        #expect(event.timeZone == "Europe/Madrid")
        #expect(event.seriesID == nil && event.originalStart == nil && event.recurrence == nil)
        #expect(event.transparency == .opaque && event.visibility == .default)
        #expect(event.organizer == CalendarEvent.Person(email: "notifycal@gmail.com", name: nil))
        #expect(event.attendees.isEmpty)
        #expect(
            event.url
                == "https://www.google.com/calendar/event?eid=MXZrNzZjaDlxMGUwYjR2MTNrdTBya2xzbnIgbm90aWZ5Y2FsQG0")
        #expect(event.conferenceURL == nil)
        #expect(event.eventType == "default")
        #expect(event.created == Timestamp.parse("2024-03-22T00:12:45Z"))
        // Milliseconds are kept here; the store truncates them (docs/store.md "Value formats").
        #expect(event.updated == Timestamp.parse("2024-03-22T00:12:45.295Z"))
    }

    @Test func attendeesOrganizerAndSelfAreReadAndTheMeetLinkIsTheConferenceURL() throws {
        let (_, changes) = try GoogleFixture.page("events-list-incremental-attendee-added-meet-conference")
        let event = try Self.upsert(changes, "7asffd5h6eqdbvcijdqk84icmr")
        #expect(event.start == Self.instant("2024-03-22T01:45:00Z"))
        #expect(event.end == Self.instant("2024-03-22T02:30:00Z"))
        #expect(
            event.attendees == [
                .init(
                    email: "notifycal@gmail.com", name: nil, response: .accepted, optional: false, organizer: true),
                .init(
                    email: "sergio.anger@gmail.com", name: nil, response: .needsAction, optional: false,
                    organizer: false),
            ])
        #expect(event.conferenceURL == "https://meet.google.com/xxe-wiev-ikn")
        #expect(event.updated == Timestamp.parse("2024-03-22T00:23:06.148Z"))

        // `self` is a Swift keyword: the wire types need explicit coding keys to read it.
        let wire = try JSONDecoder().decode(GoogleWire.Event.self, from: Data(event.raw.utf8))
        #expect(wire.organizer?.isSelf == true)
        #expect(wire.attendees?.map(\.isSelf) == [true, nil])
        #expect(wire.attendees?.map(\.organizer) == [true, nil])
    }

    @Test func aDeletedEventIsATombstoneThatDeletes() throws {
        let (_, changes) = try GoogleFixture.page("events-list-incremental-event-deleted-tombstone")
        #expect(changes.deletions == ["1vk76ch9q0e0b4v13ku0rklsnr"])
        #expect(changes.upserts.isEmpty && changes.quarantined.isEmpty)
    }

    // MARK: Series

    @Test func aNewSeriesIsOneMasterWithItsRule() throws {
        let (_, changes) = try GoogleFixture.page("events-list-incremental-recurring-series-created")
        #expect(changes.upserts.count == 1)
        let master = try Self.upsert(changes, "68k0p6ackplecqs9fuvbs1fju0")
        #expect(master.kind == .series)
        #expect(master.recurrence == ["RRULE:FREQ=DAILY"])
        #expect(master.summary == "🍽️ Dishes")
        // For a series, start and end are the first instance's; -05:00 is CDT.
        #expect(master.start == Self.instant("2025-03-24T12:30:00Z"))
        #expect(master.end == Self.instant("2025-03-24T13:15:00Z"))
        #expect(master.timeZone == "America/Chicago")
        #expect(master.seriesID == nil && master.originalStart == nil)
        #expect(master.icalUID == "68k0p6ackplecqs9fuvbs1fju0@google.com")
        #expect(master.eventType == "default")
    }

    @Test func anInstanceEditedAloneIsAnExceptionNamingItsMasterAndOriginalStart() throws {
        let (_, changes) = try GoogleFixture.page("events-list-incremental-recurring-one-instance-edited")
        #expect(
            changes.upserts.map(\.id) == ["68k0p6ackplecqs9fuvbs1fju0", "68k0p6ackplecqs9fuvbs1fju0_20250324T123000Z"])
        let exception = try Self.upsert(changes, "68k0p6ackplecqs9fuvbs1fju0_20250324T123000Z")
        #expect(exception.kind == .exception)
        #expect(exception.seriesID == "68k0p6ackplecqs9fuvbs1fju0")
        #expect(exception.originalStart == Self.instant("2025-03-24T12:30:00Z"))
        #expect(exception.start == Self.instant("2025-03-24T12:30:00Z"))
        #expect(exception.status == .confirmed)
        #expect(exception.summary == "🍽️ Dishes: Edited Just This One")
        #expect(exception.description == "Only the title and description were changed")
        // An exception shares its master's iCalUID and carries no rule of its own.
        #expect(exception.icalUID == "68k0p6ackplecqs9fuvbs1fju0@google.com")
        #expect(exception.recurrence == nil)
    }

    @Test func aMovedInstanceKeepsItsOriginalStartApartFromItsNewTime() throws {
        let (_, changes) = try GoogleFixture.page("events-list-incremental-recurring-instance-moved")
        let master = try Self.upsert(changes, "0e6062d5un60i5sn2m9et69c27")
        #expect(master.kind == .series && master.recurrence == ["RRULE:FREQ=DAILY"])
        let moved = try Self.upsert(changes, "0e6062d5un60i5sn2m9et69c27_20250326T123000Z")
        #expect(moved.kind == .exception)
        #expect(moved.seriesID == "0e6062d5un60i5sn2m9et69c27")
        #expect(moved.originalStart == Self.instant("2025-03-26T12:30:00Z"))
        // 20:45 in Chicago (CDT) is 01:45 UTC the next day.
        #expect(moved.start == Self.instant("2025-03-27T01:45:00Z"))
        #expect(moved.end == Self.instant("2025-03-27T02:30:00Z"))
        #expect(moved.summary == "🌙 Dishes-Edited One")
    }

    @Test func severalEditedInstancesAreOneExceptionEach() throws {
        let (_, changes) = try GoogleFixture.page("events-list-incremental-recurring-several-instances-edited")
        let exceptions = changes.upserts.filter { $0.kind == .exception }
        #expect(
            exceptions.map(\.id) == [
                "1kmd7abo2uok36n1pkaemqncba_20250326T123000Z", "1kmd7abo2uok36n1pkaemqncba_20250327T123000Z",
                "1kmd7abo2uok36n1pkaemqncba_20250328T123000Z",
            ])
        #expect(exceptions.allSatisfy { $0.seriesID == "1kmd7abo2uok36n1pkaemqncba" })
        #expect(
            exceptions.map(\.originalStart) == [
                Self.instant("2025-03-26T12:30:00Z"), Self.instant("2025-03-27T12:30:00Z"),
                Self.instant("2025-03-28T12:30:00Z"),
            ])
        #expect(exceptions.allSatisfy { $0.start == $0.originalStart })
        #expect(
            exceptions.map(\.summary) == [
                "🧼 Dishes-Edited Just This One", "🫧 Dishes - Edited just this one", "🧺 Dishes - Just this one",
            ])
        #expect(changes.upserts.filter { $0.kind == .series }.map(\.id) == ["1kmd7abo2uok36n1pkaemqncba"])
    }

    @Test func aDeletedInstanceIsACancelledExceptionNotADeletion() throws {
        let (_, changes) = try GoogleFixture.page("events-list-incremental-recurring-one-instance-deleted")
        #expect(changes.deletions.isEmpty)
        let master = try Self.upsert(changes, "5hni4sj3ql1669otmjg7sn1mok")
        #expect(master.recurrence == ["RRULE:FREQ=DAILY;UNTIL=20250401T045959Z"])
        // The series began in winter: -06:00 is CST.
        #expect(master.start == Self.instant("2025-02-09T14:00:00Z"))
        let cancelled = try Self.upsert(changes, "5hni4sj3ql1669otmjg7sn1mok_20250325T130000Z")
        #expect(cancelled.kind == .exception)
        #expect(cancelled.status == .cancelled)
        #expect(cancelled.seriesID == "5hni4sj3ql1669otmjg7sn1mok")
        #expect(cancelled.originalStart == Self.instant("2025-03-25T13:00:00Z"))
        // The tombstone has no start or end: the original start stands in for both.
        #expect(cancelled.start == Self.instant("2025-03-25T13:00:00Z"))
        #expect(cancelled.timeZone == "America/Chicago")
        #expect(cancelled.summary == nil)
        #expect(cancelled.etag == #""3485815948352798""#)
    }

    @Test func aDeletedSeriesIsOneTombstoneForTheMaster() throws {
        let (_, changes) = try GoogleFixture.page("events-list-incremental-deleted-tombstone-series")
        #expect(changes.deletions == ["0oije1knkkthb56vr149dub9qa"])
        #expect(changes.upserts.isEmpty)
        #expect(changes.calendarTimeZone == "America/Chicago")
    }

    @Test func thisAndFollowingEndsTheOldSeriesAndStartsAnRMaster() throws {
        let (_, changes) = try GoogleFixture.page("events-list-incremental-recurring-this-and-following-split")
        let old = try Self.upsert(changes, "68k0p6ackplecqs9fuvbs1fju0")
        #expect(old.kind == .series)
        #expect(old.recurrence == ["RRULE:FREQ=DAILY;UNTIL=20250326T045959Z"])
        let new = try Self.upsert(changes, "68k0p6ackplecqs9fuvbs1fju0_R20250326T123000")
        // The R master is a series of its own, not an exception of the old one.
        #expect(new.kind == .series)
        #expect(new.seriesID == nil)
        #expect(new.recurrence == ["RRULE:FREQ=DAILY"])
        #expect(new.icalUID == "68k0p6ackplecqs9fuvbs1fju0_R20250326T123000@google.com")
        #expect(new.start == Self.instant("2025-03-26T12:30:00Z"))
        #expect(new.summary == "🍽️ Dishes 🔮")
        let exception = try Self.upsert(changes, "68k0p6ackplecqs9fuvbs1fju0_20250324T123000Z")
        #expect(exception.kind == .exception && exception.seriesID == "68k0p6ackplecqs9fuvbs1fju0")
    }

    @Test func editingAllEventsAlsoSplitsTheSeries() throws {
        let (_, changes) = try GoogleFixture.page("events-list-incremental-recurring-edit-all-split")
        #expect(changes.upserts.count == 3)
        #expect(changes.upserts.allSatisfy { $0.description == "Changed all occurrences" })
        #expect(changes.upserts.allSatisfy { $0.summary == "🧽 Dishes" })
        let old = try Self.upsert(changes, "68k0p6ackplecqs9fuvbs1fju0")
        #expect(old.recurrence == ["RRULE:FREQ=DAILY;UNTIL=20250326T045959Z"])
        let new = try Self.upsert(changes, "68k0p6ackplecqs9fuvbs1fju0_R20250326T123000")
        #expect(new.kind == .series && new.recurrence == ["RRULE:FREQ=DAILY"])
        let exception = try Self.upsert(changes, "68k0p6ackplecqs9fuvbs1fju0_20250324T123000Z")
        #expect(exception.kind == .exception)
        #expect(exception.originalStart == Self.instant("2025-03-24T12:30:00Z"))
    }

    @Test func cancelledItemsAreExceptionsOnlyWithARecurringEventId() throws {
        // A bare items array: no calendar zone, no tokens.
        let (envelope, changes) = try GoogleFixture.itemsPage("events-items-cancelled-tombstones")
        #expect(envelope.nextSyncToken == nil && envelope.nextPageToken == nil)
        let cancelled = try Self.upsert(changes, "tlf9q8uk5vjl2i2868q36dpi28_20130508T220000Z")
        #expect(cancelled.kind == .exception && cancelled.status == .cancelled)
        #expect(cancelled.seriesID == "tlf9q8uk5vjl2i2868q36dpi28")
        // 16:00 at -06:00; originalStartTime has no timeZone and the page gives none.
        #expect(cancelled.originalStart == Self.instant("2013-05-08T22:00:00Z"))
        #expect(cancelled.start == cancelled.originalStart && cancelled.end == cancelled.originalStart)
        #expect(cancelled.timeZone == nil)
        // An instance-style id without recurringEventId is an ordinary tombstone
        // (docs/providers-google.md "Applying items").
        #expect(changes.deletions == ["0cu25g99pfkhlfarupevcjc297_20211123T170000Z"])
        #expect(changes.upserts.count == 1 && changes.quarantined.isEmpty)
    }

    // MARK: Variants of a recorded event

    @Test func anUnknownEventTypeIsKeptAsReceived() throws {
        let bytes = try GoogleFixture.variant(
            "events-list-incremental-timed-event-created", replacing: #""eventType": "default""#,
            with: #""eventType": "workingLocation""#)
        let (_, changes) = try GoogleMapping.page(bytes)
        let event = try Self.upsert(changes, "1vk76ch9q0e0b4v13ku0rklsnr")
        #expect(event.eventType == "workingLocation")
        #expect(event.raw.contains(#""eventType":"workingLocation""#))
    }

    @Test func aDateStartAndEndMakeAnAllDayEventInTheCalendarsZone() throws {
        // The recorded event turned into a one-day all-day event, as Google sends those.
        var text = String(
            decoding: try GoogleFixture.data("events-list-incremental-timed-event-created"), as: UTF8.self)
        for (original, replacement) in [
            (#""dateTime": "2024-03-22T02:00:00+01:00","#, #""date": "2024-03-22","#),
            (#""dateTime": "2024-03-22T03:00:00+01:00","#, #""date": "2024-03-23","#),
        ] {
            #expect(text.contains(original))
            text = text.replacingOccurrences(of: original, with: replacement)
        }
        let bytes = Array(
            text.replacingOccurrences(
                of: "\"timeZone\": \"Europe/Madrid\"\n      }", with: "\"timeZone\": null\n      }"
            )
            .utf8)
        let (_, changes) = try GoogleMapping.page(bytes)
        let event = try Self.upsert(changes, "1vk76ch9q0e0b4v13ku0rklsnr")
        #expect(event.allDay)
        #expect(event.start == .date(CalendarDate(year: 2024, month: 3, day: 22)))
        #expect(event.end == .date(CalendarDate(year: 2024, month: 3, day: 23)))
        // No start.timeZone: the calendar's zone from the page.
        #expect(event.timeZone == "Europe/Madrid")
    }

    // MARK: Through the provider

    @Test func theProviderTurnsARecordedPageIntoChangesAndTheNextSyncToken() async throws {
        let transport = ScriptedTransport([
            HTTPResponse(
                status: 200, body: try GoogleFixture.data("events-list-incremental-attendee-added-meet-conference"))
        ])
        let provider = GoogleProvider(
            configuration: .init(
                apiBaseURL: "https://calendar.test/calendar/v3", eventTypes: ["default", "outOfOffice"],
                access: .oauth(FixedAccessToken())),
            transport: transport)
        let window = SyncWindow.around(
            Timestamp.parse("2024-03-22T00:00:00Z")!, past: .seconds(86_400), future: .seconds(86_400))
        let page = try await provider.changes(
            calendarID: "notifycal@gmail.com", cursor: .delta("CNjwhp3LhoUDENjwhp3LhoUDGAUgnOOFpgIonOOFpgI="),
            window: window, logger: Logger(label: "test"))
        #expect(page.next == .delta("CKDhlZ_NhoUDEKDhlZ_NhoUDGAUgnOOFpgIonOOFpgI="))
        #expect(page.changes.upserts.map(\.id) == ["7asffd5h6eqdbvcijdqk84icmr"])
        #expect(page.changes.calendarTimeZone == "Europe/Madrid")
        let request = try #require(transport.requests.first)
        #expect(request.url.hasPrefix("https://calendar.test/calendar/v3/calendars/notifycal%40gmail.com/events?"))
        let query = FormEncoding.decode(String(request.url.split(separator: "?")[1]))
        #expect(query["singleEvents"] == "false")
        #expect(query["showDeleted"] == "true")
        #expect(query["syncToken"] == "CNjwhp3LhoUDENjwhp3LhoUDGAUgnOOFpgIonOOFpgI=")
        #expect(request.headers.contains { $0.name == "Authorization" && $0.value == "Bearer test-access-token" })
    }

    @Test func theProviderListsTheRecordedCalendarList() async throws {
        let transport = ScriptedTransport([
            HTTPResponse(status: 200, body: try GoogleFixture.data("calendarlist-list-full"))
        ])
        let provider = GoogleProvider(
            configuration: .init(
                apiBaseURL: "https://calendar.test/calendar/v3", eventTypes: ["default"],
                access: .oauth(FixedAccessToken())),
            transport: transport)
        let calendars = try await provider.listCalendars(logger: Logger(label: "test"))
        #expect(
            calendars.map(\.id) == [
                "jcrowgey@uw.edu", "google.com_jqv7qt9iifsaj94cuknckrabd8@group.calendar.google.com",
                "joshuacrowgey@gmail.com", "#contacts@group.v.calendar.google.com",
                "en.usa#holiday@group.v.calendar.google.com", "i_71.23.40.78#sunrise@group.v.calendar.google.com",
            ])
        let primary = try #require(calendars.first { $0.isPrimary })
        #expect(primary.id == "joshuacrowgey@gmail.com")
        #expect(
            primary
                == RemoteCalendar(
                    id: "joshuacrowgey@gmail.com", name: "joshuacrowgey@gmail.com", description: nil,
                    timeZone: "America/Los_Angeles", color: "#d06b64", access: .owner, isPrimary: true,
                    etag: #""etag1""#))
        let codeJam = calendars[1]
        #expect(codeJam.name == "Google Code Jam")
        #expect(
            codeJam.description == "Public calendar of important dates and events for Google Code Jam competitions.")
        #expect(codeJam.timeZone == "UTC" && codeJam.access == .reader && !codeJam.isPrimary)
        #expect(codeJam.color == "#b99aff")
        #expect(calendars.filter(\.isPrimary).count == 1)
        #expect(calendars.map(\.access) == [.owner, .reader, .owner, .reader, .reader, .reader])
        #expect(transport.requests.count == 1)
        #expect(transport.requests[0].url.hasPrefix("https://calendar.test/calendar/v3/users/me/calendarList?"))
    }
}
