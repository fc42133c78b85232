import Foundation

/// Where a secret (client secret, API key) comes from. The configuration never holds the
/// value itself, and nothing prints it: only the source is ever shown.
public enum SecretSource: Sendable, Equatable, CustomStringConvertible {
    /// A file (owner-readable), trailing newline trimmed.
    case file(String)
    /// An environment variable of the daemon.
    case environment(String)
    /// A systemd credential: `$CREDENTIALS_DIRECTORY/<name>` (`LoadCredential=`).
    case credential(String)

    public var description: String {
        switch self {
        case .file(let path): "file \(path)"
        case .environment(let name): "environment variable \(name)"
        case .credential(let name): "systemd credential \(name)"
        }
    }

    /// Reads the secret now.
    /// - Throws: ``CalSyncError`` `.config` naming the source (never a value) when it is
    ///   missing, unreadable or empty.
    public func resolve(environment: [String: String]) throws -> Secret {
        let value: String
        switch self {
        case .file(let path):
            value = try Self.read(path, what: "file \(path)")
        case .environment(let name):
            guard let text = environment[name] else {
                throw CalSyncError(.config, "the environment variable \(name) is not set")
            }
            value = text
        case .credential(let name):
            guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
                throw CalSyncError(
                    .config,
                    "systemd credential \(name) is not available: CREDENTIALS_DIRECTORY is not set "
                        + "(LoadCredential= in the unit provides it)")
            }
            value = try Self.read(directory + "/" + name, what: "systemd credential \(name)")
        }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CalSyncError(.config, "the \(self) is empty") }
        return Secret(trimmed)
    }

    private static func read(_ path: String, what: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CalSyncError(.config, "the \(what) does not exist")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CalSyncError(.config, "the \(what) cannot be read (check its permissions)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A secret value. It prints as `<redacted>` everywhere (interpolation, `dump`, logs);
/// only ``value`` gives it out, for the one request that needs it.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
