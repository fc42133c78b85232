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

/// GraphProvider driven by the real engine (CalendarSynchronizer) into a real store: every
/// stub, exception and single Graph lists is an occurrence under Graph's id, the master
/// is the series row, removed ids disappear exactly, and nothing is expanded locally.
struct GraphSyncTests {
    static let accountID = "m"
    static let calendarID = "cal"
    static let window = SyncWindow(
        start: Timestamp.parse("2023-07-01T00:00:00Z")!, end: Timestamp.parse("2023-08-01T00:00:00Z")!)
    static let now = Timestamp.parse("2023-07-10T12:00:00Z")!

    static func page(_ link: String, _ items: [String]) -> HTTPResponse {
        let key = link.contains("deltatoken") ? "@odata.deltaLink" : "@odata.nextLink"
        return HTTPResponse(
            status: 200, body: Data(#"{"\#(key)":"\#(link)","value":[\#(items.joined(separator: ","))]}"#.utf8))
    }

    static func stub(_ id: String, _ day: String) -> String {
        ##"{"@odata.type":"#microsoft.graph.event","@odata.etag":"W/\"m1\"","id":"\##(id)","seriesMasterId":"seriesMasterId","type":"occurrence","start":{"dateTime":"2023-07-\##(day)T10:25:00.0000000","timeZone":"UTC"},"end":{"dateTime":"2023-07-\##(day)T10:55:00.0000000","timeZone":"UTC"}}"##
    }

    static let exception =
        #"{"@odata.etag":"W/\"x\"","id":"ex16","changeKey":"x","type":"exception","seriesMasterId":"seriesMasterId","subject":"Standup (late)","isAllDay":false,"originalStart":"2023-07-16T10:25:00Z","originalStartTimeZone":"UTC","start":{"dateTime":"2023-07-16T12:00:00.0000000","timeZone":"UTC"},"end":{"dateTime":"2023-07-16T12:30:00.0000000","timeZone":"UTC"}}"#

    static let allDay =
        #"{"@odata.etag":"W/\"a\"","id":"holiday","changeKey":"a","type":"singleInstance","subject":"Holiday","isAllDay":true,"start":{"dateTime":"2023-07-14T00:00:00.0000000","timeZone":"UTC"},"end":{"dateTime":"2023-07-15T00:00:00.0000000","timeZone":"UTC"}}"#

    static func removed(_ id: String) -> String {
        ##"{"@odata.type":"#microsoft.graph.event","id":"\##(id)","@removed":{"reason":"deleted"}}"##
    }

    @Test func aRoundWithStubsAnExceptionAndAnAllDayEventThenRemovals() async throws {
        let directory = try TemporaryDirectory()
        let store = try CalendarStore(
            path: directory.path("calsync.db"), writerName: "calsync-tests", expander: RecurrenceExpander(),
            logger: Logger(label: "test"))
        try await store.upsertAccount(
            id: Self.accountID, provider: "microsoft", auth: "oauth", email: nil, state: .ok, stateDetail: nil,
            now: Self.now)
        try await store.replaceCalendars(
            accountID: Self.accountID,
            calendars: [RemoteCalendar(id: Self.calendarID, name: "Calendar", timeZone: "UTC", access: .owner)],
            enabledIDs: [Self.calendarID], now: Self.now)
        let master = GraphProviderTests.masterBatch
        let transport = ScriptedTransport([
            // Round 1: three pages; the master is read once, in one batch, for the first.
            Self.page("https://graph.test/p2", [Self.stub("o02", "02"), Self.stub("o09", "09")]), master,
            Self.page("https://graph.test/p3", [Self.exception, Self.stub("o23", "23"), Self.allDay]),
            Self.page("https://graph.test/d?deltatoken=1", [Self.stub("o30", "30")]),
            // The increment that follows every full listing: nothing changed since.
            Self.page("https://graph.test/d?deltatoken=1", []),
            // Round 2: the 9th is deleted in Outlook.
            Self.page("https://graph.test/d?deltatoken=2", [Self.removed("o09")]),
            // Round 3: the 23rd is removed.
            Self.page("https://graph.test/d?deltatoken=3", [Self.removed("o23")]),
            // Round 4: the delta link is gone; a new round finds the same truth.
            HTTPResponse(status: 410, body: try GraphFixture.data("error-410-syncstatenotfound")),
            Self.page(
                "https://graph.test/d?deltatoken=5",
                [Self.stub("o02", "02"), Self.exception, Self.stub("o30", "30"), Self.allDay]),
            master, Self.page("https://graph.test/d?deltatoken=5", []),
            // Round 5: the series is deleted: each of its instances is removed (never the master).
            Self.page(
                "https://graph.test/d?deltatoken=6", [Self.removed("o02"), Self.removed("ex16"), Self.removed("o30")]),
        ])
        // One delta page per store page: the script puts each page's master batch after it
        // (and so reads no page ahead, which would race the batch).
        let provider = GraphProvider(
            configuration: .init(apiBaseURL: "https://graph.test/v1.0", pagesPerStorePage: 1, readsAhead: false),
            tokens: GraphProviderTests.CountingTokens(), transport: transport)
        let synchronizer = CalendarSynchronizer(store: store, logger: Logger(label: "test"), now: { Self.now })
        func poll() async throws -> CalendarSynchronizer.Outcome {
            try await synchronizer.poll(
                provider: provider, accountID: Self.accountID, calendarID: Self.calendarID, window: Self.window,
                maxDeleteRatio: 1)
        }
        func read(_ sql: String) throws -> [String] {
            var configuration = Configuration()
            configuration.readonly = true
            return try DatabaseQueue(path: store.path, configuration: configuration).read { db in
                try String.fetchAll(db, sql: sql)
            }
        }
        func occurrences() throws -> [String] {
            try read(
                "SELECT o.start || ' ' || e.kind || ' ' || COALESCE(e.summary, '') FROM occurrences o JOIN events e ON e.account_id = o.account_id AND e.calendar_id = o.calendar_id AND e.id = o.event_id ORDER BY o.start_ts, o.instance_id"
            )
        }

        let first = try await poll()
        #expect(first.fullSync && first.pages == 3 + 1)
        #expect(
            try occurrences() == [
                "2023-07-02T10:25:00Z series Standup", "2023-07-09T10:25:00Z series Standup",
                "2023-07-14 single Holiday", "2023-07-16T12:00:00Z exception Standup (late)",
                "2023-07-23T10:25:00Z series Standup", "2023-07-30T10:25:00Z series Standup",
            ])
        #expect(
            try await store.savedCursor(accountID: Self.accountID, calendarID: Self.calendarID)?.token
                == "https://graph.test/d?deltatoken=1")
        // Every occurrence under the id Graph listed it with; only what Graph sent (and the master) in events.
        #expect(
            try read("SELECT instance_id FROM occurrences ORDER BY start_ts") == [
                "o02", "o09", "holiday", "ex16", "o23", "o30",
            ])
        #expect(try read("SELECT id FROM events ORDER BY id") == ["ex16", "holiday", "seriesMasterId"])

        let second = try await poll()
        #expect(!second.fullSync && second.pages == 1)
        #expect(
            try occurrences() == [
                "2023-07-02T10:25:00Z series Standup", "2023-07-14 single Holiday",
                "2023-07-16T12:00:00Z exception Standup (late)", "2023-07-23T10:25:00Z series Standup",
                "2023-07-30T10:25:00Z series Standup",
            ])

        _ = try await poll()
        let afterRemoval = [
            "2023-07-02T10:25:00Z series Standup", "2023-07-14 single Holiday",
            "2023-07-16T12:00:00Z exception Standup (late)", "2023-07-30T10:25:00Z series Standup",
        ]
        #expect(try occurrences() == afterRemoval)
        #expect(try read("SELECT id FROM events ORDER BY id") == ["ex16", "holiday", "seriesMasterId"])

        let resync = try await poll()
        #expect(resync.fullSync)
        #expect(try occurrences() == afterRemoval)

        _ = try await poll()
        #expect(try occurrences() == ["2023-07-14 single Holiday"])
        // The series went with its last occurrence.
        #expect(try read("SELECT id FROM events ORDER BY id") == ["holiday"])
        // Listing pages + one batch per round's series + the increment after each full listing.
        #expect(transport.requests.count == 12)
    }
}
