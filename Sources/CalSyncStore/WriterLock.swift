import CalSyncModel
import CalSyncRecurrence
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One writer per store: an exclusive `flock` on `<store>.lock`, held while the process
/// writes, with the holder's pid inside for the message a second writer gets.
///
/// A separate file, not the database itself: closing any descriptor of the database file
/// would drop SQLite's own POSIX locks on it (fcntl locks are per process and file).
/// Readers never take this lock.
///
/// Opened through ``SafeFile``: `calsyncctl forget` runs as root in the service's
/// directory, and a link planted at `<store>.lock` must be refused, not truncated.
final class WriterLock: Sendable {
    let path: String
    private let descriptor: Int32

    init(storePath: String) throws {
        path = storePath + ".lock"
        let directory = try SafeFile.Directory(containing: path)
        guard let fd = try directory.open((path as NSString).lastPathComponent, flags: O_RDWR | O_CREAT, mode: 0o640)
        else {
            throw CalSyncError(.store, "cannot create the lock file \(path)")
        }
        // Root's `calsyncctl forget` must not leave a lock file the service cannot open.
        directory.giveToOwner(fd)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = WriterLock.readPID(fd)
            close(fd)
            let who = holder.map { "another calsyncd (pid \($0))" } ?? "another calsyncd"
            throw CalSyncError(
                .storeLocked,
                "the store \(storePath) is already in use by \(who); only one daemon may write a store "
                    + "(stop the other one, or give this one another [store] path)")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        descriptor = fd
    }

    deinit {
        // Closing the descriptor releases the flock.
        _ = ftruncate(descriptor, 0)
        close(descriptor)
    }

    /// The pid written by the holder of the lock at `storePath`, if any process holds it.
    static func holder(storePath: String) -> Int32? {
        let path = storePath + ".lock"
        guard let directory = try? SafeFile.Directory(containing: path),
            let opened = try? directory.open((path as NSString).lastPathComponent, flags: O_RDONLY)
        else { return nil }
        let fd = opened
        defer { close(fd) }
        // A shared lock that cannot be had means a writer holds the exclusive one.
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        return readPID(fd) ?? 0
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
