import Foundation
import GRDB
import Logging

@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncRecurrence
@testable import CalSyncStore

/// The Google fixtures (Tests/CalSyncCoreTests/Fixtures/google) as the tests read them.
enum GoogleFixture {
    static func data(_ name: String) throws -> Data {
        try Fixtures.data("google", name)
    }

    /// An events page decoded by ``GoogleMapping/page(_:)``.
    static func page(_ name: String) throws -> (envelope: GoogleWire.EventsPage, changes: ChangePage) {
        try GoogleMapping.page(Array(try data(name)))
    }

    /// A fixture that holds a bare `items` array (not a whole response), wrapped into a
    /// page without envelope fields so that it goes through the same decoder.
    static func itemsPage(_ name: String) throws -> (envelope: GoogleWire.EventsPage, changes: ChangePage) {
        try GoogleMapping.page(Array(#"{"items":"#.utf8) + Array(try data(name)) + Array("}".utf8))
    }

    /// The fixture's items as plain JSON objects, to compare `raw` with what was received.
    static func jsonItems(_ name: String) throws -> [NSDictionary] {
        let object = try JSONSerialization.jsonObject(with: try data(name))
        if let items = object as? [NSDictionary] { return items }
        return ((object as? NSDictionary)?["items"] as? [NSDictionary]) ?? []
    }

    /// A fixture's text with every occurrence of `original` replaced: for the few derived
    /// variants whose deviation from the recorded payload is the point of a test.
    static func variant(_ name: String, replacing original: String, with replacement: String) throws -> [UInt8] {
        let text = String(decoding: try data(name), as: UTF8.self)
        precondition(text.contains(original), "\(name) does not contain \(original)")
        return Array(text.replacingOccurrences(of: original, with: replacement).utf8)
    }
}

/// The store's instant text as Unix seconds, for the `*_ts` columns.
func unixSeconds(_ text: String) -> Int64 {
    Int64(Timestamp.parse(text)!.timeIntervalSince1970)
}

/// An access token source that always hands out the same token.
struct FixedAccessToken: AccessTokenProviding {
    func accessToken(forceRefresh: Bool) async throws -> String { "test-access-token" }
}

/// A row of `events`, every column docs/store.md names, read back as a reader would.
struct EventRow: Equatable {
    var id: String
    var icalUID: String?
    var etag: String?
    var kind: String
    var seriesID: String?
    var originalStart: String?
    var status: String
    var summary: String?
    var description: String?
    var location: String?
    var allDay: Int
    var start: String
    var end: String
    var startTS: Int64
    var endTS: Int64
    var timeZone: String?
    var recurrence: String?
    var transparency: String
    var visibility: String
    var organizer: String?
    var attendees: String
    var url: String?
    var conferenceURL: String?
    var eventType: String?
    var created: String?
    var updated: String?
    var raw: String

    init(_ row: Row) {
        id = row["id"]
        icalUID = row["ical_uid"]
        etag = row["etag"]
        kind = row["kind"]
        seriesID = row["series_id"]
        originalStart = row["original_start"]
        status = row["status"]
        summary = row["summary"]
        description = row["description"]
        location = row["location"]
        allDay = row["all_day"]
        start = row["start"]
        end = row["end"]
        startTS = row["start_ts"]
        endTS = row["end_ts"]
        timeZone = row["time_zone"]
        recurrence = row["recurrence"]
        transparency = row["transparency"]
        visibility = row["visibility"]
        organizer = row["organizer"]
        attendees = row["attendees"]
        url = row["url"]
        conferenceURL = row["conference_url"]
        eventType = row["event_type"]
        created = row["created"]
        updated = row["updated"]
        raw = row["raw"]
    }
}

/// A row of `occurrences`.
struct OccurrenceRow: Equatable, CustomStringConvertible {
    var instanceID: String
    var eventID: String
    var seriesID: String?
    var start: String
    var end: String
    var allDay: Int
    var startTS: Int64
    var endTS: Int64

    init(_ row: Row) {
        instanceID = row["instance_id"]
        eventID = row["event_id"]
        seriesID = row["series_id"]
        start = row["start"]
        end = row["end"]
        allDay = row["all_day"]
        startTS = row["start_ts"]
        endTS = row["end_ts"]
    }

    /// A timed instance as the store should hold it.
    init(_ instanceID: String, event eventID: String, series seriesID: String?, _ start: String, _ end: String) {
        self.instanceID = instanceID
        self.eventID = eventID
        self.seriesID = seriesID
        self.start = start
        self.end = end
        allDay = 0
        startTS = unixSeconds(start)
        endTS = unixSeconds(end)
    }

    var description: String { "\(instanceID) → \(eventID) [\(start), \(end))" }
}

/// A temporary store with account `g` (Google) and calendar `cal`, fed Google fixture
/// pages, with the real recurrence expander; read back read-only, as any reader does.
final class GoogleFixtureStore {
    static let accountID = "g"
    static let calendarID = "cal"

    let directory: TemporaryDirectory
    let store: CalendarStore
    let window: SyncWindow
    let now: Date

    /// - Parameters:
    ///   - now: the apply time; the window is 30 days either side of its UTC day.
    ///   - calendarZone: the zone the calendar list gave (events pages may override it).
    ///   - logger: the store's; the fuzz test quiets the quarantine warnings of its 10,000 pages.
    init(now: String, calendarZone: String?, logger: Logger = Logger(label: "test")) async throws {
        directory = try TemporaryDirectory()
        self.now = Timestamp.parse(now)!
        window = SyncWindow.around(self.now, past: .seconds(30 * 86_400), future: .seconds(30 * 86_400))
        store = try CalendarStore(
            path: directory.path("calsync.db"), writerName: "calsync-tests", expander: RecurrenceExpander(),
            logger: logger)
        try await store.upsertAccount(
            id: Self.accountID, provider: "google", auth: "oauth", email: "test.user@gmail.com", state: .ok,
            stateDetail: nil, now: self.now)
        try await store.replaceCalendars(
            accountID: Self.accountID,
            calendars: [RemoteCalendar(id: Self.calendarID, name: "Test", timeZone: calendarZone, access: .owner)],
            enabledIDs: [Self.calendarID], now: self.now)
    }

    /// Starts a full re-sync the way the engine does: a poll attempt, then mark and sweep.
    func beginFullSync() async throws {
        try await store.recordAttempt(accountID: Self.accountID, calendarID: Self.calendarID, now: now)
        try await store.beginFullSync(accountID: Self.accountID, calendarID: Self.calendarID, now: now)
    }

    /// Applies a decoded page with the cursor its envelope announces, as the engine does.
    @discardableResult
    func apply(
        _ page: (envelope: GoogleWire.EventsPage, changes: ChangePage), mode: PageMode = .incremental
    ) async throws -> PageOutcome {
        let cursor: SyncCursor =
            if let token = page.envelope.nextPageToken {
                .page(token)
            } else if let token = page.envelope.nextSyncToken {
                .delta(token)
            } else {
                .initial
            }
        return try await store.applyPage(
            page.changes, accountID: Self.accountID, calendarID: Self.calendarID, cursor: cursor, fingerprint: "f",
            mode: mode, window: window, now: now)
    }

    /// Decodes and applies a whole-response fixture.
    @discardableResult
    func apply(_ fixture: String, mode: PageMode = .incremental) async throws -> PageOutcome {
        try await apply(try GoogleFixture.page(fixture), mode: mode)
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: store.path, configuration: configuration).read(body)
    }

    func events() throws -> [EventRow] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM events ORDER BY id").map(EventRow.init) }
    }

    func event(_ id: String) throws -> EventRow? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM events WHERE id = ?", arguments: [id]).map(EventRow.init)
        }
    }

    func occurrences(_ condition: String = "1", _ arguments: StatementArguments = []) throws -> [OccurrenceRow] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM occurrences WHERE \(condition) ORDER BY start_ts, instance_id",
                arguments: arguments
            ).map(OccurrenceRow.init)
        }
    }

    func strings(_ sql: String, _ arguments: StatementArguments = []) throws -> [String?] {
        try read { db in try String?.fetchAll(db, sql: sql, arguments: arguments) }
    }

    func int(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? -1 }
    }

    /// The `changes` feed as `op id` lines, oldest first.
    func changes() throws -> [String] {
        try strings("SELECT op || ' ' || event_id FROM changes ORDER BY seq").compactMap { $0 }
    }

    func savedToken() async throws -> String? {
        try await store.savedCursor(accountID: Self.accountID, calendarID: Self.calendarID)?.token
    }
}
