import Foundation
import GRDB
import Testing

@testable import CalSyncModel
@testable import CalSyncStore

/// The store's outbox (docs/store.md "outbox"): the migration, queueing with its defaults
/// and checks, taking and finishing rows, read-your-writes in the transaction that marks
/// a row done, and rows other programs insert with SQL.
struct OutboxStoreTests {
    static func count(_ store: CalendarStore, _ sql: String) throws -> Int {
        let queue = try DatabaseQueue(path: store.path)
        return try queue.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    static func execute(_ store: CalendarStore, _ sql: String) throws {
        let queue = try DatabaseQueue(path: store.path)
        try queue.write { db in try db.execute(sql: sql) }
    }

    static func create(_ summary: String = "Lunch", start: String = "2026-03-05T12:00:00Z") -> OutboxRequest {
        let begin = Timestamp.parse(start)!
        return OutboxRequest(
            accountID: "a", calendarID: "c", op: .create,
            draft: EventDraft(summary: summary, start: .instant(begin), end: .instant(begin.addingTimeInterval(3600))))
    }

    @Test func theMigrationRebuildsTheOutboxKeepingItsRows() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("calsync.db")
        do {
            let queue = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(queue, upTo: "v5")
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO outbox(account_id, calendar_id, op, payload) VALUES ('a', 'c', 'create', '{"summary":"x"}')
                        """)
            }
        }
        let store = try StoreFixtures.openStore(path)
        #expect(try Self.count(store, "PRAGMA user_version") == StoreSchema.version)
        #expect(
            try Self.count(store, "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND attempts = 0 AND notify = 0")
                == 1)
        // The new state is admitted, an unknown one still refused.
        try Self.execute(store, "UPDATE outbox SET state = 'sent'")
        #expect(throws: (any Error).self) { try Self.execute(store, "UPDATE outbox SET state = 'lost'") }
    }

    @Test func queueingFillsTheEtagAndTheClientKeyAndChecksTheTarget() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        var series = StoreFixtures.timed("m", "2026-03-02T08:00:00Z", etag: "series-etag")
        series.kind = .series
        series.recurrence = ["RRULE:FREQ=DAILY;COUNT=3"]
        _ = try await StoreFixtures.apply(store, upserts: [StoreFixtures.timed("x", "2026-03-05T10:00:00Z"), series])

        let created = try await store.enqueueWrite(Self.create(), now: StoreFixtures.now)
        #expect(created.state == .pending)
        #expect(ClientKey.isValid(created.clientKey ?? ""))
        #expect(created.ifEtag == nil)
        #expect(created.payload?.contains(#""summary":"Lunch""#) == true)

        let update = try await store.enqueueWrite(
            OutboxRequest(
                accountID: "a", calendarID: "c", op: .update, eventID: "x", draft: EventDraft(summary: "New")),
            now: StoreFixtures.now)
        #expect(update.ifEtag == "e1")
        #expect(update.clientKey == nil)
        // One occurrence of a series: based on the series' etag.
        let instance = try await store.enqueueWrite(
            OutboxRequest(accountID: "a", calendarID: "c", op: .delete, eventID: "m_20260303T080000Z"),
            now: StoreFixtures.now)
        #expect(instance.ifEtag == "series-etag")
        let forced = try await store.enqueueWrite(
            OutboxRequest(accountID: "a", calendarID: "c", op: .delete, eventID: "x", basedOn: .force),
            now: StoreFixtures.now)
        #expect(forced.ifEtag == OutboxRow.forcedEtag)
        #expect(forced.etagToSend == nil)
        // By the calendar's name.
        let byName = try await store.enqueueWrite(
            OutboxRequest(
                accountID: "a", calendarID: "Work", op: .update, eventID: "x", draft: EventDraft(location: "Here")),
            now: StoreFixtures.now)
        #expect(byName.calendarID == "c")

        let unknown = await #expect(throws: CalSyncError.self) {
            _ = try await store.enqueueWrite(
                OutboxRequest(accountID: "a", calendarID: "c", op: .delete, eventID: "nope"), now: StoreFixtures.now)
        }
        #expect(unknown?.message.contains("no event or occurrence \"nope\"") == true)
        let noSummary = await #expect(throws: CalSyncError.self) {
            _ = try await store.enqueueWrite(
                OutboxRequest(
                    accountID: "a", calendarID: "c", op: .create,
                    draft: EventDraft(
                        start: .date(CalendarDate("2026-03-05")!), end: .date(CalendarDate("2026-03-06")!))),
                now: StoreFixtures.now)
        }
        #expect(noSummary?.message == "payload: a create needs summary")
        #expect(try Self.count(store, "SELECT COUNT(*) FROM outbox") == 5)
        #expect(try await store.writeCounts() == ["a": OutboxCounts(pending: 5)])
    }

    @Test func payloadErrorsNameTheMember() {
        func message(_ text: String, _ op: OutboxRow.Op = .create) -> String {
            do {
                _ = try OutboxPayload.parse(text, op: op)
                return "accepted"
            } catch {
                return (error as? CalSyncError)?.message ?? "\(error)"
            }
        }
        #expect(
            message(#"{"summary":"a","start":"2026-03-05","end":"2026-03-06","colour":"red"}"#).contains(#""colour""#))
        #expect(message(#"{"summary":1}"#) == "payload: summary must be a string")
        #expect(
            message(#"{"summary":"a","start":"tomorrow","end":"2026-03-06"}"#).hasPrefix(#"payload: start "tomorrow""#))
        #expect(
            message(#"{"summary":"a","start":"2026-03-05T10:00:00","end":"2026-03-05T11:00:00Z"}"#).hasPrefix(
                "payload: start"))
        #expect(message(#"{"summary":"a","start":"2026-03-06","end":"2026-03-05"}"#).contains("is not after start"))
        #expect(
            message(#"{"summary":"a","start":"2026-03-05","end":"2026-03-06","all_day":false}"#).contains("all_day"))
        #expect(message(#"{"transparency":"busy"}"#, .update).contains("transparency"))
        #expect(message(#"{"time_zone":"Mars/Olympus"}"#, .update).contains("time_zone"))
        #expect(message(#"{"recurrence":["WEEKLY"]}"#, .update).contains("recurrence"))
        #expect(message("{}", .update) == "payload: an update needs at least one member to change")
        #expect(message(#"{"summary":"a"}"#, .delete) == "payload: a delete takes no members")
        #expect(message("[1]").hasPrefix("payload is not a JSON object"))
        // The store's formats, an offset read into UTC, a bare rule prefixed.
        let draft = try? OutboxPayload.parse(
            #"{"summary":"a","start":"2026-03-05T10:00:00+01:00","end":"2026-03-05T11:00:00Z","recurrence":["freq=daily;count=2"],"description":null}"#,
            op: .create)
        #expect(draft?.start == .instant(Timestamp.parse("2026-03-05T09:00:00Z")!))
        #expect(draft?.recurrence == ["RRULE:FREQ=DAILY;COUNT=2"])
        #expect(draft?.description == nil)
        #expect(OutboxPayload.text(draft!)?.contains(#""start":"2026-03-05T09:00:00Z""#) == true)
    }

    @Test func aFinishedWriteIsInTheAgendaInTheTransactionThatMarksItsRowDone() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let queued = try await store.enqueueWrite(Self.create(), now: StoreFixtures.now)
        let taken = try #require(try await store.takeNextWrite(accountID: "a", now: StoreFixtures.now))
        #expect(taken.id == queued.id)
        #expect(taken.state == .sent)
        #expect(taken.attempts == 1)
        #expect(try await store.takeNextWrite(accountID: "a", now: StoreFixtures.now) == nil)

        var event = StoreFixtures.timed(taken.clientKey!, "2026-03-05T12:00:00Z", minutes: 60, etag: "p1")
        event.summary = "Lunch"
        try await store.finishWriteDone(
            taken, written: WrittenEvent(event: event), occurrenceSource: .expanded, window: StoreFixtures.window,
            now: StoreFixtures.now)
        #expect(try Self.count(store, "SELECT COUNT(*) FROM agenda WHERE summary = 'Lunch'") == 1)
        #expect(try Self.count(store, "SELECT COUNT(*) FROM changes WHERE op = 'upsert'") == 1)
        #expect(try Self.count(store, "SELECT COUNT(*) FROM outbox WHERE state = 'done' AND error IS NULL") == 1)
        #expect(try await store.outboxRow(id: queued.id)?.resultEventID == taken.clientKey)
        #expect(try Self.count(store, "SELECT COUNT(*) FROM internal_cursors") == 0)
        #expect(try await store.openWrites().isEmpty)
        // The next poll brings the same event (same etag): nothing changes, nothing doubles.
        let again = try await StoreFixtures.apply(store, upserts: [event])
        #expect(again.unchanged == 1)
        #expect(try Self.count(store, "SELECT COUNT(*) FROM changes") == 1)
    }

    @Test func deletingOneOccurrenceCancelsThatInstanceOnly() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let series = StoreFixtures.dailySeries("m", "2026-03-02T08:00:00Z", count: 5)
        _ = try await StoreFixtures.apply(store, upserts: [series, StoreFixtures.timed("x", "2026-03-05T10:00:00Z")])
        #expect(try Self.count(store, "SELECT COUNT(*) FROM agenda") == 6)

        for id in ["m_20260304T080000Z", "x"] {
            _ = try await store.enqueueWrite(
                OutboxRequest(accountID: "a", calendarID: "c", op: .delete, eventID: id), now: StoreFixtures.now)
            let row = try #require(try await store.takeNextWrite(accountID: "a", now: StoreFixtures.now))
            try await store.finishWriteDone(
                row, written: nil, occurrenceSource: .expanded, window: StoreFixtures.window, now: StoreFixtures.now)
        }
        #expect(try Self.count(store, "SELECT COUNT(*) FROM agenda WHERE event_id = 'm'") == 4)
        #expect(try Self.count(store, "SELECT COUNT(*) FROM agenda WHERE instance_id = 'm_20260304T080000Z'") == 0)
        #expect(
            try Self.count(
                store, "SELECT COUNT(*) FROM events WHERE id = 'm_20260304T080000Z' AND status = 'cancelled'") == 1)
        #expect(try Self.count(store, "SELECT COUNT(*) FROM events WHERE id = 'x'") == 0)
        #expect(try Self.count(store, "SELECT COUNT(*) FROM changes WHERE op = 'delete' AND event_id = 'x'") == 1)
    }

    /// Found by `scripts/chaos` (write): the first DELETE of an occurrence got through but
    /// its answer was lost, a poll stored the provider's cancelled instance, and the retry
    /// ended done. The provider's row stays as the poll stored it, etag and all: a cancelled
    /// instance made up over it would keep a stale etag for good, since the provider has no
    /// further change to send.
    @Test func aDeleteRetriedAfterThePollStoredTheCancelledInstanceKeepsTheProvidersRow() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        _ = try await StoreFixtures.apply(
            store, upserts: [StoreFixtures.dailySeries("m", "2026-03-02T08:00:00Z", count: 5)])
        _ = try await store.enqueueWrite(
            OutboxRequest(accountID: "a", calendarID: "c", op: .delete, eventID: "m_20260304T080000Z"),
            now: StoreFixtures.now)
        let row = try #require(try await store.takeNextWrite(accountID: "a", now: StoreFixtures.now))

        var cancelled = StoreFixtures.timed("m_20260304T080000Z", "2026-03-04T08:00:00Z", etag: "provider-2")
        cancelled.kind = .exception
        cancelled.seriesID = "m"
        cancelled.originalStart = cancelled.start
        cancelled.status = .cancelled
        cancelled.raw = #"{"id":"m_20260304T080000Z","status":"cancelled","etag":"provider-2"}"#
        _ = try await StoreFixtures.apply(store, upserts: [cancelled])
        let changes = try Self.count(store, "SELECT COUNT(*) FROM changes")

        try await store.finishWriteDone(
            row, written: nil, occurrenceSource: .expanded, window: StoreFixtures.window, now: StoreFixtures.now)
        #expect(try Self.count(store, "SELECT COUNT(*) FROM outbox WHERE state = 'done'") == 1)
        #expect(
            try Self.count(
                store,
                """
                SELECT COUNT(*) FROM events WHERE id = 'm_20260304T080000Z' AND status = 'cancelled'
                    AND etag = 'provider-2' AND raw LIKE '%provider-2%'
                """) == 1)
        #expect(try Self.count(store, "SELECT COUNT(*) FROM changes") == changes)
        #expect(try Self.count(store, "SELECT COUNT(*) FROM agenda WHERE event_id = 'm'") == 4)
    }

    @Test func aSeriesWrittenWhereTheProviderListsOccurrencesIsNotExpandedByTheStore() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        _ = try await store.enqueueWrite(Self.create("Standup"), now: StoreFixtures.now)
        let row = try #require(try await store.takeNextWrite(accountID: "a", now: StoreFixtures.now))
        var series = StoreFixtures.timed(row.clientKey!, "2026-03-05T12:00:00Z", minutes: 30, etag: "p1")
        series.summary = "Standup"
        series.kind = .series
        series.recurrence = ["RRULE:FREQ=DAILY;COUNT=4"]
        // Graph's answer to a series carries no occurrences: the poll after the write lists
        // them under Graph's ids. Expanded here too, each would be in the agenda twice.
        try await store.finishWriteDone(
            row, written: WrittenEvent(event: series), occurrenceSource: .listed, window: StoreFixtures.window,
            now: StoreFixtures.now)
        #expect(try Self.count(store, "SELECT COUNT(*) FROM events WHERE summary = 'Standup'") == 1)
        #expect(try Self.count(store, "SELECT COUNT(*) FROM occurrences") == 0)
        #expect(try Self.count(store, "SELECT COUNT(*) FROM outbox WHERE state = 'done'") == 1)
    }

    @Test func rowsInsertedWithSQLGetTheirDefaultsAndABadPayloadFails() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        _ = try await StoreFixtures.apply(store, upserts: [StoreFixtures.timed("x", "2026-03-05T10:00:00Z")])
        try Self.execute(
            store,
            """
            INSERT INTO outbox(account_id, calendar_id, op, payload)
                VALUES ('a', 'c', 'create', '{"summary":"From SQL","start":"2026-03-06","end":"2026-03-07"}');
            INSERT INTO outbox(account_id, calendar_id, op, event_id, payload) VALUES ('a', 'c', 'update', 'x', '{"sumary":"typo"}');
            INSERT INTO outbox(account_id, calendar_id, op, event_id) VALUES ('a', 'c', 'delete', 'x');
            """)
        #expect(try await store.accountsWithPendingWrites(now: StoreFixtures.now) == ["a"])
        let create = try #require(try await store.takeNextWrite(accountID: "a", now: StoreFixtures.now))
        #expect(ClientKey.isValid(create.clientKey ?? ""))
        // The update's payload has a typo: failed, naming it; the delete comes next.
        let delete = try #require(try await store.takeNextWrite(accountID: "a", now: StoreFixtures.now))
        #expect(delete.op == .delete)
        #expect(delete.ifEtag == "e1")
        let failed = try #require(try await store.openWrites().first { $0.state == .failed })
        #expect(failed.error?.contains(#"unknown member "sumary""#) == true)
        #expect(try await store.writeCounts()["a"] == OutboxCounts(pending: 2, failed: 1))
    }

    @Test func retryDropAndRequeueFollowTheStates() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        _ = try await StoreFixtures.apply(store, upserts: [StoreFixtures.timed("x", "2026-03-05T10:00:00Z")])
        let row = try await store.enqueueWrite(
            OutboxRequest(accountID: "a", calendarID: "c", op: .update, eventID: "x", draft: EventDraft(summary: "S")),
            now: StoreFixtures.now)
        await #expect(throws: CalSyncError.self) {
            _ = try await store.retryWrite(id: row.id, force: false, now: StoreFixtures.now)
        }
        let sent = try #require(try await store.takeNextWrite(accountID: "a", now: StoreFixtures.now))
        await #expect(throws: CalSyncError.self) { _ = try await store.dropWrite(id: row.id) }
        // A daemon killed while sending: the row is pending again, its attempt counted.
        #expect(try await store.requeueSentWrites(now: StoreFixtures.now) == 1)
        #expect(try await store.outboxRow(id: row.id)?.state == .pending)
        let again = try #require(try await store.takeNextWrite(accountID: "a", now: StoreFixtures.now))
        #expect(again.attempts == 2)
        try await store.finishWrite(
            sent, state: .conflict, error: "summary changed at the provider", now: StoreFixtures.now)
        #expect(try await store.writeCounts()["a"] == OutboxCounts(conflict: 1))
        let forced = try await store.retryWrite(id: row.id, force: true, now: StoreFixtures.now)
        #expect(forced.state == .pending)
        #expect(forced.ifEtag == OutboxRow.forcedEtag)
        #expect(forced.error == nil)
        #expect(try await store.dropWrite(id: row.id).id == row.id)
        #expect(try await store.openWrites().isEmpty)
    }
}
