import Foundation
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncStore

#if canImport(Glibc)
import Glibc
#endif

/// The store's writer lock in a directory another user owns (`calsyncctl forget` as root).
struct WriterLockTests {
    @Test(.enabled(if: geteuid() == 0, "only root can be tricked into truncating another file"))
    func rootRefusesALinkPlantedAtTheStoreLock() throws {
        let scene = try PlantedLinks()
        scene.plantSymlink("calsync.db.lock")
        let error = #expect(throws: CalSyncError.self) { try WriterLock(storePath: scene.directory + "/calsync.db") }
        #expect(error?.message.contains("calsync.db.lock") == true, "\(String(describing: error))")
        #expect(error?.message.contains("symbolic link") == true, "\(String(describing: error))")
        #expect(WriterLock.holder(storePath: scene.directory + "/calsync.db") == nil)
        scene.expectTargetUntouched()
    }

    @Test(.enabled(if: geteuid() == 0, "only root can be tricked into truncating another file"))
    func rootRefusesAHardLinkPlantedAtTheStoreLock() throws {
        let scene = try PlantedLinks()
        scene.plantHardLink("calsync.db.lock")
        let error = #expect(throws: CalSyncError.self) { try WriterLock(storePath: scene.directory + "/calsync.db") }
        #expect(error?.message.contains("hard links") == true, "\(String(describing: error))")
        scene.expectTargetUntouched()
    }

    /// Root creating the lock in the service's directory leaves it to the service's user.
    @Test(.enabled(if: geteuid() == 0, "only root can give files away"))
    func rootCreatesTheLockForTheDirectoryOwner() throws {
        let scene = try PlantedLinks()
        let lock = try WriterLock(storePath: scene.directory + "/calsync.db")
        let attributes = try FileManager.default.attributesOfItem(atPath: lock.path)
        #expect(attributes[.ownerAccountID] as? Int == 65534)
        #expect(WriterLock.holder(storePath: scene.directory + "/calsync.db") == getpid())
    }
}
