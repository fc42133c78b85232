import ArgumentParser
import CalSyncAuth
import CalSyncEngine
import CalSyncModel
import CalSyncProviders
import CalSyncStore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `calsyncctl`: status, sign-in, the agenda and configuration checks for calsync.
@main
struct CalSyncCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calsyncctl",
        abstract: "Show calsync's status, sign accounts in, print the agenda.",
        usage: "calsyncctl [--config FILE] <command> [<options>]",
        discussion: """
            The store is read directly, whether or not calsyncd runs. Configuration: --config FILE \
            (before the command or after it), \
            $CALSYNC_CONFIG, /etc/calsync/calsync.toml (system) or ~/.config/calsync/calsync.toml (user); \
            see docs/configuration.md.
            """,
        version: CalSyncVersion.current,
        subcommands: [
            Status.self, Login.self, Logout.self, Sync.self, Forget.self, Calendars.self, Agenda.self, CheckConfig.self,
            Event.self, Outbox.self, Debug.self,
        ]
    )

    /// Parses and runs, mapping failures to the documented exit codes: 2 for a usage error
    /// (ArgumentParser would say 64), the command's own codes otherwise.
    static func main() async {
        do {
            let arguments: [String]
            do {
                arguments = try LeadingConfigOption.rewrite(Array(CommandLine.arguments.dropFirst()), root: Self.self)
            } catch {
                printError(error.message)
                Foundation.exit(2)
            }
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let error as CalSyncError {
            FileHandle.standardError.write(Data("calsyncctl: \(error.message)\n".utf8))
            Foundation.exit(error.code == .config ? 78 : 1)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file (default: $CALSYNC_CONFIG, then the system or user file).")
    var config: String?

    /// The configuration, or a clean exit 78 naming every problem.
    func loadConfiguration() throws -> CalSyncConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let locator = ConfigurationLocator(environment: environment, isRoot: getuid() == 0)
        return try CalSyncConfiguration.load(path: locator.configurationPath(explicit: config), locator: locator)
    }
}

/// Exit codes shared by the commands (docs/status-json.md "Exit codes", docs/daemon.md
/// "The control socket").
enum ExitCodes {
    static let attention = ExitCode(1)
    static let usage = ExitCode(2)
    static let storeUnavailable = ExitCode(3)
    /// EX_UNAVAILABLE: `sync` found no daemon to ask.
    static let daemonUnavailable = ExitCode(69)
    static let configuration = ExitCode(78)
}

/// Prints to standard error.
/// Error messages often quote provider text: control characters are escaped (TerminalText).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((TerminalText.lines(message) + "\n").utf8))
}

/// Opens the store read-only for a reporting command; a missing or unreadable store is
/// exit 3 with the reason, the same for `status`, `calendars` and `agenda`.
func openStore(_ configuration: CalSyncConfiguration) throws -> StoreReader {
    do {
        try StoreOwner.becomeOwnerIfRoot(storePath: configuration.store.path)
        return try StoreReader(path: configuration.store.path)
    } catch let error as CalSyncError {
        printError("calsyncctl: \(error.message)")
        throw ExitCodes.storeUnavailable
    }
}

extension GlobalOptions {
    /// The control socket of the daemon that serves this configuration.
    func controlSocketPath() -> String {
        let environment = ProcessInfo.processInfo.environment
        let locator = ConfigurationLocator(environment: environment, isRoot: getuid() == 0)
        return locator.controlSocketPath(configurationPath: locator.configurationPath(explicit: config))
    }

    /// Whether calsyncd runs: the service answers on its control socket; failing that, a
    /// process holding the store's writer lock (`calsyncd --once`) counts as running.
    func daemonState(_ configuration: CalSyncConfiguration) -> StatusReport.Daemon {
        if let answer = try? ControlClient.send(
            ControlRequest(command: .status), to: controlSocketPath(), timeout: .seconds(2)), answer.ok,
            answer.store == nil || answer.store == configuration.store.path
        {
            return .init(running: true, pid: answer.pid.map(Int.init), status: answer.status)
        }
        let pid = CalendarStore.writerPID(storePath: configuration.store.path)
        return .init(running: pid != nil, pid: pid.map(Int.init))
    }
}
