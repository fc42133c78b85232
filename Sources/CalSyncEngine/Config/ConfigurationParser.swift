import CalSyncAuth
package import CalSyncModel
import CalSyncStore
import Foundation
import TOMLKit

/// Turns the TOML text into a ``CalSyncConfiguration``, collecting every problem (not just
/// the first) as one located line each. Each `[[account]]` is read with the keys, the
/// endpoints and the scopes of its provider's kind (``ProviderKind``), from `kinds`.
package struct ConfigurationParser {
    let text: String
    let path: String
    let locator: ConfigurationLocator
    let kinds: [any ProviderKind]
    private let problems: ConfigurationProblems

    package init(text: String, path: String, locator: ConfigurationLocator, kinds: [any ProviderKind]) {
        self.text = text
        self.path = path
        self.locator = locator
        self.kinds = kinds
        self.problems = ConfigurationProblems(path: path, text: text)
    }

    static let topLevelKeys = ["store", "sync", "account"]
    static let storeKeys = ["path", "tokens_path"]
    static let syncKeys = [
        "interval", "window_past", "window_future", "window_slide", "max_delete_ratio", "changes_retention",
        "max_instances_per_series", "max_concurrent_syncs",
    ]
    static let commonAccountKeys = [
        "name", "provider", "client_id", "calendars", "interval", "time_zone", "enabled", "write",
    ]

    // The documented ranges of the durations (docs/configuration.md "Ranges"). Every
    // duration becomes a date, a sleep or a count of seconds somewhere; bounded here, none
    // of those conversions can overflow (`interval = "100000000000000d"` passed the check
    // and then crashed the daemon after its first poll, and `calsyncctl status`).
    static let tenYears: Duration = .seconds(3_650 * 86_400)
    static let intervalRange: ClosedRange<Duration> = .seconds(1) ... .seconds(30 * 86_400)
    static let windowPastRange: ClosedRange<Duration> = .zero...tenYears
    static let windowRange: ClosedRange<Duration> = .seconds(86_400)...tenYears
    static let changesRetentionRange: ClosedRange<Duration> = .seconds(3_600)...tenYears

    package mutating func parse() throws -> CalSyncConfiguration {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw CalSyncError(
                .config, "\(path):\(error.source.begin.line): the file is not valid TOML: \(error.description)")
        }
        checkKeys(of: root, allowed: Self.topLevelKeys, section: nil, context: nil)

        let storeTable = table(root, "store", context: nil)
        let syncTable = table(root, "sync", context: nil)
        let configurationDirectory = (path as NSString).deletingLastPathComponent
        var store = CalSyncConfiguration.Store(path: "", tokensPath: "")
        if let storeTable {
            checkKeys(of: storeTable, allowed: Self.storeKeys, section: "store", context: "[store]")
        }
        let storePath =
            string(storeTable, "path", section: "store", context: "[store]").map {
                Self.absolute($0, relativeTo: configurationDirectory)
            } ?? locator.defaultStorePath(configurationPath: path)
        store.path = storePath
        store.tokensPath =
            string(storeTable, "tokens_path", section: "store", context: "[store]").map {
                Self.absolute($0, relativeTo: configurationDirectory)
            } ?? ((storePath as NSString).deletingLastPathComponent + "/tokens")

        let sync = parseSync(syncTable)
        var accounts: [AccountConfiguration] = []
        if let value = root["account"] {
            if let array = value.array {
                for index in 0..<array.count {
                    guard let accountTable = array[index].table else {
                        report("account", index: index, "account must be a [[account]] table")
                        continue
                    }
                    if let account = parseAccount(accountTable, index: index, sync: sync) {
                        accounts.append(account)
                    }
                }
            } else {
                report(key: "account", section: nil, context: nil, "account must be written as [[account]] tables")
            }
        }
        var seen: [String: Int] = [:]
        for (index, account) in accounts.enumerated() {
            if let first = seen[account.name] {
                report(
                    key: "name", section: "account", index: index, context: "account \"\(account.name)\"",
                    "name \"\(account.name)\" is used by account #\(first + 1) too (names must be unique)")
            } else {
                seen[account.name] = index
            }
        }
        guard problems.all.isEmpty else {
            throw CalSyncError(.config, problems.all.joined(separator: "\n"))
        }
        return CalSyncConfiguration(path: path, store: store, sync: sync, accounts: accounts)
    }

    // MARK: Sections

    private mutating func parseSync(_ table: TOMLTable?) -> CalSyncConfiguration.Sync {
        var sync = CalSyncConfiguration.Sync()
        guard let table else { return sync }
        let context = "[sync]"
        checkKeys(of: table, allowed: Self.syncKeys, section: "sync", context: context)
        if let value = duration(table, "interval", section: "sync", context: context, range: Self.intervalRange) {
            sync.interval = value
        }
        if let value = duration(table, "window_past", section: "sync", context: context, range: Self.windowPastRange) {
            sync.windowPast = value
        }
        if let value = duration(table, "window_future", section: "sync", context: context, range: Self.windowRange) {
            sync.windowFuture = value
        }
        if let value = duration(table, "window_slide", section: "sync", context: context, range: Self.windowRange) {
            sync.windowSlide = value
        }
        if let value = duration(
            table, "changes_retention", section: "sync", context: context, range: Self.changesRetentionRange)
        {
            sync.changesRetention = value
        }
        if let value = table["max_delete_ratio"] {
            if let ratio = value.double ?? value.int.map(Double.init), ratio > 0, ratio <= 1 {
                sync.maxDeleteRatio = ratio
            } else {
                report(
                    key: "max_delete_ratio", section: "sync", context: context,
                    "max_delete_ratio \(Self.show(value)) is not a share (use a number above 0 and at most 1.0, e.g. 0.5)"
                )
            }
        }
        if let value = integer(
            table, "max_instances_per_series", section: "sync", context: context, range: 1...1_000_000)
        {
            sync.maxInstancesPerSeries = value
        }
        if let value = integer(table, "max_concurrent_syncs", section: "sync", context: context, range: 1...64) {
            sync.maxConcurrentSyncs = value
        }
        return sync
    }

    private mutating func parseAccount(
        _ toml: TOMLTable, index: Int, sync: CalSyncConfiguration.Sync
    ) -> AccountConfiguration? {
        let rawName = toml["name"]?.string
        let context = rawName.map { "account \"\($0)\"" } ?? "account #\(index + 1)"
        let table = TOMLAccountTable(
            toml, index: index, context: context, problems: problems,
            directory: (path as NSString).deletingLastPathComponent)
        let problemsBefore = problems.all.count

        guard let name = table.string("name") else {
            if !table.has("name") { table.tableProblem("name is missing") }
            return nil
        }
        if name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") })
        {
            table.problem("name", "name \"\(name)\" is not valid (use lower-case letters, digits, _ and -)")
        }
        guard let providerText = table.string("provider") else {
            if !table.has("provider") { table.tableProblem("provider is missing") }
            return nil
        }
        guard let kind = kinds.first(where: { $0.name == providerText }) else {
            table.problem(
                "provider", "provider \"\(providerText)\" is not known (use \(Self.alternatives(kinds.map(\.name))))")
            return nil
        }
        let ownKeys = kind.accountKeys
        let otherKeys = kinds.filter { $0.name != kind.name }.flatMap(\.accountKeys).filter { !ownKeys.contains($0) }
        for keyName in toml.keys where otherKeys.contains(keyName) {
            table.problem(keyName, "\(keyName) does not apply to \(kind.name) accounts")
        }
        checkKeys(
            of: toml, allowed: Self.commonAccountKeys + ownKeys + otherKeys, section: "account", index: index,
            context: context)

        let clientID = table.string("client_id")
        // Any kind may take a client secret; whether it needs one, or refuses it, is its rule.
        let clientSecret = table.secret("client_secret")
        let interval = table.duration("interval", range: Self.intervalRange) ?? sync.interval
        var calendars: [String]?
        if table.has("calendars") { calendars = table.stringArray("calendars") }
        let timeZone = table.string("time_zone")
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            table.problem(
                "time_zone", "time_zone \"\(timeZone)\" is not a time zone (use an IANA name such as Europe/Berlin)")
        }
        let enabled = table.bool("enabled") ?? true
        let write = table.bool("write") ?? false
        table.common = AccountBasics(clientID: clientID, clientSecret: clientSecret, calendars: calendars)

        guard let settings = kind.settings(from: table), problems.all.count == problemsBefore else { return nil }
        if write, case .apiKey = settings.auth {
            // An API key reads public calendars only: no provider lets it write.
            table.problem("write", "write = true needs a signed-in account: an API-key account is read-only")
            return nil
        }
        return AccountConfiguration(
            name: name, provider: kind.name, settings: settings, clientID: clientID, clientSecret: clientSecret,
            calendars: calendars, interval: interval, timeZone: timeZone, enabled: enabled,
            scopes: write ? kind.writeScopes : kind.scopes, oauth: kind.oauth, write: write)
    }

    // MARK: Values

    private mutating func table(_ root: TOMLTable, _ key: String, context: String?) -> TOMLTable? {
        guard let value = root[key] else { return nil }
        guard let table = value.table else {
            report(key: key, section: nil, context: context, "\(key) must be a table ([\(key)])")
            return nil
        }
        return table
    }

    private mutating func string(_ table: TOMLTable?, _ key: String, section: String, context: String) -> String? {
        guard let value = table?[key] else { return nil }
        guard let text = value.string else {
            report(
                key: key, section: section, context: context,
                "\(key) \(Self.show(value)) is not a string (write it in quotes)")
            return nil
        }
        return text
    }

    private mutating func duration(
        _ table: TOMLTable, _ key: String, section: String, context: String, range: ClosedRange<Duration>
    ) -> Duration? {
        guard let value = table[key] else { return nil }
        let (duration, message) = Self.duration(value, key, range: range)
        if let message { report(key: key, section: section, context: context, message) }
        return duration
    }

    /// A duration in `range`, or the problem with it.
    static func duration(
        _ value: any TOMLValueConvertible, _ key: String, range: ClosedRange<Duration>
    ) -> (Duration?, String?) {
        guard let text = value.string, let parsed = ConfigDuration.parse(text) else {
            return (
                nil, "\(key) \(show(value)) is not a duration (use a number and a unit, like 90s, 5m, 2h or 30d)"
            )
        }
        guard parsed >= range.lowerBound else {
            return (nil, "\(key) \"\(text)\" is too short (at least \(ConfigDuration.format(range.lowerBound)))")
        }
        guard parsed <= range.upperBound else {
            return (nil, "\(key) \"\(text)\" is too long (at most \(ConfigDuration.format(range.upperBound)))")
        }
        return (parsed, nil)
    }

    private mutating func integer(
        _ table: TOMLTable, _ key: String, section: String, context: String, range: ClosedRange<Int>
    ) -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int, range.contains(number) else {
            report(
                key: key, section: section, context: context,
                "\(key) \(Self.show(value)) is not allowed (use a whole number from \(range.lowerBound) to \(range.upperBound))"
            )
            return nil
        }
        return number
    }

    /// `localhost`, an IPv4 address in 127.0.0.0/8 or `::1` (bracketed or not): hosts that
    /// never leave the machine. Names that merely start like one (`127.0.0.1.example.com`)
    /// are not loopback.
    static func isLoopback(host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name.hasSuffix(".") { name = String(name.dropLast()) }
        if name == "localhost" || name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4,
            octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && UInt8($0) != nil })
        else { return false }
        return octets[0] == "127"
    }

    // MARK: Problems

    private mutating func checkKeys(
        of table: TOMLTable, allowed: [String], section: String?, index: Int? = nil, context: String?
    ) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            var message = "unknown key \"\(key)\""
            if let suggestion = Self.closest(to: key, in: allowed) { message += " (did you mean \(suggestion)?)" }
            report(key: key, section: section, index: index, context: context, message)
        }
    }

    private func report(key: String, section: String?, index: Int? = nil, context: String?, _ message: String) {
        problems.report(key: key, section: section, index: index, context: context, message)
    }

    private func report(_ section: String, index: Int, _ message: String) {
        problems.report(section, index: index, message)
    }

    static func show(_ value: any TOMLValueConvertible) -> String {
        if let text = value.string { return "\"\(text)\"" }
        return "\(value.debugDescription)"
    }

    static func absolute(_ path: String, relativeTo directory: String) -> String {
        if path.hasPrefix("/") { return path }
        let base = directory.isEmpty ? FileManager.default.currentDirectoryPath : directory
        return ((base as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    /// `a`, `a or b`, `a, b or c`: the known values, for messages.
    static func alternatives(_ names: [String]) -> String {
        guard let last = names.last else { return "" }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " or " + last
    }

    /// A known key within edit distance 2 of an unknown one.
    static func closest(to key: String, in candidates: [String]) -> String? {
        candidates.map { ($0, editDistance(key, $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
