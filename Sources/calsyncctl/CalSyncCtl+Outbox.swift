import ArgumentParser
import CalSyncEngine
import CalSyncModel
import CalSyncStore
import Foundation

extension CalSyncCtl {
    struct Outbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The writes that are not done: list them, retry or drop one.",
            discussion: """
                States: pending (waiting, or retried after a transient failure), sent (being sent), conflict \
                (the event changed at the provider; nothing was written), failed (refused; the error says \
                why). docs/write-back.md. Exit codes: 0; 2 usage error or no such row; 3 the store cannot be \
                read or written.
                """,
            subcommands: [List.self, Retry.self, Drop.self], defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the writes that are not done.")
            @OptionGroup var options: GlobalOptions
            @Flag(help: "Print a JSON array of outbox rows.") var json = false

            func run() async throws {
                let configuration = try options.loadConfiguration()
                let reader = try openStore(configuration)
                let rows = try reader.openWrites()
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                    return
                }
                if rows.isEmpty {
                    print("No writes waiting: every write is done.")
                    return
                }
                for row in rows {
                    var line = "#\(row.id) \(row.state.rawValue) \(row.op.rawValue) \(row.target)"
                    if let id = row.eventID { line += " \(id)" }
                    line += " (\(row.attempts) attempt\(row.attempts == 1 ? "" : "s"), \(row.updatedAt))"
                    if let error = row.error { line += ": \(error)" }
                    print(TerminalText.line(line))
                }
            }
        }

        struct Retry: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Send a write in conflict or failed again (--force: overwrite the provider's change).")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The outbox row's id.") var id: Int64
            @Flag(help: "Base the update or delete on no etag: overwrite what changed at the provider.")
            var force = false

            func run() async throws {
                let configuration = try options.loadConfiguration()
                let row = try change(configuration) { try $0.retry(id: id, force: force) }
                _ = try? ControlClient.send(
                    ControlRequest(command: .push), to: options.controlSocketPath(), timeout: .seconds(2))
                print("outbox #\(row.id) is pending again\(force ? " (forced)" : "")")
            }
        }

        struct Drop: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove a write that is not being sent.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "The outbox row's id.") var id: Int64

            func run() async throws {
                let configuration = try options.loadConfiguration()
                let row = try change(configuration) { try $0.drop(id: id) }
                print("outbox #\(row.id) (\(row.state.rawValue) \(row.op.rawValue) \(row.target)) dropped")
            }
        }
    }
}

/// Runs a change of the outbox: a bad id is a usage error (2), a store problem exit 3.
private func change(
    _ configuration: CalSyncConfiguration, _ body: (OutboxClient) throws -> OutboxRow
) throws -> OutboxRow {
    let client = try openOutbox(configuration)
    do {
        return try body(client)
    } catch let error as CalSyncError {
        printError("calsyncctl: \(error.message)")
        throw error.code == .invalidInput ? ExitCodes.usage : ExitCodes.storeUnavailable
    }
}
