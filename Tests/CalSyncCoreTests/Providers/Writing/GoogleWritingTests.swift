import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Testing

@testable import CalSyncGoogle
@testable import CalSyncModel

/// GoogleProvider's writes against the emulator (docs/providers-google.md "Writes"): every
/// path the engine's outbox takes, and what the provider holds after each.
@Suite(.serialized) struct GoogleWritingTests {
    static let calendar = WritingHarness.googleCalendar

    static func truth(_ harness: WritingHarness, _ id: String) async throws -> JSONValue? {
        try await harness.state.googleEvents(calendarID: calendar).first { $0["id"]?.stringValue == id }
    }

    @Test func createsSingleAllDayAndSeriesEventsUnderTheClientKeyWithoutNotifying() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let google = await harness.google()
        let single = ClientKey.make()
        let written = try #require(
            try await google.create(
                calendarID: Self.calendar, draft: WritingHarness.timed("Review", days: 2), clientKey: single,
                notify: false, logger: harness.logger
            ).writtenEvent)
        #expect(written.event.id == single)
        #expect(written.event.kind == .single)
        #expect(written.event.summary == "Review")
        #expect(written.event.location == "Room 1")
        #expect(written.event.start == .instant(WritingHarness.instant(days: 2, hour: 10)))
        #expect(written.occurrences == nil, "Google's series are expanded by the store")
        let stored = try #require(try await Self.truth(harness, single))
        #expect(written.event.etag == stored["etag"]?.stringValue)
        #expect(stored["attendees"] == nil, "no attendee is ever invented")

        let allDay = try #require(
            try await google.create(
                calendarID: Self.calendar, draft: WritingHarness.allDay("Holiday", days: 3),
                clientKey: ClientKey.make(),
                notify: false, logger: harness.logger
            ).writtenEvent)
        #expect(allDay.event.allDay)
        #expect(allDay.event.end == .date(CalendarDate(utcDayOf: Date()).adding(days: 4)))

        let series = try #require(
            try await google.create(
                calendarID: Self.calendar,
                draft: WritingHarness.timed("Standup", days: 1, hour: 9, recurrence: ["RRULE:FREQ=DAILY;COUNT=5"]),
                clientKey: ClientKey.make(), notify: true, logger: harness.logger
            ).writtenEvent)
        #expect(series.event.kind == .series)
        #expect(series.event.recurrence == ["RRULE:FREQ=DAILY;COUNT=5"])

        let inserts = await harness.state.requests(pathPrefix: "/calendar/v3/calendars/").filter { $0.method == "POST" }
        #expect(inserts.map { $0.query.first { $0.name == "sendUpdates" }?.value } == ["none", "none", "all"])
    }

    @Test func aCreateRetriedAfterTheConnectionDroppedOnAnAppliedInsertMakesOneEvent() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let google = await harness.google()
        let key = ClientKey.make()
        let draft = WritingHarness.timed("Dentist", days: 5)
        // The emulator applies the insert, then closes the connection without answering.
        await harness.state.injectFault(
            Fault(pathPrefix: "/calendar/v3/calendars/", method: "POST", outcome: .droppedConnection))
        await #expect(throws: CalSyncError.self) {
            _ = try await google.create(
                calendarID: Self.calendar, draft: draft, clientKey: key, notify: false, logger: harness.logger)
        }
        #expect(try await Self.truth(harness, key) != nil, "the lost answer's insert was applied")
        let retried = try await google.create(
            calendarID: Self.calendar, draft: draft, clientKey: key, notify: false, logger: harness.logger)
        #expect(retried.writtenEvent?.event.id == key)
        #expect(retried.writtenEvent?.event.summary == "Dentist")
        let all = try await harness.state.googleEvents(calendarID: Self.calendar)
        #expect(all.filter { $0["summary"]?.stringValue == "Dentist" }.count == 1)
        let statuses = await harness.state.requests(pathPrefix: "/calendar/v3/calendars/").map(\.status)
        #expect(statuses == [200, 409, 200], "the retry met 409 duplicate and read the event")
    }

    @Test func anUpdateWhoseConnectionDropsAfterGoogleAppliedItIsSentOnceNotReportedAsAConflict() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let google = await harness.google()
        let key = ClientKey.make()
        // The insert leaves its connection in the transport's pool, where the PATCH could
        // reuse it.
        let created = try #require(
            try await google.create(
                calendarID: Self.calendar, draft: WritingHarness.timed("Retro", days: 4), clientKey: key, notify: false,
                logger: harness.logger
            ).writtenEvent)
        await harness.state.injectFault(
            Fault(pathPrefix: "/calendar/v3/calendars/", method: "PATCH", outcome: .droppedConnection))
        // libcurl sends a request again by itself when a reused connection closes before
        // any answer: a second PATCH would meet 412 for the etag the first one moved, and
        // the applied update would end as a conflict "that changed nothing".
        await #expect(throws: CalSyncError.self) {
            _ = try await google.update(
                calendarID: Self.calendar, eventID: key, changes: EventDraft(summary: "Retro v2"),
                ifEtag: created.event.etag, notify: false, logger: harness.logger)
        }
        let patches = await harness.state.requests(pathPrefix: "/calendar/v3/calendars/").filter {
            $0.method == "PATCH"
        }
        #expect(patches.count == 1, "the PATCH whose answer was lost was not sent again")
        #expect(try await Self.truth(harness, key)?["summary"]?.stringValue == "Retro v2", "the update was applied")
    }

    @Test func anUpdateWithTheCurrentEtagIsWrittenAndAStaleOneIsAConflictThatChangesNothing() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let google = await harness.google()
        let key = ClientKey.make()
        let created = try #require(
            try await google.create(
                calendarID: Self.calendar, draft: WritingHarness.timed("Plan", days: 2), clientKey: key, notify: false,
                logger: harness.logger
            ).writtenEvent)
        let updated = try #require(
            try await google.update(
                calendarID: Self.calendar, eventID: key, changes: EventDraft(summary: "Plan v2"),
                ifEtag: created.event.etag, notify: false, logger: harness.logger
            ).writtenEvent)
        #expect(updated.event.summary == "Plan v2")
        #expect(updated.event.start == created.event.start, "a PATCH leaves what it does not name")
        #expect(updated.event.etag != created.event.etag)
        let patch = try #require(await harness.state.requests().last { $0.method == "PATCH" })
        #expect(patch.headers.first { $0.name.lowercased() == "if-match" }?.value == created.event.etag)

        // Someone edits it at Google; an update based on the older etag must not overwrite that.
        try await harness.state.editGoogleEvent(
            calendarID: Self.calendar, eventID: key, .object([("summary", "Plan (by Ann)")]))
        let stale = try await google.update(
            calendarID: Self.calendar, eventID: key, changes: EventDraft(summary: "Plan v3"),
            ifEtag: updated.event.etag,
            notify: false, logger: harness.logger)
        let reason = try #require(stale.conflictReason)
        #expect(reason.contains("summary \"Plan (by Ann)\""), "the reason says what differs: \(reason)")
        #expect(try await Self.truth(harness, key)?["summary"]?.stringValue == "Plan (by Ann)")
        let staleDelete = try await google.delete(
            calendarID: Self.calendar, eventID: key, ifEtag: updated.event.etag, notify: false, logger: harness.logger)
        #expect(staleDelete.conflictReason != nil)
        #expect(try await Self.truth(harness, key)?["status"]?.stringValue == "confirmed")

        // Forced (no etag): written.
        let forced = try await google.update(
            calendarID: Self.calendar, eventID: key, changes: EventDraft(summary: "Plan v3"), ifEtag: nil,
            notify: false,
            logger: harness.logger)
        #expect(forced.writtenEvent?.event.summary == "Plan v3")

        // Deleted at Google since: a conflict that says so, with no version to hand on.
        try await harness.state.deleteGoogleEvent(calendarID: Self.calendar, eventID: key)
        let gone = try await google.update(
            calendarID: Self.calendar, eventID: key, changes: EventDraft(summary: "Plan v4"),
            ifEtag: forced.writtenEvent?.event.etag, notify: false, logger: harness.logger)
        #expect(
            gone
                == .conflict(
                    reason: "the event was deleted at Google since etag \(forced.writtenEvent?.event.etag ?? "")",
                    current: nil))
    }

    @Test func oneInstanceOfASeriesIsEditedAndAnotherDeleted() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let google = await harness.google()
        let key = ClientKey.make()
        let series = try #require(
            try await google.create(
                calendarID: Self.calendar,
                draft: WritingHarness.timed("Daily", days: 1, hour: 8, recurrence: ["RRULE:FREQ=DAILY;COUNT=5"]),
                clientKey: key, notify: false, logger: harness.logger
            ).writtenEvent)
        func instanceID(_ day: Int) -> String {
            let stamp = Timestamp.string(from: WritingHarness.instant(days: day, hour: 8))
                .replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            return key + "_" + stamp
        }
        let edited = try #require(
            try await google.update(
                calendarID: Self.calendar, eventID: instanceID(2),
                changes: EventDraft(
                    summary: "Daily (moved)", start: .instant(WritingHarness.instant(days: 2, hour: 11)),
                    end: .instant(WritingHarness.instant(days: 2, hour: 12))),
                ifEtag: series.event.etag, notify: false, logger: harness.logger
            ).writtenEvent)
        #expect(edited.event.id == instanceID(2))
        #expect(edited.event.kind == .exception)
        #expect(edited.event.seriesID == key)
        #expect(edited.event.originalStart == .instant(WritingHarness.instant(days: 2, hour: 8)))
        #expect(edited.event.start == .instant(WritingHarness.instant(days: 2, hour: 11)))
        // The instance has an etag of its own: the series' etag the request was based on
        // met 412, and the series being unchanged, the instance's own etag was sent.
        let patches = await harness.state.requests().filter { $0.method == "PATCH" }.map(\.status)
        #expect(patches == [412, 200])

        // Now the instance has changed on its own (it is an exception): a request based on
        // the series' etag is a conflict.
        let stale = try await google.update(
            calendarID: Self.calendar, eventID: instanceID(2), changes: EventDraft(summary: "Daily (again)"),
            ifEtag: series.event.etag, notify: false, logger: harness.logger)
        #expect(stale.conflictReason?.contains("summary \"Daily (moved)\"") == true)

        let deleted = try await google.delete(
            calendarID: Self.calendar, eventID: instanceID(3), ifEtag: series.event.etag, notify: false,
            logger: harness.logger)
        #expect(deleted == .done(nil))
        let cancelled = try #require(try await Self.truth(harness, instanceID(3)))
        #expect(cancelled["status"]?.stringValue == "cancelled")
        #expect(try await Self.truth(harness, key)?["status"]?.stringValue == "confirmed", "the series lives on")
    }

    @Test func deletingAMissingOrDeletedEventIsDone() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let google = await harness.google()
        #expect(
            try await google.delete(
                calendarID: Self.calendar, eventID: "nosuchevent0", ifEtag: nil, notify: false, logger: harness.logger)
                == .done(nil))
        let key = ClientKey.make()
        let created = try await google.create(
            calendarID: Self.calendar, draft: WritingHarness.timed("Once", days: 1), clientKey: key, notify: false,
            logger: harness.logger)
        let etag = created.writtenEvent?.event.etag
        #expect(
            try await google.delete(
                calendarID: Self.calendar, eventID: key, ifEtag: etag, notify: false, logger: harness.logger)
                == .done(nil))
        // Again: Google answers 410 `deleted`.
        #expect(
            try await google.delete(
                calendarID: Self.calendar, eventID: key, ifEtag: nil, notify: false, logger: harness.logger)
                == .done(nil))
        #expect(await harness.state.requests().last?.status == 410)
        let missing = await #expect(throws: CalSyncError.self) {
            _ = try await google.update(
                calendarID: Self.calendar, eventID: "nosuchevent0", changes: EventDraft(summary: "Back"), ifEtag: nil,
                notify: false, logger: harness.logger)
        }
        #expect(missing?.code == .notFound, "an update of a missing event is not done")
    }

    @Test func aReadOnlyTokenIsRefusedWithMissingScopeAndNothingIsWritten() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let google = await harness.google(scope: "https://www.googleapis.com/auth/calendar.readonly")
        let key = ClientKey.make()
        let error = await #expect(throws: CalSyncError.self) {
            _ = try await google.create(
                calendarID: Self.calendar, draft: WritingHarness.timed("Nope", days: 1), clientKey: key, notify: false,
                logger: harness.logger)
        }
        #expect(error?.code == .missingScope)
        #expect(error?.message.contains("calsyncctl login") == true)
        #expect(try await Self.truth(harness, key) == nil)
    }

    @Test func serverErrorsAndThrottlingAreTransientWithRetryAfterAndABadRequestIsRefused() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let google = await harness.google()
        let draft = WritingHarness.timed("Flaky", days: 1)
        await harness.state.injectFault(
            Fault(pathPrefix: "/calendar/v3/calendars/", method: "POST", outcome: .status(500, retryAfter: nil)))
        let server = await #expect(throws: CalSyncError.self) {
            _ = try await google.create(
                calendarID: Self.calendar, draft: draft, clientKey: ClientKey.make(), notify: false,
                logger: harness.logger)
        }
        #expect(server?.code == .server)
        #expect(server?.isTransient == true)
        await harness.state.injectFault(
            Fault(pathPrefix: "/calendar/v3/calendars/", method: "POST", outcome: .status(429, retryAfter: "7")))
        let throttled = await #expect(throws: CalSyncError.self) {
            _ = try await google.create(
                calendarID: Self.calendar, draft: draft, clientKey: ClientKey.make(), notify: false,
                logger: harness.logger)
        }
        #expect(throttled?.code == .rateLimited)
        #expect(throttled?.retryAfter == .seconds(7))
        #expect(throttled?.isTransient == true)
        // No end: Google's 400, for good.
        let refused = await #expect(throws: CalSyncError.self) {
            _ = try await google.create(
                calendarID: Self.calendar, draft: EventDraft(summary: "No times"), clientKey: ClientKey.make(),
                notify: false, logger: harness.logger)
        }
        #expect(refused?.code == .refused)
        #expect(refused?.message.contains("Missing end time.") == true)
    }

    @Test func aCalendarTheAccountMayOnlyReadIsRefusedNotMissingScope() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let google = await harness.google()
        try await harness.state.addGoogleCalendar(id: "team@example.com", isPublic: true, owner: "boss@example.com")
        let error = await #expect(throws: CalSyncError.self) {
            _ = try await google.create(
                calendarID: "team@example.com", draft: WritingHarness.timed("Mine", days: 1),
                clientKey: ClientKey.make(), notify: false, logger: harness.logger)
        }
        #expect(error?.code == .refused, "403 forbidden is the calendar's rule, not the token's scope")
        #expect(error?.message.contains("writer access") == true)
    }

    @Test func theNextIncrementalPollBringsTheWrittenEventWithTheEtagTheWriteReturned() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let google = await harness.google()
        let first = try await harness.poll(
            google, calendarID: Self.calendar, from: .initial, window: WritingHarness.window)
        let key = ClientKey.make()
        let created = try #require(
            try await google.create(
                calendarID: Self.calendar, draft: WritingHarness.timed("Read your writes", days: 1), clientKey: key,
                notify: false, logger: harness.logger
            ).writtenEvent)
        let second = try await harness.poll(
            google, calendarID: Self.calendar, from: first.next, window: WritingHarness.window)
        let polled = try #require(second.changes.flatMap(\.upserts).first { $0.id == key })
        #expect(polled == created.event, "the store gets from the write exactly what the poll brings")

        let updated = try #require(
            try await google.update(
                calendarID: Self.calendar, eventID: key, changes: EventDraft(location: "Room 2"),
                ifEtag: created.event.etag, notify: false, logger: harness.logger
            ).writtenEvent)
        let third = try await harness.poll(
            google, calendarID: Self.calendar, from: second.next, window: WritingHarness.window)
        #expect(third.changes.flatMap(\.upserts).first { $0.id == key }?.etag == updated.event.etag)
    }
}
