import GRDB
import Testing

@testable import CalSyncModel
@testable import CalSyncStore

/// A store failure is one line that names the file and, for a full disk, says so: GRDB's
/// own description carries the multi-line SQL of the failing page (scripts/chaos --only disk).
struct StoreErrorMessageTests {
    static let sql = """
        INSERT INTO events(account_id, calendar_id, id, raw)
        VALUES (?, ?, ?, ?)
        ON CONFLICT DO UPDATE SET raw = excluded.raw
        """

    @Test func aFullDiskIsOneLineNamingTheStore() {
        let error = DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full", sql: Self.sql)
        let line = StoreErrorMessage.line("the store /srv/calsync.db could not be written", error)
        #expect(!line.contains("\n"))
        #expect(line.hasPrefix("the store /srv/calsync.db could not be written: disk full"))
        #expect(line.contains("no space"))
        #expect(!line.contains("INSERT"))
    }

    @Test func otherSQLiteErrorsKeepTheirCodeAndMessageOnOneLine() {
        let error = DatabaseError(resultCode: .SQLITE_IOERR, message: "disk I/O error\nat page 4", sql: Self.sql)
        let line = StoreErrorMessage.line("the store s.db could not be written", error)
        #expect(line == "the store s.db could not be written: SQLite error 10: disk I/O error at page 4")
    }

    @Test func aReadOnlyFileSystemIsNamed() {
        let error = DatabaseError(resultCode: .SQLITE_READONLY, message: "attempt to write a readonly database")
        #expect(StoreErrorMessage.line("x", error).hasPrefix("x: read-only"))
    }
}
