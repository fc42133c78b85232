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

/// GraphProvider driven by the real engine (CalendarSynchronizer) into a real store with
/// the libical expander: stubs become a series row whose expansion gives the instances,
/// an exception replaces its instance, removed instances and series disappear.
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
        ##"{"@odata.type":"#microsoft.graph.event","@odata.etag":"W/\"o\"","id":"\##(id)","seriesMasterId":"seriesMasterId","type":"occurrence","start":{"dateTime":"2023-07-\##(day)T10:25:00.0000000","timeZone":"UTC"},"end":{"dateTime":"2023-07-\##(day)T10:55:00.0000000","timeZone":"UTC"}}"##
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
        let master = HTTPResponse(status: 200, body: Data(GraphProviderTests.master.utf8))
        let gone = HTTPResponse(
            status: 404, body: Data(#"{"error":{"code":"ErrorItemNotFound","message":"gone"}}"#.utf8))
        func instances(_ days: [String]) -> HTTPResponse {
            let items = days.map { $0 == "16" ? Self.exception : Self.stub("o\($0)", $0) }
            return HTTPResponse(status: 200, body: Data(#"{"value":[\#(items.joined(separator: ","))]}"#.utf8))
        }
        let transport = ScriptedTransport([
            // Round 1: three pages; the master and its instances are read once.
            Self.page("https://graph.test/p2", [Self.stub("o02", "02"), Self.stub("o09", "09")]), master,
            instances(["02", "09", "16", "23", "30"]),
            Self.page("https://graph.test/p3", [Self.exception, Self.stub("o23", "23"), Self.allDay]),
            Self.page("https://graph.test/d?deltatoken=1", [Self.stub("o30", "30")]),
            // The increment that follows every full listing: nothing changed since.
            Self.page("https://graph.test/d?deltatoken=1", []),
            // Round 2: an instance changed; /instances no longer lists the 9th (deleted
            // without a @removed we could place).
            Self.page("https://graph.test/d?deltatoken=2", [Self.stub("o30", "30")]), master,
            instances(["02", "16", "23", "30"]),
            // Round 3: the 23rd is removed.
            Self.page("https://graph.test/d?deltatoken=3", [Self.removed("o23")]), master,
            instances(["02", "16", "30"]),
            // Round 4: the delta link is gone; a new round finds the same truth.
            HTTPResponse(status: 410, body: try GraphFixture.data("error-410-syncstatenotfound")),
            Self.page(
                "https://graph.test/d?deltatoken=5",
                [Self.stub("o02", "02"), Self.exception, Self.stub("o30", "30"), Self.allDay]),
            master, instances(["02", "16", "30"]), Self.page("https://graph.test/d?deltatoken=5", []),
            // Round 5: the series is deleted: its instances are removed, the master is gone.
            Self.page("https://graph.test/d?deltatoken=6", [Self.removed("o02"), Self.removed("o30")]), gone,
        ])
        let provider = GraphProvider(
            configuration: .init(apiBaseURL: "https://graph.test/v1.0"), tokens: GraphProviderTests.CountingTokens(),
            transport: transport)
        let synchronizer = CalendarSynchronizer(store: store, logger: Logger(label: "test"), now: { Self.now })
        func poll() async throws -> CalendarSynchronizer.Outcome {
            try await synchronizer.poll(
                provider: provider, accountID: Self.accountID, calendarID: Self.calendarID, window: Self.window,
                maxDeleteRatio: 1)
        }
        func occurrences() throws -> [String] {
            var configuration = Configuration()
            configuration.readonly = true
            return try DatabaseQueue(path: store.path, configuration: configuration).read { db in
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT o.start || ' ' || e.kind || ' ' || COALESCE(e.summary, '') FROM occurrences o JOIN events e ON e.account_id = o.account_id AND e.calendar_id = o.calendar_id AND e.id = o.event_id ORDER BY o.start_ts, o.instance_id"
                )
            }
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

        let resync = try await poll()
        #expect(resync.fullSync)
        #expect(try occurrences() == afterRemoval)

        _ = try await poll()
        #expect(try occurrences() == ["2023-07-14 single Holiday"])
        #expect(transport.requests.count == 17 + 2, "an increment after each of the two full listings")
    }
}
