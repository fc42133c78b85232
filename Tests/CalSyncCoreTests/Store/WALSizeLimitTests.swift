import Foundation
import GRDB
import Logging
import Synchronization
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncRecurrence
@testable import CalSyncStore

/// A reader that holds a transaction lets the WAL grow; once it lets go, the next poll
/// empties a WAL past its limit (journal_size_limit and a TRUNCATE checkpoint, issue 16).
struct WALSizeLimitTests {
    static let limit = 256 << 10

    /// A first listing of `count` events with bulky bodies, in pages of 500; then empty increments.
    final class BulkProvider: CalendarProvider {
        let count: Int
        init(count: Int) { self.count = count }

        func listCalendars(logger: Logger) async throws -> [RemoteCalendar] { [] }

        func cursorFingerprint(calendarID: String, window: SyncWindow) -> String { "f" }

        func changes(
            calendarID: String, cursor: SyncCursor, window: SyncWindow, logger: Logger
        ) async throws -> ProviderPage {
            let first: Int
            switch cursor {
            case .delta: return ProviderPage(changes: ChangePage(upserts: [], deletions: []), next: .delta("d"))
            case .initial: first = 0
            case .page(let token): first = Int(token) ?? 0
            }
            let last = min(count, first + 500)
            let padding = String(repeating: "x", count: 1000)
            let events = (first..<last).map { index in
                var event = StoreFixtures.timed("e\(index)", "2026-03-05T10:00:00Z")
                event.raw = #"{"id":"e\#(index)","description":"\#(padding)"}"#
                return event
            }
            return ProviderPage(
                changes: ChangePage(upserts: events, deletions: []),
                next: last < count ? .page(String(last)) : .delta("d"))
        }
    }

    static func walSize(_ store: CalendarStore) -> Int {
        var info = stat()
        return stat(store.path + "-wal", &info) == 0 ? Int(info.st_size) : -1
    }

    static func poll(_ store: CalendarStore, _ provider: BulkProvider) async throws -> CalendarSynchronizer.Outcome {
        try await CalendarSynchronizer(store: store, logger: Logger(label: "test"), now: { StoreFixtures.now })
            .poll(
                provider: provider, accountID: "a", calendarID: "c", window: StoreFixtures.window,
                maxDeleteRatio: 0.5)
    }

    @Test func theWALShrinksToItsLimitOnceTheReaderLetsGo() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("calsync.db")
        let store = try CalendarStore(
            path: path, writerName: "calsync-tests", expander: DailyTestExpander(), logger: Logger(label: "test"),
            walSizeLimit: Self.limit)
        try await store.upsertAccount(
            id: "a", provider: "google", auth: "oauth", email: nil, state: .ok, stateDetail: nil,
            now: StoreFixtures.now)
        try await store.replaceCalendars(
            accountID: "a",
            calendars: [
                RemoteCalendar(id: "c", name: "Work", timeZone: "Europe/Berlin", access: .owner, isPrimary: true)
            ],
            enabledIDs: ["c"], now: StoreFixtures.now)

        // A reader (sqlite3, a script) inside a read transaction during a 5,000-event listing.
        let reader = try DatabaseQueue(
            path: store.path,
            configuration: {
                var c = Configuration()
                c.readonly = true
                // The point is a transaction left open across accesses, as a careless reader does.
                c.allowsUnsafeTransactions = true
                return c
            }())
        let held = try await reader.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN")
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? -1
        }
        #expect(held == 0)
        let provider = BulkProvider(count: 5000)
        let first = try await Self.poll(store, provider)
        #expect(first.inserted == 5000, "a checkpoint the reader blocks does not fail the poll")
        #expect(Self.walSize(store) > Self.limit)

        try await reader.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
        let next = try await Self.poll(store, provider)
        #expect(next.fullSync == false)
        #expect(Self.walSize(store) >= 0, "the -wal file stays (docs/store.md: read-only readers need it)")
        #expect(Self.walSize(store) <= Self.limit)
        try reader.close()
    }
}
