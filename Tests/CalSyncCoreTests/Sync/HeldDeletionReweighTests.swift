import Foundation
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

/// A deletion the safety valve held is weighed again at every poll against the
/// `max_delete_ratio` in force: raising the ratio applies it at the next poll (issue 16).
struct HeldDeletionReweighTests {
    /// Lists `events` in one page (then delta "d"); an increment brings nothing new.
    final class ListedProvider: CalendarProvider {
        let events = Mutex<[String]>([])
        let asked = Mutex<[String]>([])

        func listCalendars(logger: Logger) async throws -> [RemoteCalendar] { [] }

        func cursorFingerprint(calendarID: String, window: SyncWindow) -> String { "f" }

        func changes(
            calendarID: String, cursor: SyncCursor, window: SyncWindow, logger: Logger
        ) async throws -> ProviderPage {
            switch cursor {
            case .delta:
                asked.withLock { $0.append("delta") }
                return ProviderPage(changes: ChangePage(upserts: [], deletions: []), next: .delta("d"))
            default:
                asked.withLock { $0.append("listing") }
                let ids = events.withLock { $0 }
                return ProviderPage(
                    changes: ChangePage(
                        upserts: ids.map { StoreFixtures.timed($0, "2026-03-05T10:00:00Z") }, deletions: []),
                    next: .delta("d"))
            }
        }
    }

    static func poll(
        _ store: CalendarStore, _ provider: ListedProvider, ratio: Double, full: Bool = false
    ) async throws -> CalendarSynchronizer.Outcome {
        try await CalendarSynchronizer(store: store, logger: Logger(label: "test"), now: { StoreFixtures.now })
            .poll(
                provider: provider, accountID: "a", calendarID: "c", window: StoreFixtures.window,
                maxDeleteRatio: ratio, full: full)
    }

    static func eventCount(_ store: CalendarStore) async throws -> Int {
        try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM events")
    }

    @Test func raisingTheRatioAppliesAHeldDeletionAtTheNextPoll() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let provider = ListedProvider()
        provider.events.withLock { $0 = ["e1", "e2", "e3", "e4"] }
        _ = try await Self.poll(store, provider, ratio: 0.5)
        #expect(try await Self.eventCount(store) == 4)

        // Three of four gone at the provider: 0.75 of the calendar, held at 0.5.
        provider.events.withLock { $0 = ["e1"] }
        let held = try await Self.poll(store, provider, ratio: 0.5, full: true)
        #expect(held.sweep == .held(wouldDelete: 3, of: 4))
        #expect(try await Self.eventCount(store) == 4)

        // Still 0.5: the hold stays and the poll is an increment, no re-listing.
        provider.asked.withLock { $0 = [] }
        _ = try await Self.poll(store, provider, ratio: 0.5)
        #expect(provider.asked.withLock { $0 } == ["delta"])
        #expect(try await Self.eventCount(store) == 4)

        // The administrator raises the ratio: the next (ordinary) poll applies the deletion.
        provider.asked.withLock { $0 = [] }
        let applied = try await Self.poll(store, provider, ratio: 1.0)
        #expect(applied.sweep == .applied(deleted: 3))
        #expect(try await Self.eventCount(store) == 1)
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM internal_held_deletions") == 0)
        #expect(provider.asked.withLock { $0 }.first == "listing")

        // Resolved: later polls are increments again.
        provider.asked.withLock { $0 = [] }
        _ = try await Self.poll(store, provider, ratio: 1.0)
        #expect(provider.asked.withLock { $0 } == ["delta"])
    }
}
