import ArgumentParser
import CalSyncAuth
import CalSyncEngine
import CalSyncModel
import CalSyncProviders
import CalSyncRecurrence
import CalSyncStore
import Foundation
import Logging

extension CalSyncCtl {
    struct Forget: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an account that is no longer configured, and all its data, from the store.",
            discussion: """
                Take the account's [[account]] table out of the configuration (and reload calsyncd) first: \
                its calendars, events and occurrences then stay in the store until this command removes them \
                (each event's removal is recorded in `changes`). Goes through the running calsyncd, or opens \
                the store itself when no daemon runs. Tokens are `calsyncctl logout`'s business. Exit codes: \
                0 removed; 1 the store could not be written; 2 the account is still configured or unknown; \
                3 no store; 75 another process writes the store.
                """)

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The account's name in the store.") var account: String

        func run() async throws {
            let configuration = try options.loadConfiguration()
            if configuration.account(named: account) != nil {
                printError(
                    "calsyncctl: account \(account) is still in the configuration: remove its [[account]] table "
                        + "(and reload calsyncd) first")
                throw ExitCodes.usage
            }
            let removed: Int
            do {
                let answer = try ControlClient.send(
                    ControlRequest(command: .forget, account: account), to: options.controlSocketPath(),
                    timeout: .seconds(60))
                guard answer.ok else {
                    printError("calsyncctl: calsyncd refused: \(answer.error ?? "no reason given")")
                    throw ExitCodes.usage
                }
                removed = answer.removedEvents ?? 0
            } catch let error as CalSyncError where error.code == .control {
                removed = try await forgetWithoutDaemon(configuration)
            }
            print("Removed account \(account) and its \(removed) event\(removed == 1 ? "" : "s") from the store.")
        }

        /// No daemon answers: write the store directly (it refuses if a `--once` run holds it).
        func forgetWithoutDaemon(_ configuration: CalSyncConfiguration) async throws -> Int {
            let logger = Logger(label: "calsyncctl") { _ in SwiftLogNoOpLogHandler() }
            guard FileManager.default.fileExists(atPath: configuration.store.path) else {
                printError("calsyncctl: there is no store at \(configuration.store.path): nothing to forget")
                throw ExitCodes.storeUnavailable
            }
            let store: CalendarStore
            do {
                try StoreOwner.becomeOwnerIfRoot(storePath: configuration.store.path)
                store = try CalendarStore(
                    path: configuration.store.path, writerName: "calsyncctl forget", expander: RecurrenceExpander(),
                    logger: logger)
            } catch let error as CalSyncError {
                printError("calsyncctl: \(error.message)")
                throw error.code == .storeLocked ? ExitCode(75) : ExitCodes.attention
            }
            do {
                return try await ForgetAccount.run(
                    account, configuration: configuration, store: store, now: Date(), logger: logger)
            } catch {
                printError("calsyncctl: \(error.message)")
                throw error.code == .invalidInput ? ExitCodes.usage : ExitCodes.attention
            }
        }
    }
}
