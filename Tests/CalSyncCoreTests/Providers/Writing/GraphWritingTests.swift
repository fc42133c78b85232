import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Testing

@testable import CalSyncGraph
@testable import CalSyncModel

/// GraphProvider's writes against the emulator (docs/providers-graph.md "Writes"): every
/// path the engine's outbox takes, and what the mailbox holds after each.
@Suite(.serialized) struct GraphWritingTests {
    static func truth(_ harness: WritingHarness, _ calendar: String, _ id: String) async throws -> JSONValue? {
        try await harness.state.graphEvents(calendarID: calendar).first { $0["id"]?.stringValue == id }
    }

    @Test func createsSingleAllDayAndSeriesEventsWithTheClientKeyAsTransactionID() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let graph = await harness.graph()
        let calendar = await harness.state.defaultGraphCalendarID
        let key = ClientKey.make()
        let single = try #require(
            try await graph.create(
                calendarID: calendar, draft: WritingHarness.timed("Review", days: 2), clientKey: key, notify: false,
                logger: harness.logger
            ).writtenEvent)
        #expect(single.event.kind == .single)
        #expect(single.event.summary == "Review")
        #expect(single.event.location == "Room 1")
        #expect(single.event.start == .instant(WritingHarness.instant(days: 2, hour: 10)))
        #expect(
            single.occurrences == [
                Occurrence(
                    instanceID: single.event.id, eventID: single.event.id, seriesID: nil, start: single.event.start,
                    end: single.event.end)
            ])
        let stored = try #require(try await Self.truth(harness, calendar, single.event.id))
        #expect(single.event.etag == stored["changeKey"]?.stringValue)
        #expect(stored["transactionId"]?.stringValue == key)
        #expect(stored["attendees"]?.arrayValue?.isEmpty ?? true, "no attendee is ever invented")

        let allDay = try #require(
            try await graph.create(
                calendarID: calendar, draft: WritingHarness.allDay("Holiday", days: 3), clientKey: ClientKey.make(),
                notify: false, logger: harness.logger
            ).writtenEvent)
        #expect(allDay.event.allDay)
        #expect(allDay.event.start == .date(CalendarDate(utcDayOf: Date()).adding(days: 3)))

        let series = try #require(
            try await graph.create(
                calendarID: calendar,
                draft: WritingHarness.timed("Standup", days: 1, hour: 9, recurrence: ["RRULE:FREQ=WEEKLY;COUNT=4"]),
                clientKey: ClientKey.make(), notify: false, logger: harness.logger
            ).writtenEvent)
        #expect(series.event.kind == .series)
        #expect(series.occurrences == nil, "the engine's next poll lists Graph's occurrences")
        let occurrences = try await harness.state.graphOccurrenceIDs(
            calendarID: calendar, seriesID: series.event.id, from: WritingHarness.window.start,
            to: WritingHarness.window.end)
        #expect(occurrences.count == 4)
    }

    @Test func aCreateRetriedAfterTheConnectionDroppedOnAnAppliedPostMakesOneEvent() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let graph = await harness.graph()
        let calendar = await harness.state.defaultGraphCalendarID
        let key = ClientKey.make()
        let draft = WritingHarness.timed("Dentist", days: 5)
        await harness.state.injectFault(Fault(pathPrefix: "/v1.0/me/", method: "POST", outcome: .droppedConnection))
        await #expect(throws: CalSyncError.self) {
            _ = try await graph.create(
                calendarID: calendar, draft: draft, clientKey: key, notify: false, logger: harness.logger)
        }
        let applied = try await harness.state.graphEvents(calendarID: calendar).filter {
            $0["subject"]?.stringValue == "Dentist"
        }
        #expect(applied.count == 1, "the lost answer's POST was applied")
        let retried = try #require(
            try await graph.create(
                calendarID: calendar, draft: draft, clientKey: key, notify: false, logger: harness.logger
            ).writtenEvent)
        #expect(retried.event.id == applied.first?["id"]?.stringValue)
        let after = try await harness.state.graphEvents(calendarID: calendar).filter {
            $0["subject"]?.stringValue == "Dentist"
        }
        #expect(after.count == 1)
    }

    @Test func anUpdateWithTheCurrentChangeKeyIsWrittenAndAStaleOneIsAConflictThatSendsNoWrite() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let graph = await harness.graph()
        let calendar = await harness.state.defaultGraphCalendarID
        let created = try #require(
            try await graph.create(
                calendarID: calendar, draft: WritingHarness.timed("Plan", days: 2), clientKey: ClientKey.make(),
                notify: false, logger: harness.logger
            ).writtenEvent)
        let id = created.event.id
        let updated = try #require(
            try await graph.update(
                calendarID: calendar, eventID: id, changes: EventDraft(summary: "Plan v2"), ifEtag: created.event.etag,
                notify: false, logger: harness.logger
            ).writtenEvent)
        #expect(updated.event.summary == "Plan v2")
        #expect(updated.event.start == created.event.start)
        #expect(updated.event.etag != created.event.etag, "the change key moves on every write")

        try await harness.state.editGraphEvent(
            calendarID: calendar, eventID: id, .object([("subject", "Plan (by Ann)")]))
        await harness.state.clearRequests()
        let stale = try await graph.update(
            calendarID: calendar, eventID: id, changes: EventDraft(summary: "Plan v3"), ifEtag: updated.event.etag,
            notify: false, logger: harness.logger)
        let reason = try #require(stale.conflictReason)
        #expect(reason.contains("summary \"Plan (by Ann)\""), "the reason says what differs: \(reason)")
        let staleDelete = try await graph.delete(
            calendarID: calendar, eventID: id, ifEtag: updated.event.etag, notify: false, logger: harness.logger)
        #expect(staleDelete.conflictReason != nil)
        #expect(await harness.state.requests().allSatisfy { $0.method == "GET" }, "a conflict writes nothing")
        #expect(try await Self.truth(harness, calendar, id)?["subject"]?.stringValue == "Plan (by Ann)")

        await harness.state.clearRequests()
        let forced = try await graph.update(
            calendarID: calendar, eventID: id, changes: EventDraft(summary: "Plan v3"), ifEtag: nil, notify: false,
            logger: harness.logger)
        #expect(forced.writtenEvent?.event.summary == "Plan v3")
        #expect(await harness.state.requests().map(\.method) == ["PATCH"], "a forced write reads nothing first")
    }

    @Test func oneOccurrenceOfASeriesIsEditedAndAnotherDeleted() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let graph = await harness.graph()
        let calendar = await harness.state.defaultGraphCalendarID
        let series = try #require(
            try await graph.create(
                calendarID: calendar,
                draft: WritingHarness.timed("Daily", days: 1, hour: 8, recurrence: ["RRULE:FREQ=DAILY;COUNT=5"]),
                clientKey: ClientKey.make(), notify: false, logger: harness.logger
            ).writtenEvent)
        let occurrences = try await harness.state.graphOccurrenceIDs(
            calendarID: calendar, seriesID: series.event.id, from: WritingHarness.window.start,
            to: WritingHarness.window.end)
        try #require(occurrences.count == 5)
        // The store's etag for a plain occurrence is its series' change key.
        let edited = try #require(
            try await graph.update(
                calendarID: calendar, eventID: occurrences[1],
                changes: EventDraft(
                    summary: "Daily (moved)", start: .instant(WritingHarness.instant(days: 2, hour: 11)),
                    end: .instant(WritingHarness.instant(days: 2, hour: 12))),
                ifEtag: series.event.etag, notify: false, logger: harness.logger
            ).writtenEvent)
        #expect(edited.event.id == occurrences[1])
        #expect(edited.event.kind == .exception)
        #expect(edited.event.seriesID == series.event.id)
        #expect(edited.event.start == .instant(WritingHarness.instant(days: 2, hour: 11)))
        #expect(edited.occurrences?.map(\.instanceID) == [occurrences[1]])

        let deleted = try await graph.delete(
            calendarID: calendar, eventID: occurrences[2], ifEtag: series.event.etag, notify: false,
            logger: harness.logger)
        #expect(deleted == .done(nil))
        let left = try await harness.state.graphOccurrenceIDs(
            calendarID: calendar, seriesID: series.event.id, from: WritingHarness.window.start,
            to: WritingHarness.window.end)
        #expect(!left.contains(occurrences[2]))
        #expect(left.count == 4)
    }

    @Test func deletingAMissingEventIsDone() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let graph = await harness.graph()
        let calendar = await harness.state.defaultGraphCalendarID
        let created = try #require(
            try await graph.create(
                calendarID: calendar, draft: WritingHarness.timed("Once", days: 1), clientKey: ClientKey.make(),
                notify: false, logger: harness.logger
            ).writtenEvent)
        for etag in [created.event.etag, created.event.etag, nil] {
            #expect(
                try await graph.delete(
                    calendarID: calendar, eventID: created.event.id, ifEtag: etag, notify: false,
                    logger: harness.logger) == .done(nil))
        }
        #expect(try await Self.truth(harness, calendar, created.event.id) == nil)
        for etag in [created.event.etag, nil] {
            let missing = await #expect(throws: CalSyncError.self) {
                _ = try await graph.update(
                    calendarID: calendar, eventID: created.event.id, changes: EventDraft(summary: "Back"), ifEtag: etag,
                    notify: false, logger: harness.logger)
            }
            #expect(missing?.code == .notFound, "an update of a missing event is not done")
        }
    }

    @Test func aReadOnlyTokenIsRefusedWithMissingScopeAndNothingIsWritten() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let graph = await harness.graph(scope: "offline_access Calendars.Read MailboxSettings.Read")
        let calendar = await harness.state.defaultGraphCalendarID
        let error = await #expect(throws: CalSyncError.self) {
            _ = try await graph.create(
                calendarID: calendar, draft: WritingHarness.timed("Nope", days: 1), clientKey: ClientKey.make(),
                notify: false, logger: harness.logger)
        }
        #expect(error?.code == .missingScope)
        #expect(error?.message.contains("calsyncctl login") == true)
        #expect(try await harness.state.graphEvents(calendarID: calendar).isEmpty)
    }

    @Test func serverErrorsAndThrottlingAreTransientWithRetryAfterAndABadRequestIsRefused() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let graph = await harness.graph()
        let calendar = await harness.state.defaultGraphCalendarID
        let draft = WritingHarness.timed("Flaky", days: 1)
        await harness.state.injectFault(
            Fault(pathPrefix: "/v1.0/me/", method: "POST", outcome: .status(500, retryAfter: nil)))
        let server = await #expect(throws: CalSyncError.self) {
            _ = try await graph.create(
                calendarID: calendar, draft: draft, clientKey: ClientKey.make(), notify: false, logger: harness.logger)
        }
        #expect(server?.code == .server)
        #expect(server?.isTransient == true)
        await harness.state.injectFault(
            Fault(pathPrefix: "/v1.0/me/", method: "POST", outcome: .status(429, retryAfter: "0.5")))
        let throttled = await #expect(throws: CalSyncError.self) {
            _ = try await graph.create(
                calendarID: calendar, draft: draft, clientKey: ClientKey.make(), notify: false, logger: harness.logger)
        }
        #expect(throttled?.code == .rateLimited)
        #expect(throttled?.retryAfter == .milliseconds(500), "fractional, as Graph sends it")
        #expect(throttled?.isTransient == true)
        let refused = await #expect(throws: CalSyncError.self) {
            _ = try await graph.create(
                calendarID: calendar, draft: EventDraft(summary: "No times"), clientKey: ClientKey.make(),
                notify: false, logger: harness.logger)
        }
        #expect(refused?.code == .refused)
        #expect(refused?.httpStatus == 400)
    }

    /// Hands out an expired token first, a fresh one from the emulator when asked to refresh.
    final class RefreshingToken: AccessTokenProviding, @unchecked Sendable {
        let state: EmulatorState
        let lock = NSLock()
        var current: String
        var refreshes = 0

        init(state: EmulatorState, expired: String) {
            self.state = state
            self.current = expired
        }

        func accessToken(forceRefresh: Bool) async throws -> String {
            if forceRefresh {
                let fresh = await state.issueTokens(provider: .microsoft).accessToken
                lock.withLock {
                    current = fresh
                    refreshes += 1
                }
            }
            return lock.withLock { current }
        }
    }

    @Test func aWriteWithAnExpiredTokenRefreshesItOnceAndIsSentAgain() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let calendar = await harness.state.defaultGraphCalendarID
        let expired = await harness.state.issueTokens(provider: .microsoft).accessToken
        await harness.state.expireAccessTokens()
        let tokens = RefreshingToken(state: harness.state, expired: expired)
        let graph = GraphProvider(
            configuration: .init(apiBaseURL: harness.emulator.baseURL + "/v1.0", timeZone: "UTC"), tokens: tokens,
            transport: harness.transport)
        let created = try await graph.create(
            calendarID: calendar, draft: WritingHarness.timed("After refresh", days: 1), clientKey: ClientKey.make(),
            notify: false, logger: harness.logger)
        #expect(created.writtenEvent?.event.summary == "After refresh")
        #expect(tokens.lock.withLock { tokens.refreshes } == 1)
        #expect(await harness.state.requests(pathPrefix: "/v1.0/").map(\.status) == [401, 201])
    }

    @Test func theNextDeltaRoundBringsTheWrittenEventWithTheChangeKeyTheWriteReturned() async throws {
        let harness = try await WritingHarness.start()
        defer { Task { await harness.stop() } }
        let graph = await harness.graph()
        let calendar = await harness.state.defaultGraphCalendarID
        let first = try await harness.poll(graph, calendarID: calendar, from: .initial, window: WritingHarness.window)
        let created = try #require(
            try await graph.create(
                calendarID: calendar, draft: WritingHarness.timed("Read your writes", days: 1),
                clientKey: ClientKey.make(), notify: false, logger: harness.logger
            ).writtenEvent)
        let second = try await harness.poll(
            graph, calendarID: calendar, from: first.next, window: WritingHarness.window)
        let polled = try #require(second.changes.flatMap(\.upserts).first { $0.id == created.event.id })
        #expect(polled.etag == created.event.etag)
        #expect(polled.summary == created.event.summary)
        #expect(polled.start == created.event.start)
        #expect(polled.end == created.event.end)

        let updated = try #require(
            try await graph.update(
                calendarID: calendar, eventID: created.event.id, changes: EventDraft(location: "Room 2"),
                ifEtag: created.event.etag, notify: false, logger: harness.logger
            ).writtenEvent)
        let third = try await harness.poll(
            graph, calendarID: calendar, from: second.next, window: WritingHarness.window)
        let repolled = try #require(third.changes.flatMap(\.upserts).first { $0.id == created.event.id })
        #expect(repolled.etag == updated.event.etag)
        #expect(repolled.location == "Room 2")
    }
}
