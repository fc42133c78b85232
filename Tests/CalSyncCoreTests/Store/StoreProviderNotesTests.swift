import Foundation
import GRDB
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncModel
@testable import CalSyncStore

/// Provider notes (schema version 2): written with their page, cleared by a new round,
/// gone with their calendar; a version-1 store gains the table and keeps its rows.
@Suite struct StoreProviderNotesTests {
    func apply(_ store: CalendarStore, _ notes: ProviderNotes, cursor: SyncCursor = .page("next")) async throws {
        var page = ChangePage()
        page.notes = notes
        _ = try await store.applyPage(
            page, accountID: "a", calendarID: "c", cursor: cursor, fingerprint: "f", mode: .incremental,
            window: StoreFixtures.window, now: StoreFixtures.now)
    }

    func note(_ store: CalendarStore, _ key: String) async throws -> String? {
        try await store.providerNote(accountID: "a", calendarID: "c", key: key)
    }

    @Test func notesChangeWithTheirPageAndGoWithTheCalendar() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        try await apply(store, ProviderNotes(set: ["x": "1", "y": "2"]))
        #expect(try await note(store, "x") == "1")
        try await apply(store, ProviderNotes(set: ["z": "3"], removed: ["y"]))
        #expect(try await note(store, "y") == nil)
        #expect(try await note(store, "z") == "3")
        try await apply(store, ProviderNotes(clearFirst: true, set: ["w": "4"]))
        #expect(try await note(store, "x") == nil)
        #expect(try await note(store, "w") == "4")
        try await store.replaceCalendars(accountID: "a", calendars: [], enabledIDs: [], now: StoreFixtures.now)
        #expect(try await note(store, "w") == nil)
    }

    @Test func aVersionOneStoreIsMigratedKeepingItsRows() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("calsync.db")
        do {
            let queue = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(queue, upTo: "v1")
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO accounts(id, provider, auth, updated_at) VALUES ('a', 'microsoft', 'oauth', 'now');
                        INSERT INTO meta(key, value) VALUES ('schema_version', '1');
                        """)
            }
            let before = try await queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") }
            #expect(before == 1)
        }
        _ = try StoreFixtures.openStore(path)
        let queue = try DatabaseQueue(path: path)
        let (version, meta, accounts, notes) = try await queue.read { db in
            (
                try Int.fetchOne(db, sql: "PRAGMA user_version"),
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM internal_provider_notes")
            )
        }
        #expect(version == StoreSchema.version)
        #expect(meta == "\(StoreSchema.version)")
        #expect(accounts == 1)
        #expect(notes == 0)
    }
}
