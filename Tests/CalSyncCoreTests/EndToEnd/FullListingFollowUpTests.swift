import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Logging
import Synchronization
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncProviders
@testable import CalSyncRecurrence
@testable import CalSyncStore

/// A full listing shows the calendar as of its first page; the increment that follows it
/// at once brings in what changed at the provider meanwhile (issue 16).
@Suite(.serialized) struct FullListingFollowUpTests {
    static let eventsPath = "/calendar/v3/calendars/user@example.com/events"

    /// The account's real provider; after the first page of a listing it edits an event
    /// of that page at the emulator, as another client would while the listing goes on.
    final class EditingAfterFirstPage: CalendarProvider {
        let inner: any CalendarProvider
        let state: EmulatorState
        let edited = Mutex<String?>(nil)

        init(inner: any CalendarProvider, state: EmulatorState) {
            self.inner = inner
            self.state = state
        }

        func listCalendars(logger: Logger) async throws -> [RemoteCalendar] {
            try await inner.listCalendars(logger: logger)
        }

        func cursorFingerprint(calendarID: String, window: SyncWindow) -> String {
            inner.cursorFingerprint(calendarID: calendarID, window: window)
        }

        func changes(
            calendarID: String, cursor: SyncCursor, window: SyncWindow, logger: Logger
        ) async throws -> ProviderPage {
            try await changes(
                calendarID: calendarID, cursor: cursor, window: window, notes: { _ in nil }, logger: logger)
        }

        func changes(
            calendarID: String, cursor: SyncCursor, window: SyncWindow, notes: ProviderNoteReader, logger: Logger
        ) async throws -> ProviderPage {
            let page = try await inner.changes(
                calendarID: calendarID, cursor: cursor, window: window, notes: notes, logger: logger)
            if case .initial = cursor, edited.withLock({ $0 }) == nil, let first = page.changes.upserts.first {
                try await state.editGoogleEvent(
                    calendarID: calendarID, eventID: first.id, .object([("summary", "Edited during the listing")]))
                edited.withLock { $0 = first.id }
            }
            return page
        }
    }

    static func poll(
        _ account: EmulatedAccounts, provider: any CalendarProvider, full: Bool = false
    ) async throws -> CalendarSynchronizer.Outcome {
        let window = SyncWindow.around(
            Date(), past: account.configuration.sync.windowPast, future: account.configuration.sync.windowFuture)
        return try await CalendarSynchronizer(store: account.store, logger: account.logs.logger, now: { Date() })
            .poll(
                provider: provider, accountID: "work", calendarID: EmulatedAccounts.calendar, window: window,
                maxDeleteRatio: 0.5, full: full)
    }

    @Test func aChangeMadeDuringTheListingIsInTheStoreAfterThePoll() async throws {
        let account = try await EmulatedAccounts()
        defer { Task { await account.stop() } }
        // 3,000 items: two pages of 2,500 and 500.
        try await account.state.generateGoogleEvents(calendarID: EmulatedAccounts.calendar, count: 3000, seed: 3)
        _ = await account.syncOnce()  // accounts and calendars rows
        await account.state.clearRequests()
        let sync = AccountSync(
            configuration: account.configuration, store: account.store, tokens: account.tokens,
            transport: account.transport, providers: account.providers, environment: [:],
            logger: account.logs.logger)
        let real = try sync.makeProvider(try #require(account.configuration.account(named: "work")))
        let provider = EditingAfterFirstPage(inner: real, state: account.state)

        let outcome = try await Self.poll(account, provider: provider, full: true)
        #expect(outcome.fullSync)
        let editedID = try #require(provider.edited.withLock { $0 })
        let stored = try account.storedEvents()
        let truth = try await account.truth()
        #expect(stored[editedID]?.etag == truth[editedID]?.etag, "the edit made after the first page")
        #expect(Set(stored.keys) == Set(truth.keys))

        // Nothing changes now: a full listing costs its pages and exactly one request more.
        await account.state.clearRequests()
        let quiet = try await Self.poll(account, provider: real, full: true)
        let requests = await account.state.requests(pathPrefix: Self.eventsPath)
        #expect(requests.count == 2 + 1)
        #expect(requests.last?.parameter("syncToken") != nil)
        #expect(quiet.pages == 3)
        #expect(quiet.inserted + quiet.updated + quiet.deleted == 0)
    }
}
