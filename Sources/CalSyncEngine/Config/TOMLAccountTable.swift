import CalSyncModel
import Foundation
import TOMLKit

/// One `[[account]]` table of the file as the ``AccountTable`` its provider kind reads:
/// typed getters whose problems are located (`file:N: account "a": key …`) in the
/// configuration's one problem list.
final class TOMLAccountTable: AccountTable {
    private let table: TOMLTable
    private let index: Int
    private let context: String
    private let problems: ConfigurationProblems
    /// Relative secret file paths are taken from the configuration file's directory.
    private let directory: String
    var common = AccountBasics(clientID: nil, clientSecret: nil, calendars: nil)

    init(_ table: TOMLTable, index: Int, context: String, problems: ConfigurationProblems, directory: String) {
        self.table = table
        self.index = index
        self.context = context
        self.problems = problems
        self.directory = directory
    }

    func has(_ key: String) -> Bool { table[key] != nil }

    func line(of key: String) -> Int? { problems.line(ofKey: key, section: "account", index: index) }

    func problem(_ key: String, _ message: String) {
        problems.report(key: key, section: "account", index: index, context: context, message)
    }

    /// A problem with the table as a whole (a required key that is missing).
    func tableProblem(_ message: String) {
        problems.report("account", index: index, "\(context): \(message)")
    }

    func string(_ key: String) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else {
            problem(key, "\(key) \(ConfigurationParser.show(value)) is not a string (write it in quotes)")
            return nil
        }
        return text
    }

    func bool(_ key: String) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else {
            problem(key, "\(key) \(ConfigurationParser.show(value)) is not true or false")
            return nil
        }
        return flag
    }

    func stringArray(_ key: String) -> [String]? {
        guard let array = table[key]?.array else {
            problem(key, "\(key) must be a list of strings ([\"a\", \"b\"])")
            return nil
        }
        var strings: [String] = []
        for element in array {
            guard let text = element.string, !text.isEmpty else {
                problem(key, "\(key) must be a list of non-empty strings")
                return nil
            }
            strings.append(text)
        }
        return strings
    }

    func integer(_ key: String, range: ClosedRange<Int>) -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int, range.contains(number) else {
            problem(
                key,
                "\(key) \(ConfigurationParser.show(value)) is not allowed (use a whole number from \(range.lowerBound) to \(range.upperBound))"
            )
            return nil
        }
        return number
    }

    func duration(_ key: String, range: ClosedRange<Duration>) -> Duration? {
        guard let value = table[key] else { return nil }
        let (duration, message) = ConfigurationParser.duration(value, key, range: range)
        if let message { problem(key, message) }
        return duration
    }

    /// An endpoint URL: https, or http to a loopback address only (the emulator, a local
    /// test server). Tokens, refresh tokens and client secrets travel to these endpoints;
    /// over http to any other host they would cross the network in clear text.
    func url(_ key: String) -> String? {
        guard let text = string(key) else { return nil }
        guard let parsed = URL(string: text), let scheme = parsed.scheme?.lowercased(),
            ["http", "https"].contains(scheme), let host = parsed.host, !host.isEmpty
        else {
            problem(key, "\(key) \"\(text)\" is not an http(s) URL")
            return nil
        }
        guard scheme == "https" || ConfigurationParser.isLoopback(host: host) else {
            problem(
                key, "\(key) \"\(text)\" must use https (http only to loopback addresses: 127.0.0.0/8, ::1, localhost)")
            return nil
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    func presentKey(_ prefix: String) -> String {
        ["_file", "_env", "_credential"].map { prefix + $0 }.first { table[$0] != nil } ?? prefix + "_file"
    }

    func secret(_ prefix: String) -> SecretSource? {
        var sources: [SecretSource] = []
        if let path = string(prefix + "_file") {
            sources.append(.file(ConfigurationParser.absolute(path, relativeTo: directory)))
        }
        if let name = string(prefix + "_env") { sources.append(.environment(name)) }
        if let name = string(prefix + "_credential") { sources.append(.credential(name)) }
        if sources.count > 1 {
            problem(prefix + "_file", "give only one of \(prefix)_file, \(prefix)_env and \(prefix)_credential")
        }
        return sources.first
    }
}
