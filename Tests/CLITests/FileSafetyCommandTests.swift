import CalSyncAuth
import CalSyncEngine
import CalSyncGoogle
import CalSyncGraph
import CalSyncModel
import CalSyncProviders
import CalSyncRecurrence
import CalSyncStore
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `calsyncctl` run as root in a state directory the service's user owns (here 65534,
/// "nobody"), where that user planted links to a root-owned file: the commands refuse,
/// name the link, and leave the target as it was.
@Suite(.enabled(if: geteuid() == 0, "only root can be tricked into touching another user's files"))
struct FileSafetyCommandTests {
    struct Scene {
        let scratch: Scratch
        let state: String
        let target: String
        let config: String
        static let targetText = "root:secret-hash:19000:0:99999:7:::\n"

        init() throws {
            scratch = try Scratch()
            state = scratch.path("state")
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: scratch.path("etc"), withIntermediateDirectories: true)
            target = scratch.path("etc/shadow")
            try Self.targetText.write(toFile: target, atomically: false, encoding: .utf8)
            chmod(target, 0o640)
            config = try scratch.write(
                "calsync.toml",
                """
                [store]
                path = "\(state)/calsync.db"
                tokens_path = "\(state)/tokens.json"

                [[account]]
                name = "office"
                provider = "microsoft"
                client_id = "file-safety-client"
                graph_url = "http://127.0.0.1:9/v1.0"
                login_url = "http://127.0.0.1:9"
                """)
        }

        /// Gives the directory (and what is in it) to the other user.
        func giveAway() {
            #expect(chown(state, 65534, 65534) == 0)
        }

        func plantSymlink(_ name: String) {
            #expect(symlink(target, state + "/" + name) == 0)
        }

        /// No daemon answers: the command works on the files itself.
        var environment: [String: String] { ["CALSYNC_CONTROL_SOCKET": scratch.path("no-daemon.sock")] }

        func expectTargetUntouched(sourceLocation: SourceLocation = #_sourceLocation) {
            var info = stat()
            #expect(stat(target, &info) == 0, sourceLocation: sourceLocation)
            #expect(info.st_uid == 0 && info.st_gid == 0, "the target changed owner", sourceLocation: sourceLocation)
            #expect(info.st_size == Self.targetText.utf8.count, sourceLocation: sourceLocation)
            #expect(
                (try? String(contentsOfFile: target, encoding: .utf8)) == Self.targetText,
                sourceLocation: sourceLocation)
        }
    }

    @Test func logoutRefusesALinkAtTheTokenLock() async throws {
        let scene = try Scene()
        try #"{"office":{"refresh_token":"r"}}"#.write(
            toFile: scene.state + "/tokens.json", atomically: false, encoding: .utf8)
        chown(scene.state + "/tokens.json", 65534, 65534)
        scene.plantSymlink("tokens.json.lock")
        scene.giveAway()
        let result = try await CommandRunner.run(
            "calsyncctl", ["logout", "office", "--config", scene.config], environment: scene.environment)
        #expect(result.status == 1, "\(result.all)")
        #expect(result.stderr.contains("tokens.json.lock"), "\(result.all)")
        #expect(result.stderr.contains("symbolic link"), "\(result.all)")
        scene.expectTargetUntouched()
    }

    @Test func forgetRefusesALinkAtTheStoreLock() async throws {
        let scene = try Scene()
        #expect(FileManager.default.createFile(atPath: scene.state + "/calsync.db", contents: nil))
        scene.plantSymlink("calsync.db.lock")
        scene.giveAway()
        let result = try await CommandRunner.run(
            "calsyncctl", ["forget", "gone", "--config", scene.config], environment: scene.environment)
        #expect(result.status == 1, "\(result.all)")
        #expect(result.stderr.contains("calsync.db.lock"), "\(result.all)")
        #expect(result.stderr.contains("symbolic link"), "\(result.all)")
        scene.expectTargetUntouched()
    }

    /// A store in the other user's directory, made by calsyncd (no accounts), then handed
    /// over with everything in it; the scratch folder opened for that user to reach it.
    func storeGivenAway(_ scene: Scene) async throws {
        let empty = try scene.scratch.write(
            "empty.toml",
            """
            [store]
            path = "\(scene.state)/calsync.db"
            tokens_path = "\(scene.state)/tokens.json"
            """)
        let once = try await CommandRunner.run("calsyncd", ["--once", "--config", empty])
        #expect(once.status == 0, "\(once.all)")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: scene.state)) ?? [] {
            #expect(chown(scene.state + "/" + name, 65534, 65534) == 0)
        }
        scene.giveAway()
        chmod(scene.scratch.path(""), 0o711)
    }

    @Test(arguments: [
        ["status"], ["agenda"], ["calendars"], ["forget", "office"],
    ])
    func rootOpensTheStoreAsTheDirectoryOwnerNotThroughALinkAtItsWAL(_ command: [String]) async throws {
        let scene = try Scene()
        try await storeGivenAway(scene)
        for name in ["calsync.db-shm", "calsync.db-wal"] { unlink(scene.state + "/" + name) }
        scene.plantSymlink("calsync.db-wal")
        _ = try await CommandRunner.run(
            "calsyncctl", command + ["--config", scene.config], environment: scene.environment)
        scene.expectTargetUntouched()
    }

    @Test func rootOpensTheStoreAsTheDirectoryOwnerNotThroughALinkAtItsSharedMemoryFile() async throws {
        let scene = try Scene()
        try await storeGivenAway(scene)
        for name in ["calsync.db-shm", "calsync.db-wal"] { unlink(scene.state + "/" + name) }
        scene.plantSymlink("calsync.db-shm")
        _ = try await CommandRunner.run(
            "calsyncctl", ["status", "--config", scene.config], environment: scene.environment)
        scene.expectTargetUntouched()
    }

    /// With `fs.protected_hardlinks = 0` the service's user may hard-link any file of the
    /// same file system into its directory; SQLite opens an existing `-shm` as it is and,
    /// running as root, gives it to the database's owner.
    @Test func rootOpensTheStoreAsTheDirectoryOwnerNotThroughAHardLinkAtItsSharedMemoryFile() async throws {
        let scene = try Scene()
        try await storeGivenAway(scene)
        for name in ["calsync.db-shm", "calsync.db-wal"] { unlink(scene.state + "/" + name) }
        #expect(link(scene.target, scene.state + "/calsync.db-shm") == 0)
        _ = try await CommandRunner.run(
            "calsyncctl", ["status", "--config", scene.config], environment: scene.environment)
        scene.expectTargetUntouched()
    }

    @Test func rootReadsAStoreOfAnotherUserAsThatUser() async throws {
        let scene = try Scene()
        try await storeGivenAway(scene)
        for name in ["calsync.db-shm", "calsync.db-wal"] { unlink(scene.state + "/" + name) }
        let result = try await CommandRunner.run(
            "calsyncctl", ["agenda", "--config", scene.config], environment: scene.environment)
        #expect(result.status == 0, "\(result.all)")
        var info = stat()
        if stat(scene.state + "/calsync.db-shm", &info) == 0 {
            #expect(info.st_uid == 65534, "the shared-memory file SQLite made belongs to the store's user")
        }
    }
}
