import CalSyncEmulator
import CalSyncEmulatorServer
import CurlTransport
import Foundation
import GRDB
import Logging

@testable import CalSyncAuth
@testable import CalSyncEmulatorServer
@testable import CalSyncEngine
@testable import CalSyncModel
@testable import CalSyncProviders
@testable import CalSyncRecurrence
@testable import CalSyncStore

/// Google and Microsoft accounts of the emulator, signed in, with a configuration, a token file and a
/// store in a temporary directory: the daemon's sync core runs against it in-process,
/// over real HTTP (libcurl) to the emulator on 127.0.0.1.
final class EmulatedAccounts: @unchecked Sendable {
    let emulator: ProviderEmulator
    let directory: TemporaryDirectory
    let transport: CurlTransport
    let configuration: CalSyncConfiguration
    let store: CalendarStore
    let tokens: TokenStore
    let logs: MemoryLog
    /// One factory for every poll, as in the daemon: providers keep per-account state
    /// between polls (Graph's mailbox permits and the occurrence stubs it has seen).
    let providers: ProviderFactory
    var state: EmulatorState { emulator.state }
    static let calendar = "user@example.com"
    static let clientSecret = "emulated-client-secret-5f2c"

    /// `accounts` names the Google accounts and `microsoftAccounts` the Microsoft ones (each
    /// with its own refresh token); the configuration text may add keys to every account.
    init(
        accounts: [String] = ["work"], microsoftAccounts: [String] = [], extraAccountKeys: String = "",
        extraSyncKeys: String = "", options: EmulatorOptions = EmulatorOptions()
    ) async throws {
        emulator = try await ProviderEmulator.start(options: options)
        directory = try TemporaryDirectory()
        logs = MemoryLog()
        transport = CurlTransport(logger: logs.logger)
        providers = .standard(transport: transport, environment: [:])
        try Self.clientSecret.write(toFile: directory.path("secret"), atomically: true, encoding: .utf8)
        var text = """
            [store]
            path = "\(directory.path("calsync.db"))"
            tokens_path = "\(directory.path("tokens.json"))"

            [sync]
            window_past = "30d"
            window_future = "365d"
            \(extraSyncKeys)

            """
        for name in accounts {
            text += """
                [[account]]
                name = "\(name)"
                provider = "google"
                client_id = "emulated-client"
                client_secret_file = "\(directory.path("secret"))"
                calendars = ["primary"]
                api_url = "\(emulator.baseURL)/calendar/v3"
                token_url = "\(emulator.baseURL)/token"
                \(extraAccountKeys)

                """
        }
        for name in microsoftAccounts {
            text += """
                [[account]]
                name = "\(name)"
                provider = "microsoft"
                client_id = "emulated-public-client"
                graph_url = "\(emulator.baseURL)/v1.0"
                login_url = "\(emulator.baseURL)"
                \(extraAccountKeys)

                """
        }
        try text.write(toFile: directory.path("calsync.toml"), atomically: true, encoding: .utf8)
        configuration = try CalSyncConfiguration.load(
            path: directory.path("calsync.toml"),
            locator: ConfigurationLocator(
                environment: ["HOME": directory.url.path], isRoot: false, fileExists: { _ in false }))
        store = try CalendarStore(
            path: directory.path("calsync.db"), writerName: "tests", expander: RecurrenceExpander(), logger: logs.logger
        )
        tokens = TokenStore(path: directory.path("tokens.json"))
        for name in accounts {
            let issued = await emulator.state.issueTokens(provider: .google, clientID: "emulated-client")
            try tokens.save(.init(refreshToken: issued.refreshToken), for: name)
        }
        for name in microsoftAccounts {
            let issued = await emulator.state.issueTokens(provider: .microsoft, clientID: "emulated-public-client")
            try tokens.save(.init(refreshToken: issued.refreshToken), for: name)
        }
    }

    func stop() async {
        transport.shutdown()
        await emulator.stop()
    }

    /// One `calsyncd --once` pass over every account, with real waits between retries
    /// unless `sleep` is given. `freshProcess` makes new providers for the pass, with none
    /// of the memory earlier passes kept in the process (a separate `calsyncd --once`).
    /// The daemon's scheduler over these accounts (`configuration`, else theirs), with no
    /// heartbeat and silent hooks; the caller runs it (`scheduler.run()`) and cancels it.
    func scheduler(
        configuration other: CalSyncConfiguration? = nil, askedPollSpacing: Duration = .seconds(60)
    ) -> SyncScheduler {
        let configuration = other ?? configuration
        let base = AccountSync(
            configuration: configuration, store: store, tokens: tokens, transport: transport, providers: providers,
            environment: [:], logger: logs.logger)
        return SyncScheduler(
            configuration: configuration, makeSync: { base.reconfigured($0) }, reload: { configuration },
            hooks: .init(ready: { _ in }, status: { _ in }, reloading: {}, stopping: {}), heartbeatPeriod: nil,
            askedPollSpacing: askedPollSpacing, logger: logs.logger)
    }

    func syncOnce(
        retry: AccountSync.RetryPolicy = .init(retries: 3, backoff: .oneShot),
        sleep: (@Sendable (Duration) async throws -> Void)? = nil, configuration other: CalSyncConfiguration? = nil,
        freshProcess: Bool = false
    ) async -> [AccountSync.CalendarResult] {
        let sync = AccountSync(
            configuration: other ?? configuration, store: store, tokens: tokens, transport: transport,
            providers: freshProcess ? .standard(transport: transport, environment: [:]) : providers,
            environment: [:], logger: logs.logger,
            sleep: sleep ?? { try await Task.sleep(for: $0) })
        return await sync.syncAll(retry: retry)
    }

    /// (id, etag, status) of the account's events in the store.
    func storedEvents(account: String = "work") throws -> [String: (etag: String, status: String)] {
        let queue = try DatabaseQueue(path: directory.path("calsync.db"))
        return try queue.read { db in
            var result: [String: (etag: String, status: String)] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT id, etag, status FROM events WHERE account_id = ?", arguments: [account])
            {
                result[row["id"]] = (row["etag"] ?? "", row["status"] ?? "")
            }
            return result
        }
    }

    /// (id, etag, status) of what the emulator holds: the truth the store must equal.
    func truth() async throws -> [String: (etag: String, status: String)] {
        var result: [String: (etag: String, status: String)] = [:]
        for event in try await state.googleEvents(calendarID: Self.calendar) {
            result[event["id"]?.stringValue ?? ""] = (
                event["etag"]?.stringValue ?? "", event["status"]?.stringValue ?? ""
            )
        }
        return result
    }

    /// The same configuration with `replace` applied to its text (another setting).
    func configuration(editing replace: (String) -> String) throws -> CalSyncConfiguration {
        let text = try String(contentsOfFile: directory.path("calsync.toml"), encoding: .utf8)
        try replace(text).write(toFile: directory.path("edited.toml"), atomically: true, encoding: .utf8)
        return try CalSyncConfiguration.load(
            path: directory.path("edited.toml"),
            locator: ConfigurationLocator(
                environment: ["HOME": directory.url.path], isRoot: false, fileExists: { _ in false }))
    }

    func scalarText(_ sql: String) throws -> String {
        let queue = try DatabaseQueue(path: directory.path("calsync.db"))
        return try queue.read { db in try String.fetchOne(db, sql: sql) ?? "" }
    }

    func rows(_ sql: String) throws -> [String] {
        let queue = try DatabaseQueue(path: directory.path("calsync.db"))
        return try queue.read { db in try String.fetchAll(db, sql: sql) }
    }

    func scalar(_ sql: String) throws -> Int {
        let queue = try DatabaseQueue(path: directory.path("calsync.db"))
        return try queue.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }
}

/// Log lines kept in memory, to check what was logged (and that no secret was).
final class MemoryLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var lines: [String] { lock.withLock { stored } }

    var logger: Logger {
        Logger(label: "calsync.tests") { _ in MemoryLogSink(log: self) }
    }

    func append(_ line: String) {
        lock.withLock { stored.append(line) }
    }
}

struct MemoryLogSink: LogHandler {
    let log: MemoryLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        log.append("\(event.level) \(event.message) \(metadata.merging(event.metadata ?? [:]) { $1 })")
    }
}
