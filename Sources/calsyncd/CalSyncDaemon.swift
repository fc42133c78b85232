import ArgumentParser
import CalSyncAuth
import CalSyncEngine
import CalSyncModel
import CalSyncProviders
import CalSyncRecurrence
import CalSyncStore
import CalSyncSystemd
import CurlTransport
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `calsyncd`: keeps the store fresh. Wiring only: the work is in the CalSync libraries (docs/architecture.md).
@main
struct CalSyncDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calsyncd",
        abstract: "Keep a local SQLite copy of Google and Microsoft 365 calendars fresh.",
        discussion: """
            Without --once: the service (normally started by systemd). With --once: sync every enabled \
            calendar once, print one line per calendar, exit 0 when all synced, 1 when any failed or a \
            deletion was held, 78 for a configuration error, 75 when another calsyncd writes the store.
            """,
        version: CalSyncVersion.current)

    @Option(help: "The configuration file (default: $CALSYNC_CONFIG, then the system or user file).")
    var config: String?
    @Flag(help: "Sync every enabled calendar once and exit.") var once = false
    @Option(help: "trace, debug, info, notice, warning or error.") var logLevel: String = "info"

    static func main() async {
        MallocArenas.limit(environment: ProcessInfo.processInfo.environment)
        do {
            var command = try parseAsRoot()
            if let daemon = command as? CalSyncDaemon {
                try await daemon.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            exit(withError: error)
        }
    }

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError(
                "--log-level \"\(logLevel)\" is not a level (trace, debug, info, notice, warning, error)")
        }
        let environment = ProcessInfo.processInfo.environment
        let systemd = SystemdEnvironment.current(environment: environment)
        // $CALSYNC_JOURNAL_SOCKET: the journal's native protocol to another socket (the
        // tests' stand-in for journald), as if stderr were the journal.
        let journalSocket = environment["CALSYNC_JOURNAL_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                if let journalSocket {
                    JournalLogHandler(
                        label: label, identifier: "calsyncd", sink: SocketJournalSink(path: journalSocket))
                } else if systemd.stderrIsJournal {
                    JournalLogHandler(label: label, identifier: "calsyncd")
                } else {
                    TerminalLogHandler(wrapping: StreamLogHandler.standardError(label: label))
                }
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "calsyncd")
        CurlGlobal.initialize()

        let locator = ConfigurationLocator(environment: environment, isRoot: getuid() == 0)
        let configurationPath = locator.configurationPath(explicit: config)
        let configuration: CalSyncConfiguration
        do {
            configuration = try CalSyncConfiguration.load(path: configurationPath, locator: locator)
        } catch let error as CalSyncError {
            logger.error("Invalid configuration", metadata: ["calsync.error": "\(error.message)"])
            FileHandle.standardError.write(Data("calsyncd: \(error.message)\n".utf8))
            throw ExitCode(78)
        }
        let notifier = SystemdNotifier(environment: systemd)
        // Opening the store may migrate a large one: past 5 s, keep extending systemd's
        // start timeout (EXTEND_TIMEOUT_USEC) until it is open.
        let startupExtender = once ? nil : StartupTimeoutExtender(notifier: notifier)
        let store: CalendarStore
        do {
            defer { startupExtender?.stop() }
            store = try CalendarStore(
                path: configuration.store.path, writerName: "calsyncd \(CalSyncVersion.current)",
                expander: RecurrenceExpander(maximumInstances: configuration.sync.maxInstancesPerSeries),
                logger: logger)
        } catch let error as CalSyncError {
            FileHandle.standardError.write(Data("calsyncd: \(error.message)\n".utf8))
            throw ExitCode(error.code == .storeLocked ? 75 : 1)
        }
        let transport = CurlTransport(logger: logger)
        defer { transport.shutdown() }
        let sync = AccountSync(
            configuration: configuration, store: store, tokens: TokenStore(path: configuration.store.tokensPath),
            transport: transport,
            providers: .standard(
                transport: transport, environment: environment, windowSlide: configuration.sync.windowSlide),
            environment: environment, logger: logger)

        if once {
            let results = await sync.syncAll()
            for result in results { print(TerminalText.line(result.line)) }
            // Then the outbox: rows queued while no daemon ran (docs/write-back.md).
            let pushed = await OutboxPusher(store: store, watcher: nil, sync: { sync }, logger: logger).pushAll()
            for report in pushed { print(TerminalText.line(report.line)) }
            // A calendar written to is polled once more: the provider's own view of the write
            // (Microsoft lists a new series' occurrences itself), as the service does.
            var written: [String: Set<String>] = [:]
            for case let (account, calendar)? in pushed.map(\.writtenCalendar) {
                written[account, default: []].insert(calendar)
            }
            var repolled: [AccountSync.CalendarResult] = []
            for (accountID, calendars) in written.sorted(by: { $0.key < $1.key }) {
                guard let account = configuration.account(named: accountID) else { continue }
                for calendarID in calendars.sorted() {
                    repolled += await sync.syncAccount(account, retry: .oneShot, options: .init(calendar: calendarID))
                }
            }
            for result in repolled { print(TerminalText.line(result.line)) }
            if configuration.accounts.isEmpty {
                print("No accounts configured: the store at \(configuration.store.path) is ready.")
            }
            if !(results + repolled).allSatisfy(\.succeeded) || !pushed.allSatisfy(\.settled) { throw ExitCode(1) }
            return
        }
        try await DaemonService.run(
            sync: sync, store: store, configurationPath: configurationPath, locator: locator, notifier: notifier,
            systemd: systemd,
            debugCommands: environment["CALSYNC_DEBUG_COMMANDS"] == "1", logger: logger)
    }
}
