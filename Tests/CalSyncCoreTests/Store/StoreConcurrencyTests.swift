import Foundation
import Testing

@testable import CalSyncModel
@testable import CalSyncProviders
@testable import CalSyncStore

/// One writer, many readers, across processes — as docs/store.md "File and access" promises.
struct StoreConcurrencyTests {
    /// Runs `python3 -c script args…` and returns its standard output.
    static func python(_ script: String, _ arguments: [String], as user: (uid: Int, gid: Int)? = nil) throws -> Process
    {
        let process = Process()
        if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments =
                ["--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "/usr/bin/python3", "-c", script]
                + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = ["-c", script] + arguments
        }
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }

    static func output(_ process: Process) -> String {
        process.waitUntilExit()
        let out = (process.standardOutput as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        let err = (process.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        return String(decoding: out + err, as: UTF8.self)
    }

    @Test func aSecondWriterIsRefusedClearly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("calsync.db")
        let first = try StoreFixtures.openStore(path)
        let error = #expect(throws: CalSyncError.self) { try StoreFixtures.openStore(path) }
        #expect(error?.code == .storeLocked)
        #expect(error?.message.contains("already in use by another calsyncd (pid \(getpid()))") == true)
        #expect(CalendarStore.writerPID(storePath: path) == getpid())
        _ = first
    }

    @Test func theLockIsVisibleToOtherProcessesAndReleasedOnClose() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("calsync.db")
        let probe = """
            import fcntl, sys
            f = open(sys.argv[1] + ".lock", "r+")
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                print("free")
            except BlockingIOError:
                print("held by", f.read().strip())
            """
        var store: CalendarStore? = try StoreFixtures.openStore(path)
        #expect(Self.output(try Self.python(probe, [path])).contains("held by \(getpid())"))
        _ = store
        store = nil
        #expect(Self.output(try Self.python(probe, [path])).contains("free"))
        #expect(CalendarStore.writerPID(storePath: path) == nil)
    }

    /// Pages of 10 events are written 1,000 times while another process reads: every read
    /// sees whole pages (each page's 10 rows or none) and the matching `changes` rows.
    @Test func aReaderInAnotherProcessNeverSeesHalfAPage() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        let reader = """
            import sqlite3, sys, time
            path = sys.argv[1]
            deadline = time.time() + 600  # bounded; it ends at 10,000 rows
            reads, problems, last = 0, [], 0
            conn = sqlite3.connect("file:" + path + "?mode=ro", uri=True, timeout=10, isolation_level=None)
            while time.time() < deadline:
                try:
                    conn.execute("BEGIN")
                    rows = conn.execute("SELECT summary, COUNT(*) FROM events GROUP BY summary").fetchall()
                    changes = conn.execute("SELECT COUNT(*) FROM changes").fetchone()[0]
                    occurrences = conn.execute("SELECT COUNT(*) FROM occurrences").fetchone()[0]
                    conn.execute("COMMIT")
                except Exception as error:
                    problems.append(repr(error)); break
                partial = [r for r in rows if r[1] != 10]
                total = sum(r[1] for r in rows)
                if partial or changes != total or occurrences != total:
                    problems.append("partial: %r changes=%d occurrences=%d total=%d" % (partial[:3], changes, occurrences, total)); break
                if total < last:
                    problems.append("went backwards"); break
                last = total
                reads += 1
                if total == 10000: break
            print("reads=%d total=%d problems=%r" % (reads, last, problems))
            """
        let process = try Self.python(reader, [store.path])
        for page in 0..<1000 {
            let events = (0..<10).map { index in
                var event = StoreFixtures.timed("p\(page)-\(index)", "2026-03-05T10:00:00Z")
                event.summary = "page \(page)"
                return event
            }
            _ = try await StoreFixtures.apply(store, upserts: events)
        }
        let output = Self.output(process)
        #expect(output.contains("total=10000 problems=[]"), "\(output)")
        let reads = Int(output.split(separator: " ").first?.dropFirst("reads=".count) ?? "") ?? 0
        #expect(reads > 1, "\(output)")
    }

    /// After the daemon closed the store, a reader who may not write the directory (only
    /// read the group-readable files) still opens it read-only: -wal and -shm persist.
    @Test func aReadOnlyReaderWorksAfterTheWriterClosed() async throws {
        let directory = try TemporaryDirectory()
        let storeDirectory = directory.path("state")
        let path = storeDirectory + "/calsync.db"
        do {
            let store = try StoreFixtures.openStore(path)
            try await store.upsertAccount(
                id: "a", provider: "google", auth: "oauth", email: nil, state: .ok, stateDetail: nil,
                now: StoreFixtures.now)
        }
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(FileManager.default.fileExists(atPath: path + "-shm"))
        // Group "nogroup" (65534) stands in for the calsync readers group; the reader runs
        // as nobody, who cannot write the 0750 directory.
        chmod(directory.url.path, 0o755)
        for file in [storeDirectory, path, path + "-wal", path + "-shm"] { chown(file, 0, 65_534) }
        let reader = """
            import sqlite3, sys
            conn = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
            print("accounts=%d" % conn.execute("SELECT COUNT(*) FROM accounts").fetchone()[0])
            """
        let output = Self.output(try Self.python(reader, [path], as: (65_534, 65_534)))
        #expect(output.contains("accounts=1"), "\(output)")
    }
}
