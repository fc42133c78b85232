import Foundation
import Logging
import Synchronization
import Testing

@testable import CalSyncEngine
@testable import CalSyncModel
@testable import CalSyncStore

/// A calendar's occurrences are capped (``CalendarStore/maximumOccurrencesPerCalendar``):
/// past the cap nothing more is written for it, on the page path and on the bulk load of a
/// first listing alike, and the poll says so once (issue 16). The cap is injected (50) so
/// that no test writes millions of rows.
struct OccurrenceCapTests {
    static let cap = 50

    static func cappedStore(_ path: String, logger: Logger = Logger(label: "test")) async throws -> CalendarStore {
        let store = try CalendarStore(
            path: path, writerName: "calsync-tests", expander: DailyTestExpander(), logger: logger,
            maximumOccurrencesPerCalendar: cap)
        try await store.upsertAccount(
            id: "a", provider: "google", auth: "oauth", email: nil, state: .ok, stateDetail: nil,
            now: StoreFixtures.now)
        try await store.replaceCalendars(
            accountID: "a",
            calendars: [RemoteCalendar(id: "c", name: "Work", timeZone: "UTC", access: .owner, isPrimary: true)],
            enabledIDs: ["c"], now: StoreFixtures.now)
        return store
    }

    static func occurrences(_ store: CalendarStore) async throws -> Int {
        try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM occurrences")
    }

    @Test func pagesStopWritingOccurrencesAtTheCapAndGoOnOnceThereIsRoom() async throws {
        let directory = try TemporaryDirectory()
        let store = try await Self.cappedStore(directory.path("calsync.db"))
        // 40 + 30 daily instances inside the window: 70 wanted, 50 kept.
        let first = try await StoreFixtures.apply(
            store,
            upserts: [
                FirstListingBulkLoadTests.series("a-series", "2026-02-10T08:00:00Z", days: 40),
                FirstListingBulkLoadTests.series("b-series", "2026-02-10T09:00:00Z", days: 30),
            ])
        #expect(first.occurrencesCapped)
        #expect(try await Self.occurrences(store) == Self.cap)
        // The events themselves are all stored: only occurrences are capped.
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM events") == 2)
        #expect(try await StoreSyncTests.count(store, "SELECT occurrences_count FROM sync_state") == Self.cap)

        // At the cap, a new single adds nothing.
        let full = try await StoreFixtures.apply(store, upserts: [StoreFixtures.timed("s1", "2026-03-05T10:00:00Z")])
        #expect(full.occurrencesCapped)
        #expect(try await Self.occurrences(store) == Self.cap)

        // A deletion makes room: the next single is written.
        let freed = try await StoreFixtures.apply(
            store, deletions: ["a-series"], cursor: .page("p2"))
        #expect(!freed.occurrencesCapped)
        let room = try await Self.occurrences(store)
        #expect(room < Self.cap)
        let after = try await StoreFixtures.apply(store, upserts: [StoreFixtures.timed("s2", "2026-03-06T10:00:00Z")])
        #expect(!after.occurrencesCapped)
        #expect(try await Self.occurrences(store) == room + 1)
    }

    @Test func theBulkLoadOfAFirstListingStopsAtTheCap() async throws {
        let directory = try TemporaryDirectory()
        let store = try await Self.cappedStore(directory.path("calsync.db"))
        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        _ = try await StoreFixtures.apply(
            store, upserts: [FirstListingBulkLoadTests.series("a-series", "2026-02-10T08:00:00Z", days: 40)],
            mode: .fullSync)
        let last = try await StoreFixtures.apply(
            store, upserts: [FirstListingBulkLoadTests.series("b-series", "2026-02-10T09:00:00Z", days: 40)],
            cursor: .delta("d"), mode: .fullSyncEnd(maxDeleteRatio: 0.5, force: false))
        #expect(last.occurrencesCapped)
        #expect(try await Self.occurrences(store) == Self.cap)

        // The window's slide reloads the calendar and meets the cap again.
        let capped = try await store.rebuildOccurrences(
            accountID: "a", calendarID: "c", window: StoreFixtures.window, now: StoreFixtures.now)
        #expect(capped)
        #expect(try await Self.occurrences(store) == Self.cap)
    }

    /// Two pages, both over the cap: one warning for the poll, naming the calendar.
    final class TwoPageProvider: CalendarProvider {
        /// Each round's events carry a new etag, so that every page rewrites occurrences.
        let etag: String

        init(etag: String) { self.etag = etag }

        func series(_ id: String, _ start: String) -> CalendarEvent {
            var master = FirstListingBulkLoadTests.series(id, start, days: 40)
            master.etag = etag
            return master
        }

        func listCalendars(logger: Logger) async throws -> [RemoteCalendar] { [] }

        func cursorFingerprint(calendarID: String, window: SyncWindow) -> String { "f" }

        func changes(
            calendarID: String, cursor: SyncCursor, window: SyncWindow, logger: Logger
        ) async throws -> ProviderPage {
            switch cursor {
            case .delta:
                return ProviderPage(changes: ChangePage(upserts: [], deletions: []), next: .delta("d"))
            case .page:
                return ProviderPage(
                    changes: ChangePage(
                        upserts: [series("b", "2026-02-10T09:00:00Z")],
                        deletions: []),
                    next: .delta("d"))
            case .initial:
                return ProviderPage(
                    changes: ChangePage(
                        upserts: [series("a", "2026-02-10T08:00:00Z")],
                        deletions: []),
                    next: .page("2"))
            }
        }
    }

    @Test func aPollOverTheCapWarnsOnceNamingTheCalendar() async throws {
        let directory = try TemporaryDirectory()
        let log = MemoryLog()
        let store = try await Self.cappedStore(directory.path("calsync.db"))
        // Twice: the first listing (bulk load), then a re-listing of changed events (pages).
        for round in 0..<2 {
            let outcome = try await CalendarSynchronizer(store: store, logger: log.logger, now: { StoreFixtures.now })
                .poll(
                    provider: TwoPageProvider(etag: "e\(round)"), accountID: "a", calendarID: "c",
                    window: StoreFixtures.window,
                    maxDeleteRatio: 0.5, full: round == 1)
            #expect(outcome.occurrencesCapped)
            let warnings = log.lines.filter { $0.contains("Calendar occurrences capped") }
            #expect(warnings.count == round + 1)
            #expect(warnings.last?.hasPrefix("warning") == true)
            #expect(warnings.last?.contains(#""calsync.calendar": c"#) == true, "\(warnings)")
        }
        #expect(try await Self.occurrences(store) == Self.cap)
    }

    @Test func statusSaysACalendarIsAtTheCapInTextAndJSON() throws {
        var calendar = StatusReportTests.calendar("work")
        calendar.occurrencesCount = CalendarStore.defaultMaximumOccurrencesPerCalendar
        calendar.occurrencesCapped = true
        let report = StatusReport(
            generatedAt: StatusReportTests.now, store: "/s.db", daemon: .init(running: false, pid: nil),
            accounts: [StatusReportTests.account("ok", [calendar])])
        #expect(report.healthy)
        #expect(report.text().contains("Work: 5000000 occurrences, the most kept for one calendar"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let account = try #require((object["accounts"] as? [[String: Any]])?.first)
        let listed = try #require((account["calendars"] as? [[String: Any]])?.first)
        #expect(listed["occurrences_capped"] as? Bool == true)
        // Below the cap, nothing is said.
        let quiet = StatusReport(
            generatedAt: StatusReportTests.now, store: "/s.db", daemon: .init(running: false, pid: nil),
            accounts: [StatusReportTests.account("ok", [StatusReportTests.calendar("work")])])
        #expect(!quiet.text().contains("the most kept"))
    }
}
