import Foundation
import GRDB
import Logging
import Synchronization
import Testing

@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncStore

/// A full re-sync interrupted mid-chain goes on from the page after the last one applied,
/// once; an increment restarts from its saved delta (docs/resilience.md).
struct FullSyncResumeTests {
    /// Three pages p1 → p2 → p3 → delta "d"; a listing that starts over begins at p1. One
    /// cursor can be made to fail, as a crash or an expired page token would.
    final class ScriptedProvider: CalendarProvider {
        let asked = Mutex<[String]>([])
        let failing = Mutex<String?>(nil)
        let expired = Mutex<Bool>(false)

        func listCalendars(logger: Logger) async throws -> [RemoteCalendar] { [] }

        func cursorFingerprint(calendarID: String, window: SyncWindow) -> String { "f" }

        func changes(
            calendarID: String, cursor: SyncCursor, window: SyncWindow, logger: Logger
        ) async throws -> ProviderPage {
            let name: String
            switch cursor {
            case .initial: name = "p1"
            case .page(let token): name = token
            case .delta(let token): name = "delta:\(token)"
            }
            asked.withLock { $0.append(name) }
            if failing.withLock({ $0 }) == name {
                if expired.withLock({ $0 }) { throw CalSyncError(.cursorExpired, "page token \(name) expired") }
                throw CalSyncError(.transport, "connection dropped on \(name)")
            }
            switch name {
            case "p1": return Self.page(["a1", "a2"], next: .page("p2"))
            case "p2": return Self.page(["b1", "b2"], next: .page("p3"))
            case "p3": return Self.page(["c1"], next: .delta("d"))
            default: return ProviderPage(changes: ChangePage(upserts: [], deletions: []), next: .delta("d"))
            }
        }

        static func page(_ ids: [String], next: SyncCursor) -> ProviderPage {
            ProviderPage(
                changes: ChangePage(
                    upserts: ids.map { StoreFixtures.timed($0, "2026-03-05T10:00:00Z") }, deletions: []),
                next: next)
        }
    }

    static func poll(
        _ store: CalendarStore, _ provider: ScriptedProvider
    ) async throws
        -> CalendarSynchronizer.Outcome
    {
        try await CalendarSynchronizer(store: store, logger: Logger(label: "test"), now: { StoreFixtures.now })
            .poll(
                provider: provider, accountID: "a", calendarID: "c", window: StoreFixtures.window, maxDeleteRatio: 1)
    }

    static func ids(_ store: CalendarStore) async throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        return try await DatabaseQueue(path: store.path, configuration: configuration).read { db in
            try String.fetchAll(db, sql: "SELECT id FROM events ORDER BY id")
        }
    }

    @Test func anInterruptedFullSyncGoesOnFromTheNextPage() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        // What the store held before: "old" is gone at the provider and must be swept at the end.
        _ = try await StoreFixtures.apply(store, upserts: [StoreFixtures.timed("old", "2026-03-04T10:00:00Z")])
        let provider = ScriptedProvider()
        provider.failing.withLock { $0 = "p3" }
        await #expect(throws: CalSyncError.self) { try await Self.poll(store, provider) }
        #expect(provider.asked.withLock { $0 } == ["p1", "p2", "p3"])

        provider.failing.withLock { $0 = nil }
        provider.asked.withLock { $0 = [] }
        let outcome = try await Self.poll(store, provider)
        // The resumed listing, then the increment that brings what changed since its first page.
        #expect(provider.asked.withLock { $0 } == ["p3", "delta:d"])
        #expect(outcome.fullSync)
        #expect(outcome.sweep == .applied(deleted: 1))
        #expect(try await Self.ids(store) == ["a1", "a2", "b1", "b2", "c1"])
        #expect(try await store.savedCursor(accountID: "a", calendarID: "c")?.token == "d")

        // The round ended: the next poll is incremental, from the saved delta.
        provider.asked.withLock { $0 = [] }
        _ = try await Self.poll(store, provider)
        #expect(provider.asked.withLock { $0 } == ["delta:d"])
    }

    @Test func aResumedPageThatFailsStartsTheFullSyncOverNextTime() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let provider = ScriptedProvider()
        provider.failing.withLock { $0 = "p2" }
        await #expect(throws: CalSyncError.self) { try await Self.poll(store, provider) }
        // The saved page fails again (say, a 400 for a page token the provider forgot).
        provider.asked.withLock { $0 = [] }
        await #expect(throws: CalSyncError.self) { try await Self.poll(store, provider) }
        #expect(provider.asked.withLock { $0 } == ["p2"])
        // It was taken, not kept: the next poll starts over instead of failing forever.
        provider.failing.withLock { $0 = nil }
        provider.asked.withLock { $0 = [] }
        _ = try await Self.poll(store, provider)
        #expect(provider.asked.withLock { $0 } == ["p1", "p2", "p3", "delta:d"])
        #expect(try await Self.ids(store) == ["a1", "a2", "b1", "b2", "c1"])
    }

    @Test func anExpiredResumedPageRestartsTheListingInTheSamePoll() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let provider = ScriptedProvider()
        provider.failing.withLock { $0 = "p2" }
        await #expect(throws: CalSyncError.self) { try await Self.poll(store, provider) }
        provider.expired.withLock { $0 = true }
        provider.asked.withLock { $0 = [] }
        // p2 expired → a new full re-sync from p1 in the same poll (marks dropped), which
        // meets p2 again and gives up: one retry per poll.
        await #expect(throws: CalSyncError.self) { try await Self.poll(store, provider) }
        #expect(provider.asked.withLock { $0 } == ["p2", "p1", "p2"])
        provider.failing.withLock { $0 = nil }
        provider.asked.withLock { $0 = [] }
        _ = try await Self.poll(store, provider)
        #expect(provider.asked.withLock { $0 } == ["p2", "p3", "delta:d"])
        #expect(try await Self.ids(store) == ["a1", "a2", "b1", "b2", "c1"])
    }

    @Test func anInterruptedIncrementRestartsFromItsSavedDelta() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let provider = ScriptedProvider()
        _ = try await Self.poll(store, provider)
        #expect(try await store.savedCursor(accountID: "a", calendarID: "c")?.token == "d")
        provider.failing.withLock { $0 = "delta:d" }
        await #expect(throws: CalSyncError.self) { try await Self.poll(store, provider) }
        provider.failing.withLock { $0 = nil }
        provider.asked.withLock { $0 = [] }
        _ = try await Self.poll(store, provider)
        #expect(provider.asked.withLock { $0 } == ["delta:d"])
    }
}
