import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Testing

@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncModel
@testable import CalSyncStore

/// Whether the providers of this build can write (``CalendarWriting``): the write-back
/// tests against the emulator run once they do (issue 20's provider half).
enum ProviderWriting {
    static let google = (GoogleProvider.self as Any.Type) is any CalendarWriting.Type
}

/// Write-back through the outbox against the emulator's Google: a create reaches the
/// provider once and the next poll neither doubles nor reverts it;
/// an update based on an outdated etag is a conflict until forced.
@Suite(.enabled(if: ProviderWriting.google, "GoogleProvider does not write yet"))
struct GoogleWriteBackTests {
    static func pusher(_ accounts: EmulatedAccounts) -> OutboxPusher {
        let sync = AccountSync(
            configuration: accounts.configuration, store: accounts.store, tokens: accounts.tokens,
            transport: accounts.transport, providers: accounts.providers, environment: [:],
            logger: accounts.logs.logger, sleep: { _ in })
        return OutboxPusher(store: accounts.store, watcher: nil, sync: { sync }, logger: accounts.logs.logger)
    }

    @Test func aCreateReachesTheProviderOnceAndThePollAgrees() async throws {
        let accounts = try await EmulatedAccounts(extraAccountKeys: "write = true")
        defer { Task { await accounts.stop() } }
        #expect(await accounts.syncOnce().allSatisfy(\.succeeded))
        let start = Date().addingTimeInterval(86_400).timeIntervalSince1970.rounded(.down)
        let row = try await accounts.store.enqueueWrite(
            OutboxRequest(
                accountID: "work", calendarID: EmulatedAccounts.calendar, op: .create,
                draft: EventDraft(
                    summary: "Written back", start: .instant(Date(timeIntervalSince1970: start)),
                    end: .instant(Date(timeIntervalSince1970: start + 1800)))), now: Date())
        let reports = await Self.pusher(accounts).pushAll()
        #expect(reports.map(\.ending) == [.done(row.clientKey)], "\(reports.map(\.line))")
        #expect(try accounts.scalar("SELECT count(*) FROM agenda WHERE summary = 'Written back'") == 1)
        let atProvider = try await accounts.state.googleEvents(calendarID: EmulatedAccounts.calendar)
        #expect(atProvider.filter { $0["summary"]?.stringValue == "Written back" }.count == 1)

        let changesBefore = try accounts.scalar("SELECT count(*) FROM changes")
        #expect(await accounts.syncOnce().allSatisfy(\.succeeded))
        #expect(try accounts.scalar("SELECT count(*) FROM agenda WHERE summary = 'Written back'") == 1)
        #expect(try accounts.storedEvents().keys.sorted() == (try await accounts.truth()).keys.sorted())
        #expect(try accounts.scalar("SELECT count(*) FROM changes") <= changesBefore + 1)
    }

    @Test func anOutdatedEtagIsAConflictAndForceOverwrites() async throws {
        let accounts = try await EmulatedAccounts(extraAccountKeys: "write = true")
        defer { Task { await accounts.stop() } }
        _ = try await accounts.state.generateGoogleEvents(calendarID: EmulatedAccounts.calendar, count: 3, seed: 9)
        #expect(await accounts.syncOnce().allSatisfy(\.succeeded))
        let id = try #require(try accounts.rows("SELECT id FROM events WHERE kind = 'single' ORDER BY id").first)
        // Based on an etag the provider no longer has: someone changed the event since.
        let stale = try await accounts.store.enqueueWrite(
            OutboxRequest(
                accountID: "work", calendarID: EmulatedAccounts.calendar, op: .update, eventID: id,
                draft: EventDraft(summary: "Mine"), basedOn: .etag("\"stale\"")), now: Date())
        let conflict = await Self.pusher(accounts).pushAll()
        guard case .conflict = conflict.first?.ending else {
            Issue.record("expected a conflict, got \(conflict.map(\.line))")
            return
        }
        _ = try await accounts.store.retryWrite(id: stale.id, force: true, now: Date())
        #expect(await Self.pusher(accounts).pushAll().map(\.ending) == [.done(id)])
        #expect(try accounts.scalar("SELECT count(*) FROM events WHERE summary = 'Mine'") == 1)
    }
}
