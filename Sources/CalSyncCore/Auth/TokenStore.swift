public import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The tokens of every account, in one owner-only (0600) JSON file beside the store —
/// never in the store, which readers may read.
///
/// Every save replaces the file atomically (a temporary file in the same directory,
/// written, fsync'ed, renamed over the old one, then the directory fsync'ed), so a crash
/// leaves either the old tokens or the new ones, never a torn file.
public final class TokenStore: Sendable {
    /// One account's tokens. `description` never shows a token.
    public struct Tokens: Codable, Sendable, Equatable, CustomStringConvertible {
        public var refreshToken: String?
        public var accessToken: String?
        public var accessTokenExpiresAt: Date?
        public var scope: String?
        public var email: String?

        public init(
            refreshToken: String?, accessToken: String? = nil, accessTokenExpiresAt: Date? = nil, scope: String? = nil,
            email: String? = nil
        ) {
            self.refreshToken = refreshToken
            self.accessToken = accessToken
            self.accessTokenExpiresAt = accessTokenExpiresAt
            self.scope = scope
            self.email = email
        }

        public var description: String {
            let expiry = accessTokenExpiresAt.map(Timestamp.string(from:)) ?? "-"
            return "Tokens(refresh: \(refreshToken == nil ? "none" : "<redacted>"), access expires: \(expiry))"
        }

        enum CodingKeys: String, CodingKey {
            case refreshToken = "refresh_token"
            case accessToken = "access_token"
            case accessTokenExpiresAt = "access_token_expires_at"
            case scope, email
        }

        /// Reads the file's entry, clamping the expiry (``TokenGrant/saneExpiry(_:now:)``): a
        /// file written before grants were clamped may hold `1e300`, which trapped
        /// `calsyncctl status`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            refreshToken = try container.decodeIfPresent(String.self, forKey: .refreshToken)
            accessToken = try container.decodeIfPresent(String.self, forKey: .accessToken)
            accessTokenExpiresAt = try container.decodeIfPresent(Date.self, forKey: .accessTokenExpiresAt).map {
                TokenGrant.saneExpiry($0, now: Date())
            }
            scope = try container.decodeIfPresent(String.self, forKey: .scope)
            email = try container.decodeIfPresent(String.self, forKey: .email)
        }
    }

    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The tokens of an account, nil when it never signed in.
    public func tokens(for account: String) throws -> Tokens? {
        try load()[account]
    }

    /// Saves an account's tokens (replacing the file atomically).
    public func save(_ tokens: Tokens, for account: String) throws {
        try update { $0[account] = tokens }
    }

    /// Forgets an account's tokens.
    public func remove(account: String) throws {
        try update { $0.removeValue(forKey: account) }
    }

    /// Serialises read-modify-write of the file within the process.
    private static let updateLock = Mutex(())

    /// Reads, changes and rewrites the file as one step. Accounts refresh concurrently
    /// and `calsyncctl login` writes while the daemon runs: without the lock (a mutex in
    /// the process, `flock` on `PATH.lock` across processes) two writers would each
    /// rewrite the file from what they read, and one account's new refresh token — at
    /// Microsoft, the only one still valid — would be lost.
    private func update(_ change: (inout [String: Tokens]) -> Void) throws {
        try Self.updateLock.withLock { _ in
            try createDirectoryIfNeeded()
            let lockFD = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard lockFD >= 0 else {
                throw CalSyncError(.store, "cannot lock the token file \(path): \(String(cString: strerror(errno)))")
            }
            defer { close(lockFD) }
            Self.giveToDirectoryOwner(lockFD, directory: (path as NSString).deletingLastPathComponent)
            while flock(lockFD, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    throw CalSyncError(
                        .store, "cannot lock the token file \(path): \(String(cString: strerror(errno)))")
                }
            }
            var all = try load()
            change(&all)
            try persist(all)
        }
    }

    /// `sudo calsyncctl login work` runs as root, but the service reads the tokens as its
    /// own user: when root writes into a directory someone else owns (the service's
    /// `/var/lib/calsync`), the file goes to that directory's owner and group, still 0600.
    static func giveToDirectoryOwner(_ fd: Int32, directory: String) {
        guard geteuid() == 0 else { return }
        var info = stat()
        guard stat(directory.isEmpty ? "." : directory, &info) == 0, info.st_uid != 0 else { return }
        _ = fchown(fd, info.st_uid, info.st_gid)
    }

    private func createDirectoryIfNeeded() throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    private func load() throws -> [String: Tokens] {
        // Read afresh every time: calsyncctl login writes the file while calsyncd runs.
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CalSyncError(.store, "the token file \(path) cannot be read (check its owner and permissions)")
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            return try decoder.decode([String: Tokens].self, from: data)
        } catch {
            throw CalSyncError(.store, "the token file \(path) is damaged; sign in again after moving it away")
        }
    }

    private func persist(_ all: [String: Tokens]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        let data = try encoder.encode(all)
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CalSyncError(.store, "cannot write the token file \(path): \(String(cString: strerror(errno)))")
        }
        Self.giveToDirectoryOwner(fd, directory: directory)
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == data.count, synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CalSyncError(.store, "cannot write the token file \(path): \(reason)")
        }
        let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }
}
