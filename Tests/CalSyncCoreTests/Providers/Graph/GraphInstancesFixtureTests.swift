import Foundation
import GRDB
import Logging
import Testing

@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncRecurrence
@testable import CalSyncStore

/// The recorded `/instances` answer (`event-instances-occurrences-exception`: three
/// occurrences and an exception moved from Monday 15 to Tuesday 16 April 2019) driven
/// through the real engine into a store: the `occurrences` rows are the series' Mondays
/// with the exception in place of the 15th.
struct GraphInstancesFixtureTests {
    /// The series master the fixture's items point to (the docs do not show it): weekly on
    /// Mondays at 20:30 UTC from 8 April 2019, subject as the instances have it.
    static let master = #"""
        {"@odata.etag":"W/\"m1\"","id":"AAMkAGUzYRgWAAA=","changeKey":"m1","type":"seriesMaster",
         "subject":"Review strategy for Q3","isAllDay":false,"originalStartTimeZone":"UTC",
         "start":{"dateTime":"2019-04-08T20:30:00.0000000","timeZone":"UTC"},
         "end":{"dateTime":"2019-04-08T21:00:00.0000000","timeZone":"UTC"},
         "recurrence":{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["monday"],"firstDayOfWeek":"sunday","index":"first"},
                       "range":{"type":"noEnd","startDate":"2019-04-08","endDate":"0001-01-01","recurrenceTimeZone":"UTC","numberOfOccurrences":0}}}
        """#

    @Test func theRecordedInstancesGiveTheSeriesMondaysWithTheExceptionInPlace() async throws {
        let directory = try TemporaryDirectory()
        let now = Timestamp.parse("2019-04-10T12:00:00Z")!
        let store = try CalendarStore(
            path: directory.path("calsync.db"), writerName: "calsync-tests", expander: RecurrenceExpander(),
            logger: Logger(label: "test"))
        try await store.upsertAccount(
            id: "m", provider: "microsoft", auth: "oauth", email: nil, state: .ok, stateDetail: nil, now: now)
        try await store.replaceCalendars(
            accountID: "m", calendars: [RemoteCalendar(id: "cal", name: "Calendar", timeZone: "UTC", access: .owner)],
            enabledIDs: ["cal"], now: now)
        // Graph adds originalStart to exceptions when asked for it ($select in the recording
        // left it out); the provider needs it to know which Monday the exception replaces.
        let instances = try GraphFixture.variant(
            "event-instances-occurrences-exception", replacing: #""type": "exception","#,
            with: #""type": "exception", "originalStart": "2019-04-15T20:30:00Z","#)
        let items = try #require(
            (try JSONSerialization.jsonObject(with: Data(instances)) as? [String: Any])?["value"] as? [Any])
        let deltaPage = try JSONSerialization.data(withJSONObject: [
            "@odata.deltaLink": "https://graph.test/d?deltatoken=1", "value": items,
        ])
        let transport = ScriptedTransport([
            HTTPResponse(status: 200, body: deltaPage),
            GraphProviderTests.batch([(200, Self.master, "")]),
            // The increment that follows a full listing: nothing changed.
            HTTPResponse(
                status: 200, body: Data(#"{"@odata.deltaLink":"https://graph.test/d?deltatoken=1","value":[]}"#.utf8)),
        ])
        let provider = GraphProvider(
            configuration: .init(apiBaseURL: "https://graph.test/v1.0"), tokens: GraphProviderTests.CountingTokens(),
            transport: transport)
        let outcome = try await CalendarSynchronizer(store: store, logger: Logger(label: "test"), now: { now }).poll(
            provider: provider, accountID: "m", calendarID: "cal",
            window: SyncWindow(
                start: Timestamp.parse("2019-04-08T09:00:00Z")!, end: Timestamp.parse("2019-04-30T09:00:00Z")!),
            maxDeleteRatio: 1)
        #expect(outcome.fullSync)

        var readOnly = Configuration()
        readOnly.readonly = true
        let rows = try DatabaseQueue(path: store.path, configuration: readOnly).read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.start, o."end", o.all_day, o.series_id, e.kind, e.summary
                    FROM occurrences o JOIN events e
                      ON e.account_id = o.account_id AND e.calendar_id = o.calendar_id AND e.id = o.event_id
                    ORDER BY o.start_ts
                    """)
        }
        #expect(
            rows.map { "\($0["start"] as String)/\($0["end"] as String) \($0["kind"] as String)" } == [
                "2019-04-08T20:30:00Z/2019-04-08T21:00:00Z series",
                "2019-04-16T20:30:00Z/2019-04-16T21:00:00Z exception",
                "2019-04-22T20:30:00Z/2019-04-22T21:00:00Z series",
                "2019-04-29T20:30:00Z/2019-04-29T21:00:00Z series",
            ])
        #expect(rows.allSatisfy { ($0["series_id"] as String?) == "AAMkAGUzYRgWAAA=" })
        #expect(rows.allSatisfy { ($0["summary"] as String?) == "Review strategy for Q3" })
        #expect(rows.allSatisfy { ($0["all_day"] as Int) == 0 })
    }
}
