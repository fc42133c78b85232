import Foundation
import GRDB
import Logging
import Synchronization
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncModel
@testable import CalSyncProviders
@testable import CalSyncStore

/// The outbox pusher with an in-memory provider: writes reach the provider exactly once
/// (across a kill -9 and lost answers), conflicts are never overwritten unless forced,
/// read-only accounts are refused, transient failures wait for Retry-After, and rows a
/// program inserts with SQL are noticed by the running daemon.
@Suite struct OutboxPusherTests {
    /// A store with account `a` (Google, `write` as given) and calendar `c`, its
    /// configuration, a token file, and the fake provider every client is.
    final class Fixture: @unchecked Sendable {
        let directory: TemporaryDirectory
        let store: CalendarStore
        let writer = FakeCalendarWriter()
        let sync: AccountSync
        /// The waits between retries, in order (nothing really sleeps).
        let slept = Slept()

        init(write: Bool = true) async throws {
            directory = try TemporaryDirectory()
            store = try await StoreFixtures.prepared(directory.path("calsync.db"))
            try "secret".write(toFile: directory.path("secret"), atomically: true, encoding: .utf8)
            let text = """
                [store]
                path = "\(directory.path("calsync.db"))"
                tokens_path = "\(directory.path("tokens.json"))"

                [[account]]
                name = "a"
                provider = "google"
                client_id = "id.apps.googleusercontent.com"
                client_secret_file = "\(directory.path("secret"))"
                write = \(write)

                """
            try text.write(toFile: directory.path("calsync.toml"), atomically: true, encoding: .utf8)
            let configuration = try CalSyncConfiguration.load(
                path: directory.path("calsync.toml"),
                locator: ConfigurationLocator(
                    environment: ["HOME": directory.url.path], isRoot: false, fileExists: { _ in false }))
            let tokens = TokenStore(path: directory.path("tokens.json"))
            try tokens.save(.init(refreshToken: "refresh"), for: "a")
            let writer = self.writer
            let slept = self.slept
            sync = AccountSync(
                configuration: configuration, store: store, tokens: tokens, transport: ScriptedTransport([]),
                providers: ProviderFactory { _, _ in writer }, environment: [:], logger: Logger(label: "test"),
                now: { StoreFixtures.now }, sleep: { delay in slept.append(delay) })
        }

        func pusher(watcher: StoreChangeWatcher? = nil) -> OutboxPusher {
            let sync = self.sync
            return OutboxPusher(
                store: store, watcher: watcher, sync: { sync }, checkInterval: .milliseconds(20),
                logger: Logger(label: "test"))
        }

        func count(_ sql: String) throws -> Int {
            try OutboxStoreTests.count(store, sql)
        }
    }

    @Test func aCreateIsSentOnceAndShowsInTheAgenda() async throws {
        let fixture = try await Fixture()
        let row = try await fixture.store.enqueueWrite(OutboxStoreTests.create(), now: StoreFixtures.now)
        let reports = await fixture.pusher().pushAll()
        #expect(reports.map(\.ending) == [.done(row.clientKey)])
        #expect(fixture.writer.events.count == 1)
        #expect(try fixture.count("SELECT COUNT(*) FROM agenda WHERE summary = 'Lunch'") == 1)
        #expect(try await fixture.store.outboxRow(id: row.id)?.state == .done)
        // Nothing left to send.
        #expect(await fixture.pusher().pushAll().isEmpty)
    }

    @Test func aRowLeftSentByAKilledDaemonEndsWithExactlyOneEvent() async throws {
        let fixture = try await Fixture()
        _ = try await fixture.store.enqueueWrite(OutboxStoreTests.create(), now: StoreFixtures.now)
        // The daemon took the row and the provider applied it; then kill -9, before the answer was stored.
        let taken = try #require(try await fixture.store.takeNextWrite(accountID: "a", now: StoreFixtures.now))
        _ = try await fixture.writer.create(
            calendarID: "c", draft: try OutboxPayload.parse(taken.payload, op: .create), clientKey: taken.clientKey!,
            notify: false, logger: Logger(label: "test"))
        #expect(try fixture.count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'") == 1)

        let reports = await fixture.pusher().pushAll()
        #expect(reports.map(\.ending) == [.done(taken.clientKey)])
        #expect(reports.first?.row.attempts == 2)
        #expect(fixture.writer.events.count == 1)
        #expect(try fixture.count("SELECT COUNT(*) FROM events") == 1)
        #expect(try fixture.count("SELECT COUNT(*) FROM outbox WHERE state = 'done'") == 1)
    }

    @Test func anUpdateWhoseAnswerWasLostIsRecognisedNotAConflict() async throws {
        let fixture = try await Fixture()
        let event = StoreFixtures.timed("x", "2026-03-05T10:00:00Z")
        fixture.writer.put(event)
        _ = try await StoreFixtures.apply(fixture.store, upserts: [event])
        _ = try await fixture.store.enqueueWrite(
            OutboxRequest(
                accountID: "a", calendarID: "c", op: .update, eventID: "x", draft: EventDraft(summary: "Moved")),
            now: StoreFixtures.now)
        fixture.writer.inject(.lostAnswer)
        let reports = await fixture.pusher().pushAll()
        #expect(reports.count == 2)
        #expect(reports.last?.ending == .done("x"))
        #expect(fixture.writer.events["x"]?.summary == "Moved")
        #expect(try fixture.count("SELECT COUNT(*) FROM agenda WHERE summary = 'Moved'") == 1)
        // A delete whose answer was lost meets a missing event: done.
        _ = try await fixture.store.enqueueWrite(
            OutboxRequest(accountID: "a", calendarID: "c", op: .delete, eventID: "x", basedOn: .force),
            now: StoreFixtures.now)
        fixture.writer.inject(.lostAnswer)
        #expect(await fixture.pusher().pushAll().last?.ending == .done("x"))
        #expect(fixture.writer.events.isEmpty)
        #expect(try fixture.count("SELECT COUNT(*) FROM events") == 0)
    }

    @Test func aConflictChangesNothingUntilForced() async throws {
        let fixture = try await Fixture()
        let event = StoreFixtures.timed("x", "2026-03-05T10:00:00Z")
        fixture.writer.put(event)
        _ = try await StoreFixtures.apply(fixture.store, upserts: [event])
        let row = try await fixture.store.enqueueWrite(
            OutboxRequest(
                accountID: "a", calendarID: "c", op: .update, eventID: "x", draft: EventDraft(summary: "Mine")),
            now: StoreFixtures.now)
        fixture.writer.changeElsewhere("x", summary: "Theirs")

        let first = await fixture.pusher().pushAll()
        guard case .conflict(let reason) = first.first?.ending else {
            Issue.record("expected a conflict, got \(first.map(\.ending))")
            return
        }
        #expect(reason.contains("changed at the provider"))
        #expect(fixture.writer.events["x"]?.summary == "Theirs")
        #expect(try await fixture.store.writeCounts()["a"] == OutboxCounts(conflict: 1))

        _ = try await fixture.store.retryWrite(id: row.id, force: true, now: StoreFixtures.now)
        #expect(await fixture.pusher().pushAll().map(\.ending) == [.done("x")])
        #expect(fixture.writer.events["x"]?.summary == "Mine")
    }

    @Test func aReadOnlyAccountIsRefusedAndAMissingScopeSaysToSignInAgain() async throws {
        let readOnly = try await Fixture(write: false)
        let account = readOnly.sync.configuration.account(named: "a")
        #expect(OutboxPush.refusal(accountID: "a", account)?.contains("read-only") == true)
        #expect(account?.scopes == GoogleKindScopes.read)
        // A row a program inserted anyway fails without reaching the provider.
        _ = try await readOnly.store.enqueueWrite(OutboxStoreTests.create(), now: StoreFixtures.now)
        let refused = await readOnly.pusher().pushAll()
        #expect(
            refused.first.map { if case .failed(let why) = $0.ending { why.contains("write = true") } else { false } }
                == true)
        #expect(readOnly.writer.calls == 0)

        let writing = try await Fixture()
        #expect(writing.sync.configuration.account(named: "a")?.scopes == GoogleKindScopes.write)
        writing.writer.inject(.missingScope, .refused("HTTP 400 invalid recurrence"))
        _ = try await writing.store.enqueueWrite(OutboxStoreTests.create("One"), now: StoreFixtures.now)
        _ = try await writing.store.enqueueWrite(OutboxStoreTests.create("Two"), now: StoreFixtures.now)
        let endings = await writing.pusher().pushAll().map(\.ending)
        #expect(
            endings == [
                .failed("the account's sign-in may not write events: run calsyncctl login a again (write = true)"),
                .failed("HTTP 400 invalid recurrence"),
            ])
    }

    @Test func aTransientFailureWaitsForRetryAfterAndKeepsTheClientKey() async throws {
        let fixture = try await Fixture()
        let row = try await fixture.store.enqueueWrite(OutboxStoreTests.create(), now: StoreFixtures.now)
        fixture.writer.inject(.transient(retryAfter: .seconds(7)), .transient(retryAfter: nil))
        let reports = await fixture.pusher().pushAll()
        #expect(reports.count == 3)
        #expect(reports.last?.ending == .done(row.clientKey))
        let slept = fixture.slept.all
        #expect(slept.first == .seconds(7))
        #expect(slept.count == 2)
        #expect(fixture.writer.events.keys.sorted() == [row.clientKey!])
        #expect(try await fixture.store.outboxRow(id: row.id)?.attempts == 3)
    }

    @Test func theRunningPusherNoticesARowInsertedWithSQL() async throws {
        let fixture = try await Fixture()
        let pusher = fixture.pusher(watcher: try StoreChangeWatcher(path: fixture.store.path))
        let running = Task { try await pusher.run() }
        defer { running.cancel() }
        let queue = try DatabaseQueue(path: fixture.store.path)
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO outbox(account_id, calendar_id, op, payload)
                    VALUES ('a', 'c', 'create', '{"summary":"From a script","start":"2026-03-06","end":"2026-03-07"}')
                    """)
        }
        var state = ""
        for _ in 0..<500 where state != "done" {
            try await Task.sleep(for: .milliseconds(20))
            state = try await queue.read { db in try String.fetchOne(db, sql: "SELECT state FROM outbox") ?? "" }
        }
        #expect(state == "done")
        #expect(try fixture.count("SELECT COUNT(*) FROM agenda WHERE summary = 'From a script' AND all_day = 1") == 1)
    }
}

final class Slept: Sendable {
    private let delays = Mutex<[Duration]>([])
    func append(_ delay: Duration) { delays.withLock { $0.append(delay) } }
    var all: [Duration] { delays.withLock { $0 } }
}

/// Google's scopes as its kind declares them.
enum GoogleKindScopes {
    static let read = ProviderKinds.standard.first { $0.name == "google" }!.scopes
    static let write = ProviderKinds.standard.first { $0.name == "google" }!.writeScopes
}
