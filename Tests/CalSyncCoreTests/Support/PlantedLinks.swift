import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The scene of a local privilege attack: a directory another user (65534, "nobody") owns,
/// where that user planted links to a root-owned file elsewhere. Whatever root then does
/// in the directory must leave the target as it was.
final class PlantedLinks {
    let scratch: TemporaryDirectory
    /// The directory the other user owns.
    let directory: String
    /// The file the links point at, in a directory of its own.
    let target: String
    static let targetText = "root:secret-hash:19000:0:99999:7:::\n"

    init() throws {
        scratch = try TemporaryDirectory()
        directory = scratch.path("state")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: scratch.path("etc"), withIntermediateDirectories: true)
        target = scratch.path("etc/shadow")
        try Self.targetText.write(toFile: target, atomically: false, encoding: .utf8)
        chmod(target, 0o640)
        #expect(chown(directory, 65534, 65534) == 0)
    }

    /// Plants `name` in the directory as a symbolic link to the target.
    func plantSymlink(_ name: String) {
        #expect(symlink(target, directory + "/" + name) == 0)
    }

    /// Plants `name` as a second hard link of the target (same file system).
    func plantHardLink(_ name: String) {
        #expect(link(target, directory + "/" + name) == 0)
    }

    /// The target kept its contents, owner and size.
    func expectTargetUntouched(sourceLocation: SourceLocation = #_sourceLocation) {
        var info = stat()
        #expect(stat(target, &info) == 0, sourceLocation: sourceLocation)
        #expect(info.st_uid == 0 && info.st_gid == 0, "target owner changed", sourceLocation: sourceLocation)
        #expect(info.st_size == Self.targetText.utf8.count, sourceLocation: sourceLocation)
        #expect(info.st_mode & 0o7777 == 0o640, sourceLocation: sourceLocation)
        #expect(
            (try? String(contentsOfFile: target, encoding: .utf8)) == Self.targetText, sourceLocation: sourceLocation)
    }
}
