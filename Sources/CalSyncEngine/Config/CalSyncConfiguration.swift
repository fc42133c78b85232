import CalSyncAuth
public import CalSyncModel
import CalSyncStore
import Foundation

/// The whole configuration file, validated, with defaults applied and paths resolved.
public struct CalSyncConfiguration: Sendable, Equatable {
    public struct Store: Sendable, Equatable {
        public var path: String
        /// The owner-only token file; default `tokens` beside the store.
        public var tokensPath: String
    }

    public struct Sync: Sendable, Equatable {
        public var interval: Duration = .seconds(300)
        public var windowPast: Duration = .seconds(365 * 86_400)
        public var windowFuture: Duration = .seconds(730 * 86_400)
        public var windowSlide: Duration = .seconds(7 * 86_400)
        /// A full re-sync deleting this share or more of a non-empty calendar is held.
        public var maxDeleteRatio: Double = 1.0
        /// `changes` rows older than this may be pruned.
        public var changesRetention: Duration = .seconds(30 * 86_400)
        /// Expansion cap for one series (a rule firing every second is cut here and reported).
        public var maxInstancesPerSeries: Int = 10_000
        /// Calendars polled at the same time, across accounts.
        public var maxConcurrentSyncs: Int = 4
    }

    /// The file it was read from (for messages).
    public var path: String
    public var store: Store
    public var sync: Sync
    public var accounts: [AccountConfiguration]

    /// Reads and validates the file at `path`, its `[[account]]` tables against `kinds`
    /// (`ProviderKinds.standard`: the executables hand them in; the engine knows none).
    /// - Throws: ``CalSyncError`` `.config` with one line per problem
    ///   (`calsync.toml:14: account "work": interval "5 minutes" is not a duration (use 5m)`).
    public static func load(
        path: String, locator: ConfigurationLocator, kinds: [any ProviderKind]
    ) throws -> CalSyncConfiguration {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CalSyncError(
                .config,
                "\(path): the configuration file does not exist (start from etc/calsync.toml.example, "
                    + "or name another file with --config)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CalSyncError(.config, "\(path): the configuration file cannot be read (check its permissions)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CalSyncError(.config, "\(path): the configuration file is not UTF-8 text")
        }
        var parser = ConfigurationParser(text: text, path: path, locator: locator, kinds: kinds)
        return try parser.parse()
    }

    /// The account with this name.
    public func account(named name: String) -> AccountConfiguration? {
        accounts.first { $0.name == name }
    }
}
