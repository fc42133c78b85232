import Foundation
import Testing

@testable import CalSyncAuth
@testable import CalSyncModel

#if canImport(Glibc)
import Glibc
#endif

struct TokenStoreTests {
    @Test func roundTripsInAnOwnerOnlyFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("state/tokens")
        let store = TokenStore(path: path)
        #expect(try store.tokens(for: "work") == nil)
        // An hour from now: expiries more than a day ahead are clamped on reading (issue 16).
        let expiry = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 3_600).rounded())
        try store.save(
            .init(refreshToken: "1//refresh", accessToken: "ya29.access", accessTokenExpiresAt: expiry, email: "a@b"),
            for: "work")
        try store.save(.init(refreshToken: "other"), for: "office")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let reopened = TokenStore(path: path)
        #expect(try reopened.tokens(for: "work")?.accessTokenExpiresAt == expiry)
        #expect(try reopened.tokens(for: "work")?.refreshToken == "1//refresh")
        try reopened.remove(account: "work")
        #expect(try TokenStore(path: path).tokens(for: "work") == nil)
        #expect(try TokenStore(path: path).tokens(for: "office")?.refreshToken == "other")
        // No temporary file is left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path("state"))
        #expect(leftovers.sorted() == ["tokens", "tokens.lock"])
    }

    /// `sudo calsyncctl login` writes as root into the service's state directory: the file
    /// must stay readable by the service's user, who owns that directory.
    @Test(.enabled(if: geteuid() == 0, "only root can give files away"))
    func rootWritingIntoAnotherUsersDirectoryGivesTheFileToThatUser() throws {
        let directory = try TemporaryDirectory()
        let state = directory.path("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        #expect(chown(state, 65534, 65534) == 0)
        try TokenStore(path: state + "/tokens").save(.init(refreshToken: "1//refresh"), for: "work")
        for file in ["tokens", "tokens.lock"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: state + "/" + file)
            #expect(attributes[.ownerAccountID] as? Int == 65534, "\(file)")
            #expect(attributes[.groupOwnerAccountID] as? Int == 65534, "\(file)")
            #expect(attributes[.posixPermissions] as? Int == 0o600, "\(file)")
        }
    }

    /// The service's user owns the directory and plants a link at the lock file, hoping
    /// root's `calsyncctl login` hands the target over: refused, target untouched.
    @Test(.enabled(if: geteuid() == 0, "only root can be tricked into giving files away"))
    func rootRefusesALinkPlantedAtTheLockFile() throws {
        let scene = try PlantedLinks()
        scene.plantSymlink("tokens.lock")
        let error = #expect(throws: CalSyncError.self) {
            try TokenStore(path: scene.directory + "/tokens").save(.init(refreshToken: "r"), for: "work")
        }
        #expect(error?.message.contains("tokens.lock") == true, "\(String(describing: error))")
        #expect(error?.message.contains("symbolic link") == true, "\(String(describing: error))")
        scene.expectTargetUntouched()
    }

    /// A hard link is no better than a symbolic one (without `fs.protected_hardlinks`).
    @Test(.enabled(if: geteuid() == 0, "only root can be tricked into giving files away"))
    func rootRefusesAHardLinkPlantedAtTheLockFile() throws {
        let scene = try PlantedLinks()
        scene.plantHardLink("tokens.lock")
        let error = #expect(throws: CalSyncError.self) {
            try TokenStore(path: scene.directory + "/tokens").remove(account: "work")
        }
        #expect(error?.message.contains("tokens.lock") == true, "\(String(describing: error))")
        #expect(error?.message.contains("hard links") == true, "\(String(describing: error))")
        scene.expectTargetUntouched()
    }

    /// The temporary file's name cannot be guessed, and a link there is never written
    /// through: planting the old pid-based names changes nothing.
    @Test(.enabled(if: geteuid() == 0, "only root can be tricked into giving files away"))
    func rootNeverWritesThroughALinkAtATemporaryName() throws {
        let scene = try PlantedLinks()
        scene.plantSymlink("tokens.tmp-\(getpid())")
        scene.plantSymlink("tokens.json.tmp-\(getpid())")
        let store = TokenStore(path: scene.directory + "/tokens")
        try store.save(.init(refreshToken: "1//refresh"), for: "work")
        #expect(try store.tokens(for: "work")?.refreshToken == "1//refresh")
        scene.expectTargetUntouched()
        let attributes = try FileManager.default.attributesOfItem(atPath: scene.directory + "/tokens")
        #expect(attributes[.ownerAccountID] as? Int == 65534)
    }

    /// A link at the token file itself is refused too (reading it as root would show
    /// another file's contents in the error; replacing it would hide the attempt).
    @Test(.enabled(if: geteuid() == 0, "only root can be tricked into giving files away"))
    func rootRefusesALinkPlantedAtTheTokenFile() throws {
        let scene = try PlantedLinks()
        scene.plantSymlink("tokens")
        let store = TokenStore(path: scene.directory + "/tokens")
        let error = #expect(throws: CalSyncError.self) { try store.save(.init(refreshToken: "r"), for: "work") }
        #expect(error?.message.contains("symbolic link") == true, "\(String(describing: error))")
        #expect(throws: CalSyncError.self) { try store.tokens(for: "work") }
        scene.expectTargetUntouched()
    }

    /// Accounts refresh at the same time; none may lose its new tokens to another's write.
    @Test func concurrentSavesOfDifferentAccountsAllLand() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("tokens")
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                group.addTask {
                    try? TokenStore(path: path).save(.init(refreshToken: "refresh-\(index)"), for: "account\(index)")
                }
            }
        }
        let store = TokenStore(path: path)
        for index in 0..<24 {
            #expect(try store.tokens(for: "account\(index)")?.refreshToken == "refresh-\(index)")
        }
    }

    @Test func descriptionsNeverShowTokens() {
        let tokens = TokenStore.Tokens(refreshToken: "1//refresh-secret", accessToken: "ya29.access-secret")
        #expect(!"\(tokens)".contains("secret"))
    }

    @Test func aDamagedFileIsReportedNotOverwritten() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("tokens")
        try "{not json".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: CalSyncError.self) { try TokenStore(path: path).tokens(for: "x") }
        #expect(error?.message.contains("damaged") == true)
        #expect(throws: CalSyncError.self) { try TokenStore(path: path).save(.init(refreshToken: "r"), for: "x") }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{not json")
    }
}
