import CalSyncModel
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `sudo calsyncctl status|agenda|calendars|forget` on a store whose directory another user
/// owns (the service's `/var/lib/calsync`).
///
/// calsync's own files there are opened link-safely (`SafeFile`), but SQLite opens the
/// store's `-wal` and `-shm` itself: it follows links, and a process running as root gives
/// those files to the database's owner (`fchown`) and may truncate the `-shm`. A link the
/// service's user planted at `calsync.db-shm` would so hand root's files to that user. So a
/// root calsyncctl becomes the directory's owner — for good, before the store is opened —
/// and can then do with the store exactly what that user can (docs/operations.md).
enum StoreOwner {
    /// Switches a root process to the owner of the store's directory (its primary group,
    /// then its uid). Does nothing for other users, or when root owns the directory.
    /// - Throws: ``CalSyncError`` `.store` naming the directory when the switch fails.
    static func becomeOwnerIfRoot(storePath: String) throws {
        guard geteuid() == 0 else { return }
        let directory = (storePath as NSString).deletingLastPathComponent
        var info = stat()
        guard stat(directory.isEmpty ? "." : directory, &info) == 0, info.st_uid != 0 else { return }
        var group = info.st_gid
        if let entry = getpwuid(info.st_uid) { group = entry.pointee.pw_gid }
        guard setgroups(1, &group) == 0, setgid(group) == 0, setuid(info.st_uid) == 0 else {
            throw CalSyncError(
                .store,
                "cannot switch to the owner (uid \(info.st_uid)) of \(directory) before opening the store: "
                    + String(cString: strerror(errno)))
        }
    }
}
