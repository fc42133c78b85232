import ArgumentParser

/// `calsyncctl --config FILE <command>`: the global form of `--config` (docs/configuration.md:
/// accepted before the command and after it).
///
/// Every command declares `--config` itself (``GlobalOptions``), where ArgumentParser
/// parses and documents it; a leading `--config FILE` (or `--config=FILE`) is moved to
/// just after the command's name before parsing, so both forms go through the same
/// option, the same validation and the same `--help`.
enum LeadingConfigOption {
    /// Both forms with different files: which one was meant is anybody's guess.
    struct Conflict: Error {
        let before: String
        let after: String
        var message: String {
            "calsyncctl: --config is given twice with different files (\(before) before the command, \(after) "
                + "after it); give it once"
        }
    }

    /// `arguments` (without the program's name) with a leading `--config` moved after the
    /// command (and subcommand) names; unchanged when there is none.
    static func rewrite(_ arguments: [String], root: any ParsableCommand.Type) throws(Conflict) -> [String] {
        let value: String
        var rest: [String]
        if arguments.count >= 2, arguments[0] == "--config" {
            value = arguments[1]
            rest = Array(arguments.dropFirst(2))
        } else if let first = arguments.first, first.hasPrefix("--config=") {
            value = String(first.dropFirst("--config=".count))
            rest = Array(arguments.dropFirst())
        } else {
            return arguments
        }
        if let later = laterValue(in: rest) {
            guard later == value else { throw Conflict(before: value, after: later) }
            return rest
        }
        // Past the names of the command and its subcommands (`debug wedge-scheduler`).
        var command = root
        var index = 0
        while index < rest.count,
            let subcommand = command.configuration.subcommands.first(where: { $0._commandName == rest[index] })
        {
            command = subcommand
            index += 1
        }
        // No command (`calsyncctl --config FILE --help`): the root has no use for it.
        guard index > 0 else { return rest }
        rest.insert(contentsOf: ["--config", value], at: index)
        return rest
    }

    /// The value of a `--config` given after the command, if any (options end at `--`).
    private static func laterValue(in arguments: [String]) -> String? {
        var found: String?
        var index = 0
        while index < arguments.count, arguments[index] != "--" {
            if arguments[index] == "--config", index + 1 < arguments.count {
                found = arguments[index + 1]
                index += 1
            } else if arguments[index].hasPrefix("--config=") {
                found = String(arguments[index].dropFirst("--config=".count))
            }
            index += 1
        }
        return found
    }
}
