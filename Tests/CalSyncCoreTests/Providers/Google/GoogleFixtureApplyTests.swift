import Foundation
import GRDB
import Logging
import Testing

@testable import CalSyncGoogle
@testable import CalSyncModel
@testable import CalSyncStore

/// The recorded Google pages applied to a store in the order they happened, and the
/// `events`, `occurrences` and `changes` rows a reader then sees (docs/store.md).
struct GoogleFixtureApplyTests {
    /// The fixtures these tests apply (GoogleFixtureCoverageTests checks the folder).
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

    /// The Compass recordings (America/Chicago) were made on 2025-03-23; the window is
    /// [2025-02-21, 2025-04-22).
    static let chicagoNow = "2025-03-23T12:00:00Z"
    static let dishes = "68k0p6ackplecqs9fuvbs1fju0"

    /// The instances of a daily series at a fixed UTC time of day, `first` to `last`
    /// inclusive (`YYYY-MM-DD`), each pointing at the master.
    static func daily(
        _ master: String, from first: String, through last: String, at time: String, minutes: Int
    ) -> [OccurrenceRow] {
        var rows: [OccurrenceRow] = []
        var day = CalendarDate(first)!
        while day <= CalendarDate(last)! {
            let start = Timestamp.parse("\(day)T\(time)Z")!
            let compact = Timestamp.string(from: start).filter { $0 != "-" && $0 != ":" }
            rows.append(
                OccurrenceRow(
                    "\(master)_\(compact)", event: master, series: master, Timestamp.string(from: start),
                    Timestamp.string(from: start.addingTimeInterval(Double(minutes) * 60))))
            day = day.adding(days: 1)
        }
        return rows
    }

    /// The rows with the instance `instanceID` now showing the exception of that id.
    static func pointing(_ rows: [OccurrenceRow], at instanceIDs: Set<String>) -> [OccurrenceRow] {
        rows.map { row in
            var row = row
            if instanceIDs.contains(row.instanceID) { row.eventID = row.instanceID }
            return row
        }
    }

    static func sameAsReceived(_ raw: String, fixture: String) throws -> Bool {
        let object = try JSONSerialization.jsonObject(with: Data(raw.utf8)) as? NSDictionary
        return try !raw.contains("\n") && GoogleFixture.jsonItems(fixture).contains { $0 == object }
    }

    // MARK: One series through its life

    @Test func aSeriesThenAnEditedInstanceThenThisAndFollowing() async throws {
        let store = try await GoogleFixtureStore(now: Self.chicagoNow, calendarZone: nil)
        let created = try await store.apply("events-list-incremental-recurring-series-created")
        #expect(created.inserted == 1)
        #expect(try await store.savedToken() == "CJ_ewo2CoIwDEJ_ewo2CoIwDGAUg79XP3wIo79XP3wI=")
        // The page's calendar zone reaches `calendars`.
        #expect(try store.strings("SELECT time_zone FROM calendars") == ["America/Chicago"])

        let master = try #require(try store.event(Self.dishes))
        #expect(master.kind == "series" && master.seriesID == nil && master.originalStart == nil)
        #expect(master.status == "confirmed")
        #expect(master.summary == "🍽️ Dishes" && master.description == nil && master.location == nil)
        #expect(master.allDay == 0)
        #expect(master.start == "2025-03-24T12:30:00Z" && master.end == "2025-03-24T13:15:00Z")
        #expect(master.startTS == 1_742_819_400 && master.endTS == 1_742_819_400 + 45 * 60)
        #expect(master.timeZone == "America/Chicago")
        #expect(master.recurrence == #"["RRULE:FREQ=DAILY"]"#)
        #expect(master.icalUID == "68k0p6ackplecqs9fuvbs1fju0@google.com")
        #expect(master.etag == #""3485452990504510""#)
        #expect(master.transparency == "opaque" && master.visibility == "default")
        #expect(master.organizer == #"{"email":"test.user@gmail.com","name":null}"#)
        #expect(master.attendees == "[]")
        #expect(master.conferenceURL == nil)
        #expect(master.url?.hasPrefix("https://www.google.com/calendar/event?eid=") == true)
        #expect(master.eventType == "default")
        #expect(master.created == "2025-03-23T10:41:35Z" && master.updated == "2025-03-23T10:41:35Z")
        #expect(try Self.sameAsReceived(master.raw, fixture: "events-list-incremental-recurring-series-created"))

        // Daily at 07:30 CDT from March 24 to the window's end (April 22, exclusive).
        let series = Self.daily(Self.dishes, from: "2025-03-24", through: "2025-04-21", at: "12:30:00", minutes: 45)
        #expect(series.count == 29)
        #expect(try store.occurrences() == series)

        // "Edit only this event" on the first instance.
        let edited = try await store.apply("events-list-incremental-recurring-one-instance-edited")
        #expect(edited.inserted == 1 && edited.updated == 1)
        let exceptionID = "\(Self.dishes)_20250324T123000Z"
        let exception = try #require(try store.event(exceptionID))
        #expect(exception.kind == "exception" && exception.seriesID == Self.dishes)
        #expect(exception.originalStart == "2025-03-24T12:30:00Z")
        #expect(exception.recurrence == nil)
        #expect(exception.description == "Only the title and description were changed")
        #expect(try store.occurrences() == Self.pointing(series, at: [exceptionID]))
        #expect(
            try store.strings("SELECT summary FROM agenda WHERE instance_id = ?", [exceptionID])
                == ["🍽️ Dishes: Edited Just This One"])

        // "This and following" from March 26: the old series ends, an R master goes on.
        let split = try await store.apply("events-list-incremental-recurring-this-and-following-split")
        #expect(split.inserted == 1 && split.updated == 2)
        let newMaster = "\(Self.dishes)_R20250326T123000"
        #expect(try store.event(Self.dishes)?.recurrence == #"["RRULE:FREQ=DAILY;UNTIL=20250326T045959Z"]"#)
        let rMaster = try #require(try store.event(newMaster))
        #expect(rMaster.kind == "series" && rMaster.seriesID == nil)
        #expect(rMaster.icalUID == "68k0p6ackplecqs9fuvbs1fju0_R20250326T123000@google.com")
        #expect(rMaster.summary == "🍽️ Dishes 🔮")
        #expect(
            try store.occurrences()
                == Self.pointing(Array(series.prefix(2)), at: [exceptionID])
                + Self.daily(newMaster, from: "2025-03-26", through: "2025-04-21", at: "12:30:00", minutes: 45))
        #expect(
            try store.strings("SELECT DISTINCT summary FROM agenda WHERE start >= '2025-03-26' ORDER BY 1")
                == ["🍽️ Dishes 🔮"])
        #expect(
            try store.changes() == [
                "upsert \(Self.dishes)", "upsert \(Self.dishes)", "upsert \(exceptionID)", "upsert \(Self.dishes)",
                "upsert \(exceptionID)", "upsert \(newMaster)",
            ])
        #expect(try store.int("SELECT occurrences_count FROM sync_state") == 29)
        #expect(try store.int("SELECT events_count FROM sync_state") == 3)
    }

    @Test func editingAllEventsOfASeriesWithAnExceptionSplitsItToo() async throws {
        let store = try await GoogleFixtureStore(now: Self.chicagoNow, calendarZone: "America/Chicago")
        try await store.apply("events-list-incremental-recurring-series-created")
        try await store.apply("events-list-incremental-recurring-one-instance-edited")
        let outcome = try await store.apply("events-list-incremental-recurring-edit-all-split")
        #expect(outcome.inserted == 1 && outcome.updated == 2)
        #expect(try await store.savedToken() == "CK_vkb6EoIwDEK_vkb6EoIwDGAUg79XP3wIo79XP3wI=")
        let exceptionID = "\(Self.dishes)_20250324T123000Z"
        let newMaster = "\(Self.dishes)_R20250326T123000"
        #expect(try store.events().map(\.id) == [Self.dishes, exceptionID, newMaster])
        #expect(try store.events().allSatisfy { $0.description == "Changed all occurrences" })
        #expect(
            try store.occurrences()
                == [
                    OccurrenceRow(
                        exceptionID, event: exceptionID, series: Self.dishes, "2025-03-24T12:30:00Z",
                        "2025-03-24T13:15:00Z"),
                    OccurrenceRow(
                        "\(Self.dishes)_20250325T123000Z", event: Self.dishes, series: Self.dishes,
                        "2025-03-25T12:30:00Z", "2025-03-25T13:15:00Z"),
                ] + Self.daily(newMaster, from: "2025-03-26", through: "2025-04-21", at: "12:30:00", minutes: 45))
        #expect(try store.strings("SELECT DISTINCT summary FROM agenda") == ["🧽 Dishes"])
    }

    // MARK: Exceptions

    @Test func aMovedInstanceShowsAtItsNewTimeOnly() async throws {
        let store = try await GoogleFixtureStore(now: Self.chicagoNow, calendarZone: "America/Chicago")
        // Both objects in one page, as the first page of a full sync.
        try await store.beginFullSync()
        let outcome = try await store.apply(
            "events-list-incremental-recurring-instance-moved", mode: .fullSyncEnd(maxDeleteRatio: 0.5, force: false))
        #expect(outcome.sweep == .applied(deleted: 0))
        let master = "0e6062d5un60i5sn2m9et69c27"
        let movedID = "\(master)_20250326T123000Z"
        let moved = try #require(try store.event(movedID))
        #expect(moved.originalStart == "2025-03-26T12:30:00Z")
        #expect(moved.start == "2025-03-27T01:45:00Z" && moved.end == "2025-03-27T02:30:00Z")
        let expected = Self.daily(master, from: "2025-03-24", through: "2025-04-21", at: "12:30:00", minutes: 45)
            .map { row in
                row.instanceID == movedID
                    ? OccurrenceRow(movedID, event: movedID, series: master, moved.start, moved.end) : row
            }
            .sorted { $0.startTS < $1.startTS }
        #expect(try store.occurrences() == expected)
        #expect(try store.int("SELECT COUNT(*) FROM occurrences WHERE start = '2025-03-26T12:30:00Z'") == 0)
        #expect(
            try store.strings("SELECT summary FROM agenda WHERE instance_id = ?", [movedID])
                == ["🌙 Dishes-Edited One"])
        #expect(try store.strings("SELECT last_full_sync FROM sync_state") == ["2025-03-23T12:00:00Z"])
    }

    @Test func severalEditedInstancesEachShowTheirException() async throws {
        let store = try await GoogleFixtureStore(now: Self.chicagoNow, calendarZone: "America/Chicago")
        try await store.apply("events-list-incremental-recurring-several-instances-edited")
        let master = "1kmd7abo2uok36n1pkaemqncba"
        let edited = ["20250326T123000Z", "20250327T123000Z", "20250328T123000Z"].map { "\(master)_\($0)" }
        #expect(
            try store.occurrences()
                == Self.pointing(
                    Self.daily(master, from: "2025-03-24", through: "2025-04-21", at: "12:30:00", minutes: 45),
                    at: Set(edited)))
        #expect(
            try store.strings("SELECT summary FROM agenda WHERE event_id != ? ORDER BY start_ts", [master]) == [
                "🧼 Dishes-Edited Just This One", "🫧 Dishes - Edited just this one", "🧺 Dishes - Just this one",
            ])
        #expect(
            try store.strings("SELECT kind FROM events ORDER BY id") == ["series"] + edited.map { _ in "exception" })
    }

    @Test func aDeletedInstanceIsKeptAsACancelledExceptionAndLeavesAGap() async throws {
        let store = try await GoogleFixtureStore(now: Self.chicagoNow, calendarZone: "America/Chicago")
        try await store.apply("events-list-incremental-recurring-one-instance-deleted")
        let master = "5hni4sj3ql1669otmjg7sn1mok"
        let cancelledID = "\(master)_20250325T130000Z"
        let cancelled = try #require(try store.event(cancelledID))
        #expect(cancelled.kind == "exception" && cancelled.status == "cancelled")
        #expect(cancelled.seriesID == master)
        #expect(cancelled.originalStart == "2025-03-25T13:00:00Z")
        // docs/store.md "events": a cancelled exception spans its original start plus the series' length.
        #expect(cancelled.start == "2025-03-25T13:00:00Z")
        #expect(cancelled.end == "2025-03-25T14:00:00Z")
        #expect(cancelled.endTS == unixSeconds("2025-03-25T14:00:00Z"))
        #expect(cancelled.summary == nil && cancelled.timeZone == "America/Chicago")
        #expect(
            try Self.sameAsReceived(cancelled.raw, fixture: "events-list-incremental-recurring-one-instance-deleted"))

        // 08:00 in Chicago: 14:00Z in CST, 13:00Z from March 9 (CDT); the series ends March 31.
        let expected =
            Self.daily(master, from: "2025-02-21", through: "2025-03-08", at: "14:00:00", minutes: 60)
            + Self.daily(master, from: "2025-03-09", through: "2025-03-31", at: "13:00:00", minutes: 60)
            .filter { $0.instanceID != cancelledID }
        #expect(expected.count == 38)
        #expect(try store.occurrences() == expected)
        #expect(try store.int("SELECT COUNT(*) FROM agenda WHERE start LIKE '2025-03-25%'") == 0)
        #expect(try store.int("SELECT occurrences_count FROM sync_state") == 38)
    }

    @Test func aCancelledInstanceGetsTheSeriesLengthWhenItsMasterArrivesLater() async throws {
        let store = try await GoogleFixtureStore(now: Self.chicagoNow, calendarZone: "America/Chicago")
        let page = try GoogleFixture.page("events-list-incremental-recurring-one-instance-deleted")
        let cancelledID = "5hni4sj3ql1669otmjg7sn1mok_20250325T130000Z"
        var first = page
        first.envelope.nextSyncToken = nil
        first.envelope.nextPageToken = "next"
        first.changes.upserts = page.changes.upserts.filter { $0.id == cancelledID }
        try await store.apply(first)
        // The master is unknown: the original start twice.
        #expect(try store.event(cancelledID)?.end == "2025-03-25T13:00:00Z")

        var second = page
        second.changes.upserts = page.changes.upserts.filter { $0.id != cancelledID }
        try await store.apply(second)
        #expect(try store.event(cancelledID)?.end == "2025-03-25T14:00:00Z")
        #expect(try store.int("SELECT COUNT(*) FROM occurrences WHERE instance_id = ?", [cancelledID]) == 0)
    }

    // MARK: Deletions

    @Test func aSeriesTombstoneDeletesTheMasterItsExceptionsAndInstances() async throws {
        let store = try await GoogleFixtureStore(now: Self.chicagoNow, calendarZone: "America/Chicago")
        // The deleted series was not recorded before its deletion: the recorded series and
        // its edited instance stand in for it, under the tombstone's id.
        let deletedID = "0oije1knkkthb56vr149dub9qa"
        for fixture in [
            "events-list-incremental-recurring-series-created", "events-list-incremental-recurring-one-instance-edited",
        ] {
            try await store.apply(
                try GoogleMapping.page(GoogleFixture.variant(fixture, replacing: Self.dishes, with: deletedID)))
        }
        #expect(try store.int("SELECT COUNT(*) FROM occurrences WHERE series_id = ?", [deletedID]) == 29)

        let outcome = try await store.apply("events-list-incremental-deleted-tombstone-series")
        #expect(outcome.deleted == 1)
        #expect(try store.events().isEmpty)
        #expect(try store.occurrences().isEmpty)
        #expect(try store.changes().suffix(2) == ["delete \(deletedID)", "delete \(deletedID)_20250324T123000Z"])
        #expect(try store.int("SELECT events_count + occurrences_count FROM sync_state") == 0)
        #expect(try await store.savedToken() == "CO_yu9KmpYwDEO_yu9KmpYwDGAUg24mI4AIo24mI4AI=")
    }

    @Test func aTombstoneForAnUnknownIdChangesNothing() async throws {
        let store = try await GoogleFixtureStore(now: Self.chicagoNow, calendarZone: "America/Chicago")
        let outcome = try await store.apply("events-list-incremental-deleted-tombstone-series")
        #expect(outcome == PageOutcome())
        #expect(try store.changes().isEmpty)
        #expect(try await store.savedToken() == "CO_yu9KmpYwDEO_yu9KmpYwDGAUg24mI4AIo24mI4AI=")
    }

    @Test func recordedCancelledItemsKeepAnOrphanCancelledInstanceAndIgnoreAnUnknownTombstone() async throws {
        let store = try await GoogleFixtureStore(now: "2013-05-08T12:00:00Z", calendarZone: "America/Denver")
        try await store.apply(try GoogleFixture.itemsPage("events-items-cancelled-tombstones"))
        let orphanID = "tlf9q8uk5vjl2i2868q36dpi28_20130508T220000Z"
        #expect(try store.events().map(\.id) == [orphanID])
        let orphan = try #require(try store.event(orphanID))
        #expect(orphan.kind == "exception" && orphan.status == "cancelled")
        #expect(orphan.seriesID == "tlf9q8uk5vjl2i2868q36dpi28")
        // The master is unknown: the original start twice.
        #expect(orphan.originalStart == "2013-05-08T22:00:00Z")
        #expect(orphan.start == "2013-05-08T22:00:00Z" && orphan.end == "2013-05-08T22:00:00Z")
        #expect(orphan.etag == #""2734519593376000""#)
        // A cancelled instance shows nowhere.
        #expect(try store.occurrences().isEmpty)
        #expect(try store.changes() == ["upsert \(orphanID)"])
        // A bare items array announces no cursor: none is saved.
        #expect(try await store.savedToken() == nil)
    }

    // MARK: A single event's life (Notifycal recordings, Europe/Madrid, 2024-03-22)

    @Test func aCalendarFromEmptyThroughCreateDeleteInviteAndAReminderChange() async throws {
        let store = try await GoogleFixtureStore(now: "2024-03-22T00:30:00Z", calendarZone: nil)
        try await store.beginFullSync()
        let empty = try await store.apply(
            "events-list-full-sync-empty-calendar", mode: .fullSyncEnd(maxDeleteRatio: 0.5, force: false))
        #expect(empty.sweep == .applied(deleted: 0))
        #expect(try store.events().isEmpty)
        #expect(try await store.savedToken() == "CLCrgr3KhoUDELCrgr3KhoUDGAUgnOOFpgIonOOFpgI=")
        #expect(try store.strings("SELECT time_zone FROM calendars") == ["Europe/Madrid"])

        try await store.apply("events-list-incremental-timed-event-created")
        let createdID = "1vk76ch9q0e0b4v13ku0rklsnr"
        let created = try #require(try store.event(createdID))
        #expect(created.kind == "single" && created.seriesID == nil && created.originalStart == nil)
        #expect(created.status == "confirmed" && created.summary == "event created")
        #expect(created.allDay == 0)
        #expect(created.start == "2024-03-22T01:00:00Z" && created.end == "2024-03-22T02:00:00Z")
        #expect(created.startTS == 1_711_069_200 && created.endTS == 1_711_072_800)
        #expect(created.timeZone == "Europe/Madrid" && created.recurrence == nil)
        #expect(created.icalUID == "1vk76ch9q0e0b4v13ku0rklsnr@google.com")
        #expect(created.organizer == #"{"email":"notifycal@gmail.com","name":null}"#)
        #expect(created.attendees == "[]" && created.conferenceURL == nil)
        #expect(created.eventType == "default")
        #expect(created.created == "2024-03-22T00:12:45Z" && created.updated == "2024-03-22T00:12:45Z")
        #expect(try Self.sameAsReceived(created.raw, fixture: "events-list-incremental-timed-event-created"))
        #expect(
            try store.occurrences() == [
                OccurrenceRow(createdID, event: createdID, series: nil, "2024-03-22T01:00:00Z", "2024-03-22T02:00:00Z")
            ])

        let deleted = try await store.apply("events-list-incremental-event-deleted-tombstone")
        #expect(deleted.deleted == 1)
        #expect(try store.events().isEmpty && store.occurrences().isEmpty)

        try await store.apply("events-list-incremental-attendee-added-meet-conference")
        let invitedID = "7asffd5h6eqdbvcijdqk84icmr"
        let invited = try #require(try store.event(invitedID))
        #expect(
            invited.attendees
                == #"[{"email":"notifycal@gmail.com","name":null,"response":"accepted","optional":false,"organizer":true},"#
                + #"{"email":"sergio.anger@gmail.com","name":null,"response":"needs_action","optional":false,"organizer":false}]"#
        )
        #expect(invited.conferenceURL == "https://meet.google.com/xxe-wiev-ikn")
        #expect(invited.updated == "2024-03-22T00:23:06Z")
        #expect(
            try store.occurrences() == [
                OccurrenceRow(invitedID, event: invitedID, series: nil, "2024-03-22T01:45:00Z", "2024-03-22T02:30:00Z")
            ])
        #expect(
            try store.strings("SELECT conference_url FROM agenda WHERE instance_id = ?", [invitedID])
                == ["https://meet.google.com/xxe-wiev-ikn"])

        // A calendar-level change: a new token, no row touched, nothing in the feed.
        let feedBefore = try store.changes()
        let reminders = try await store.apply("events-list-incremental-calendar-default-reminders-changed-no-items")
        #expect(reminders == PageOutcome())
        #expect(try await store.savedToken() == "CLCeipHPhoUDELCeipHPhoUDGAUgnOOFpgIonOOFpgI=")
        #expect(try store.changes() == feedBefore)
        #expect(feedBefore == ["upsert \(createdID)", "delete \(createdID)", "upsert \(invitedID)"])
        #expect(try store.events().map(\.id) == [invitedID])
    }

    // MARK: Calendars

    @Test func theRecordedCalendarListBecomesTheCalendarsRows() async throws {
        let store = try await GoogleFixtureStore(now: Self.chicagoNow, calendarZone: nil)
        let provider = GoogleProvider(
            configuration: .init(
                apiBaseURL: "https://calendar.test/calendar/v3", eventTypes: ["default"],
                access: .oauth(FixedAccessToken())),
            transport: ScriptedTransport([
                HTTPResponse(status: 200, body: try GoogleFixture.data("calendarlist-list-full"))
            ]))
        let calendars = try await provider.listCalendars(logger: Logger(label: "test"))
        try await store.store.replaceCalendars(
            accountID: GoogleFixtureStore.accountID, calendars: calendars,
            enabledIDs: ["joshuacrowgey@gmail.com", "en.usa#holiday@group.v.calendar.google.com"], now: store.now)
        let rows = try store.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT id || '|' || name || '|' || IFNULL(description, '-') || '|' || IFNULL(time_zone, '-')
                        || '|' || IFNULL(color, '-') || '|' || access || '|' || is_primary || '|' || sync_enabled
                    FROM calendars ORDER BY is_primary DESC, id
                    """)
        }
        #expect(
            rows == [
                "joshuacrowgey@gmail.com|joshuacrowgey@gmail.com|-|America/Los_Angeles|#d06b64|owner|1|1",
                "#contacts@group.v.calendar.google.com|Contacts|-|America/Los_Angeles|#92e1c0|reader|0|0",
                "en.usa#holiday@group.v.calendar.google.com|Holidays in United States|-|America/Los_Angeles|#9fc6e7|reader|0|1",
                "google.com_jqv7qt9iifsaj94cuknckrabd8@group.calendar.google.com|Google Code Jam|"
                    + "Public calendar of important dates and events for Google Code Jam competitions.|UTC|#b99aff|reader|0|0",
                "i_71.23.40.78#sunrise@group.v.calendar.google.com|Sunrise/Sunset: Seattle|-|America/Los_Angeles|#ffad46|reader|0|0",
                "jcrowgey@uw.edu|jcrowgey@uw.edu|-|America/Los_Angeles|#9fc6e7|owner|0|0",
            ])
    }
}
