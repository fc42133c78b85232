import ArgumentParser
import CalSyncAuth
import CalSyncEngine
import CalSyncModel
import CalSyncProviders
import CalSyncStore
import Foundation

extension CalSyncCtl {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask the running calsyncd to poll now.",
            discussion: """
                Talks to calsyncd through its control socket (/run/calsync/control.sock for the system \
                service, $XDG_RUNTIME_DIR/calsync/control.sock for a user's; $CALSYNC_CONTROL_SOCKET \
                overrides). Without a daemon, `calsyncd --once` syncs instead. Exit codes: 0 asked (with \
                --wait: every calendar synced); 1 a calendar failed or a deletion was held, or the daemon \
                refused; 2 usage error; 69 calsyncd is not running or cannot be reached.
                """)

        @OptionGroup var options: GlobalOptions
        @Argument(help: "ACCOUNT or ACCOUNT/CALENDAR (a calendar's id or name); default: every enabled account.")
        var target: String?
        @Flag(help: "A full re-sync instead of an incremental poll.") var full = false
        @Flag(help: "Apply a full re-sync even if the safety valve would hold its deletions.") var force = false
        @Flag(help: "Wait for the poll and print one line per calendar.") var wait = false

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let (account, calendar) = try Self.split(target)
            if let account, configuration.account(named: account) == nil {
                let names = configuration.accounts.map(\.name).joined(separator: ", ")
                printError(
                    "calsyncctl: no account named \"\(account)\" in the configuration (accounts: \(names.isEmpty ? "none" : names))"
                )
                throw ExitCodes.usage
            }
            let request = ControlRequest(
                command: .sync, account: account, calendar: calendar, full: full, force: force, wait: wait)
            let response = try options.askDaemon(
                request, timeout: wait ? nil : .seconds(10), whenAbsent: "`calsyncd --once` syncs without the daemon")
            guard wait, let results = response.results else {
                let what = account.map { "\($0)\(calendar.map { "/\($0)" } ?? "")" } ?? "every enabled account"
                print("calsyncd\(response.pid.map { " (pid \($0))" } ?? "") will poll \(what) now.")
                return
            }
            for result in results { print(TerminalText.line(result.line)) }
            if !results.allSatisfy(\.succeeded) { throw ExitCodes.attention }
        }

        /// `work/Team Calendar` → ("work", "Team Calendar"): account names have no slash,
        /// so everything after the first one is the calendar (Graph ids may contain slashes).
        static func split(_ target: String?) throws -> (account: String?, calendar: String?) {
            guard let target, !target.isEmpty else { return (nil, nil) }
            guard let slash = target.firstIndex(of: "/") else { return (target, nil) }
            let account = String(target[..<slash])
            let calendar = String(target[target.index(after: slash)...])
            guard !account.isEmpty, !calendar.isEmpty else {
                throw ValidationError("\"\(target)\" is not ACCOUNT or ACCOUNT/CALENDAR")
            }
            return (account, calendar)
        }
    }

    /// Hidden commands for testing the service.
    struct Debug: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Commands for testing calsyncd under systemd.", shouldDisplay: false,
            subcommands: [WedgeScheduler.self])

        struct WedgeScheduler: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Stop calsyncd's scheduler loop, so that systemd's watchdog restarts the service.",
                discussion: "Honoured only by a calsyncd started with CALSYNC_DEBUG_COMMANDS=1.")
            @OptionGroup var options: GlobalOptions

            func run() async throws {
                let response = try options.askDaemon(
                    ControlRequest(command: .debugWedgeScheduler), timeout: .seconds(10), whenAbsent: nil)
                print("calsyncd\(response.pid.map { " (pid \($0))" } ?? ""): the scheduler loop is stopped")
            }
        }
    }
}

extension GlobalOptions {
    /// Sends `request` to the running daemon. Without one: says so (and `whenAbsent`) and
    /// exits 69; a refusal is printed and exits 1.
    func askDaemon(_ request: ControlRequest, timeout: Duration?, whenAbsent: String?) throws -> ControlResponse {
        let response: ControlResponse
        do {
            response = try ControlClient.send(request, to: controlSocketPath(), timeout: timeout)
        } catch {
            printError("calsyncctl: \(error.message)\(whenAbsent.map { "; \($0)" } ?? "")")
            throw ExitCodes.daemonUnavailable
        }
        guard response.ok else {
            printError("calsyncctl: calsyncd refused: \(response.error ?? "no reason given")")
            throw ExitCodes.attention
        }
        return response
    }
}
