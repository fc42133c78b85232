import CalSyncModel
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
    ///
    /// Every file is opened through ``SafeFile``: as root in the service's directory, a
    /// link planted at `PATH.lock`, `PATH` or a temporary name is refused, never followed.
    private func update(_ change: (inout [String: Tokens]) -> Void) throws {
        try Self.updateLock.withLock { _ in
            try createDirectoryIfNeeded()
            let directory = try SafeFile.Directory(containing: path)
            let name = (path as NSString).lastPathComponent
            guard let lockFD = try directory.open(name + ".lock", flags: O_RDWR | O_CREAT) else { return }
            defer { close(lockFD) }
            directory.giveToOwner(lockFD)
            while flock(lockFD, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    throw CalSyncError(.store, "cannot lock the token file \(path): \(SafeFile.lastError())")
                }
            }
            var all = try load(from: directory, name: name)
            change(&all)
            try persist(all, in: directory, name: name)
        }
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
        let parent = (path as NSString).deletingLastPathComponent
        guard parent.isEmpty || FileManager.default.fileExists(atPath: parent) else { return [:] }
        let directory = try SafeFile.Directory(containing: path)
        return try load(from: directory, name: (path as NSString).lastPathComponent)
    }

    private func load(from directory: borrowing SafeFile.Directory, name: String) throws -> [String: Tokens] {
        guard let fd = try directory.open(name, flags: O_RDONLY) else { return [:] }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                throw CalSyncError(.store, "the token file \(path) cannot be read: \(SafeFile.lastError())")
            }
            if count == 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            return try decoder.decode([String: Tokens].self, from: data)
        } catch {
            throw CalSyncError(.store, "the token file \(path) is damaged; sign in again after moving it away")
        }
    }

    /// Writes a temporary file (unpredictable name, `O_EXCL`), fsyncs it, renames it over
    /// the old file and fsyncs the directory.
    private func persist(_ all: [String: Tokens], in directory: borrowing SafeFile.Directory, name: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        let data = try encoder.encode(all)
        let (fd, temporary) = try directory.createTemporary(prefix: name + ".tmp-")
        directory.giveToOwner(fd)
        var written = 0
        data.withUnsafeBytes { bytes in
            while written < bytes.count {
                let count = write(fd, bytes.baseAddress! + written, bytes.count - written)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return }
                written += count
            }
        }
        let reason = written == data.count ? nil : SafeFile.lastError()
        let synced = fsync(fd) == 0
        close(fd)
        guard reason == nil, synced else {
            let why = reason ?? SafeFile.lastError()
            directory.remove(temporary)
            throw CalSyncError(.store, "cannot write the token file \(path): \(why)")
        }
        do {
            try directory.replace(name, with: temporary)
        } catch {
            directory.remove(temporary)
            throw error
        }
    }
}
