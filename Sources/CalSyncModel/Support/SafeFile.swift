import Foundation

#if canImport(Glibc)
package import Glibc
#endif

/// Opens calsync's own files (the token file and its lock, the store's writer lock) so
/// that whoever can write their directory cannot redirect them elsewhere.
///
/// `sudo calsyncctl login` runs as root in `/var/lib/calsync`, a directory the service's
/// user owns: that user could plant a symbolic link (or a hard link) named like one of
/// calsync's files and have root `fchown` or `ftruncate` its target (`/etc/shadow`). So
/// every file is opened relative to the directory's descriptor with `O_NOFOLLOW`, checked
/// with `fstat` to be a regular file with one link before anything changes it, and
/// temporary files get an unpredictable name created with `O_EXCL`. The same rules hold
/// for every user (a link there is never calsync's), so there is one code path.
package enum SafeFile {
    /// An open directory, the anchor of the `*at` calls.
    package struct Directory: ~Copyable {
        package let descriptor: Int32
        /// The directory's path, for messages.
        package let path: String

        /// Opens the directory that holds `file` (the current one for a bare name).
        package init(containing file: String) throws {
            let directory = (file as NSString).deletingLastPathComponent
            path = directory.isEmpty ? "." : directory
            descriptor = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw CalSyncError(.store, "cannot open the directory \(path): \(SafeFile.lastError())")
            }
        }

        deinit { close(descriptor) }

        /// Opens `name` in this directory without following a link, and refuses anything
        /// but a regular file with exactly one link. Returns nil when the file does not
        /// exist and `flags` does not create it.
        package func open(_ name: String, flags: Int32, mode: mode_t = 0o600) throws -> Int32? {
            // O_NONBLOCK: a FIFO planted under the name must not hang the open.
            let fd = openat(descriptor, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, mode)
            guard fd >= 0 else {
                let error = errno
                if error == ENOENT, flags & O_CREAT == 0 { return nil }
                if error == ELOOP { throw refusal(name, "it is a symbolic link") }
                let advice = error == EACCES ? " (check its owner and permissions)" : ""
                throw CalSyncError(
                    .store, "cannot open \(filePath(name)): \(String(cString: strerror(error)))\(advice)")
            }
            do {
                try checkRegularWithOneLink(fd, name)
            } catch {
                close(fd)
                throw error
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            return fd
        }

        /// Creates a new, empty, owner-only file with an unpredictable name beginning with
        /// `prefix` (`O_EXCL`: never an existing file or link). Returns its descriptor and name.
        package func createTemporary(prefix: String) throws -> (descriptor: Int32, name: String) {
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<16 {
                let suffix = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
                let name = prefix + suffix
                let fd = openat(descriptor, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
                if fd >= 0 { return (fd, name) }
                guard errno == EEXIST else {
                    throw CalSyncError(.store, "cannot create \(filePath(name)): \(SafeFile.lastError())")
                }
            }
            throw CalSyncError(.store, "cannot create a temporary file \(filePath(prefix))…: every name was taken")
        }

        /// Replaces `target` with `source` atomically, then makes the rename durable.
        package func replace(_ target: String, with source: String) throws {
            guard renameat(descriptor, source, descriptor, target) == 0 else {
                throw CalSyncError(.store, "cannot replace \(filePath(target)): \(SafeFile.lastError())")
            }
            fsync(descriptor)
        }

        /// Removes `name` (a temporary file left by a failed write).
        package func remove(_ name: String) {
            unlinkat(descriptor, name, 0)
        }

        /// `sudo calsyncctl login work` runs as root, but the service reads its files as its
        /// own user: when root writes into a directory someone else owns (the service's
        /// `/var/lib/calsync`), the file goes to that directory's owner and group. Only ever
        /// called on a descriptor ``open(_:flags:mode:)`` or ``createTemporary(prefix:)``
        /// checked, so the owner can never hand root another file to give away.
        package func giveToOwner(_ fd: Int32) {
            guard geteuid() == 0 else { return }
            var info = stat()
            guard fstat(descriptor, &info) == 0, info.st_uid != 0 else { return }
            _ = fchown(fd, info.st_uid, info.st_gid)
        }

        /// The path of `name` in this directory, for messages.
        package func filePath(_ name: String) -> String {
            path == "." ? name : (path as NSString).appendingPathComponent(name)
        }

        private func checkRegularWithOneLink(_ fd: Int32, _ name: String) throws {
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                throw CalSyncError(.store, "cannot inspect \(filePath(name)): \(SafeFile.lastError())")
            }
            guard info.st_mode & S_IFMT == S_IFREG else { throw refusal(name, "it is not a regular file") }
            guard info.st_nlink == 1 else { throw refusal(name, "it has \(info.st_nlink) hard links") }
        }

        private func refusal(_ name: String, _ reason: String) -> CalSyncError {
            CalSyncError(
                .store,
                "refusing to use \(filePath(name)): \(reason); calsync never creates one, so someone who can "
                    + "write \(path) may be trying to redirect it (remove it and try again)")
        }
    }

    package static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
