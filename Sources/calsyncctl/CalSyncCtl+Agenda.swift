import ArgumentParser
import CalSyncAuth
import CalSyncEngine
import CalSyncModel
import CalSyncProviders
import CalSyncStore
import Foundation

extension CalSyncCtl {
    struct Agenda: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What the store says is on.",
            discussion: "WHEN is YYYY-MM-DD (local midnight) or RFC 3339. Default: today and the next 7 days.")

        @OptionGroup var options: GlobalOptions
        @Option(help: "Start (YYYY-MM-DD or RFC 3339).") var from: String?
        @Option(help: "End, exclusive (YYYY-MM-DD or RFC 3339).") var to: String?
        @Flag(help: "Print JSON (the agenda view's columns).") var json = false

        func run() async throws {
            let zone = TimeZone.current
            var (start, end) = CalSyncStore.Agenda.defaultRange(now: Date(), timeZone: zone)
            do {
                if let from { start = try CalSyncStore.Agenda.parseWhen(from, option: "--from", timeZone: zone) }
                if let to {
                    end = try CalSyncStore.Agenda.parseWhen(to, option: "--to", timeZone: zone)
                } else if from != nil {
                    end = start.addingTimeInterval(7 * 86_400)
                }
            } catch let error as CalSyncError {
                printError("calsyncctl: \(error.message)")
                throw ExitCodes.usage
            }
            guard start < end else {
                printError("calsyncctl: --to must come after --from")
                throw ExitCodes.usage
            }
            let configuration = try options.loadConfiguration()
            let reader = try openStore(configuration)
            let items = try reader.agenda(from: start, to: end)
            print(json ? CalSyncStore.Agenda.json(items) : CalSyncStore.Agenda.text(items, timeZone: zone))
        }
    }
}
