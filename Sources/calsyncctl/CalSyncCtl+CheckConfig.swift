import ArgumentParser
import CalSyncAuth
import CalSyncEngine
import CalSyncModel
import CalSyncProviders
import CalSyncStore
import Foundation

extension CalSyncCtl {
    struct CheckConfig: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-config",
            abstract: "Parse and validate the configuration; print what would be synced.",
            discussion: "Exit 0 when the configuration is valid, 78 (EX_CONFIG) with every problem otherwise.")

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let configuration: CalSyncConfiguration
            do {
                configuration = try options.loadConfiguration()
            } catch let error as CalSyncError where error.code == .config {
                printError(error.message)
                throw ExitCodes.configuration
            }
            print(configuration.checkReport(environment: ProcessInfo.processInfo.environment).joined(separator: "\n"))
            print("")
            print("The configuration is valid.")
        }
    }
}
