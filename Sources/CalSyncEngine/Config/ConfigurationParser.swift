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
    private let lines: SourceLines
    private var problems: [String] = []

    package init(text: String, path: String, locator: ConfigurationLocator, kinds: [any ProviderKind]) {
        self.text = text
        self.path = path
        self.locator = locator
        self.kinds = kinds
        self.lines = SourceLines(text)
    }

    static let topLevelKeys = ["store", "sync", "account"]
    static let storeKeys = ["path", "tokens_path"]
    static let syncKeys = [
        "interval", "window_past", "window_future", "window_slide", "max_delete_ratio", "changes_retention",
        "max_instances_per_series", "max_concurrent_syncs",
    ]
    static let commonAccountKeys = ["name", "provider", "client_id", "calendars", "interval", "time_zone", "enabled"]

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
        guard problems.isEmpty else {
            throw CalSyncError(.config, problems.joined(separator: "\n"))
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
        _ table: TOMLTable, index: Int, sync: CalSyncConfiguration.Sync
    ) -> AccountConfiguration? {
        let rawName = table["name"]?.string
        let context = rawName.map { "account \"\($0)\"" } ?? "account #\(index + 1)"
        func key(_ name: String) -> (String, Int) { (name, index) }
        let problemsBefore = problems.count

        guard let name = accountString(table, "name", index: index, context: context, required: true) else {
            return nil
        }
        if name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") })
        {
            report(
                key: "name", section: "account", index: index, context: context,
                "name \"\(name)\" is not valid (use lower-case letters, digits, _ and -)")
        }
        let providerText = accountString(table, "provider", index: index, context: context, required: true)
        guard let providerText else { return nil }
        guard let kind = kinds.first(where: { $0.name == providerText }),
            let provider = AccountConfiguration.Provider(rawValue: providerText)
        else {
            report(
                key: "provider", section: "account", index: index, context: context,
                "provider \"\(providerText)\" is not known (use \(Self.alternatives(kinds.map(\.name))))")
            return nil
        }
        let ownKeys = kind.accountKeys
        let otherKeys = kinds.filter { $0.name != kind.name }.flatMap(\.accountKeys).filter { !ownKeys.contains($0) }
        for keyName in table.keys where otherKeys.contains(keyName) {
            report(
                key: keyName, section: "account", index: index, context: context,
                "\(keyName) does not apply to \(kind.name) accounts")
        }
        checkKeys(
            of: table, allowed: Self.commonAccountKeys + ownKeys + otherKeys, section: "account", index: index,
            context: context)

        let clientID = accountString(table, "client_id", index: index, context: context, required: false)
        let clientSecret = secretSource(table, prefix: "client_secret", index: index, context: context)
        let apiKey = provider == .google ? secretSource(table, prefix: "api_key", index: index, context: context) : nil
        let interval =
            duration(table, "interval", section: "account", index: index, context: context, range: Self.intervalRange)
            ?? sync.interval
        var calendars: [String]?
        if table["calendars"] != nil {
            calendars = stringArray(table, "calendars", index: index, context: context)
        }
        let eventTypes =
            table["event_types"] != nil
            ? stringArray(table, "event_types", index: index, context: context) ?? []
            : AccountConfiguration.defaultEventTypes
        if table["event_types"] != nil, eventTypes.isEmpty {
            report(
                key: "event_types", section: "account", index: index, context: context,
                "event_types is empty (omit it for the default types)")
        }
        let timeZone = accountString(table, "time_zone", index: index, context: context, required: false)
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            report(
                key: "time_zone", section: "account", index: index, context: context,
                "time_zone \"\(timeZone)\" is not a time zone (use an IANA name such as Europe/Berlin)")
        }
        let enabled = boolean(table, "enabled", index: index, context: context) ?? true

        var auth = AccountConfiguration.Auth.oauth
        let tenant = accountString(table, "tenant", index: index, context: context, required: false) ?? "common"
        var maxConcurrentRequests = 4
        var overrides: [String: String] = [:]
        for key in kind.endpointKeys {
            if let value = url(table, key, index: index, context: context) { overrides[key] = value }
        }
        let endpoints = kind.endpoints(overrides: overrides, tenant: tenant)
        switch provider {
        case .google:
            let authText = accountString(table, "auth", index: index, context: context, required: false)
            let authURL = url(table, "auth_url", index: index, context: context)
            let refreshURL = url(table, "refresh_url", index: index, context: context)
            switch authText {
            case nil where apiKey != nil, "api_key":
                guard let apiKey else {
                    report(
                        key: "auth", section: "account", index: index, context: context,
                        "auth = \"api_key\" needs one of api_key_file, api_key_env or api_key_credential")
                    return nil
                }
                auth = .apiKey(apiKey)
                if calendars?.isEmpty != false {
                    report(
                        key: "calendars", section: "account", index: index, context: context,
                        "calendars is missing: an API-key account needs its public calendar ids there (it cannot list them)"
                    )
                }
                if clientSecret != nil {
                    let key = Self.presentKey(table, prefix: "client_secret")
                    report(
                        key: key, section: "account", index: index, context: context,
                        "\(key) does not apply: an API-key account uses no client secret")
                }
            case nil, "oauth":
                if clientID == nil {
                    report(
                        key: "client_id", section: "account", index: index, context: context,
                        "client_id is missing (the OAuth client id from the Google Cloud console)")
                }
                if clientSecret == nil {
                    report(
                        key: "client_secret_file", section: "account", index: index, context: context,
                        "client_secret_file is missing (or client_secret_env or client_secret_credential: the OAuth client secret)"
                    )
                }
            case "server":
                guard let refreshURL else {
                    report(
                        key: "auth", section: "account", index: index, context: context,
                        "auth = \"server\" needs refresh_url (your endpoint that refreshes access tokens)")
                    return nil
                }
                auth = .server(authURL: authURL, refreshURL: refreshURL)
                if clientID == nil {
                    report(
                        key: "client_id", section: "account", index: index, context: context,
                        "client_id is missing (needed to start the sign-in)")
                }
                if clientSecret != nil {
                    let key = Self.presentKey(table, prefix: "client_secret")
                    report(
                        key: key, section: "account", index: index, context: context,
                        "\(key) does not apply: auth = \"server\" keeps the client secret on your server")
                }
            case let other?:
                report(
                    key: "auth", section: "account", index: index, context: context,
                    "auth \"\(other)\" is not an auth mode (use oauth, server or api_key)")
            }
            if apiKey != nil, case .oauth = auth, authText == "oauth" {
                let key = Self.presentKey(table, prefix: "api_key")
                report(
                    key: key, section: "account", index: index, context: context,
                    "\(key) does not apply: an OAuth account uses no API key")
            }
        case .microsoft:
            if clientID == nil {
                report(
                    key: "client_id", section: "account", index: index, context: context,
                    "client_id is missing (the application id of your Entra app registration)")
            }
            if clientSecret != nil {
                let key = Self.presentKey(table, prefix: "client_secret")
                report(
                    key: key, section: "account", index: index, context: context,
                    "\(key) does not apply: Microsoft accounts sign in as a public client")
            }
            maxConcurrentRequests =
                integer(
                    table, "max_concurrent_requests", section: "account", index: index, context: context, range: 1...4)
                ?? 4
        }
        guard problems.count == problemsBefore else { return nil }
        return AccountConfiguration(
            name: name, provider: provider, auth: auth, clientID: clientID, clientSecret: clientSecret,
            calendars: calendars, interval: interval, eventTypes: eventTypes, tenant: tenant, timeZone: timeZone,
            endpoints: endpoints, defaultEndpoints: kind.defaultEndpoints(tenant: tenant),
            maxConcurrentRequests: maxConcurrentRequests, enabled: enabled, scopes: kind.scopes, oauth: kind.oauth)
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

    private mutating func accountString(
        _ table: TOMLTable, _ key: String, index: Int, context: String, required: Bool
    ) -> String? {
        guard let value = table[key] else {
            if required { report("account", index: index, "\(context): \(key) is missing") }
            return nil
        }
        guard let text = value.string else {
            report(
                key: key, section: "account", index: index, context: context,
                "\(key) \(Self.show(value)) is not a string (write it in quotes)")
            return nil
        }
        return text
    }

    private mutating func duration(
        _ table: TOMLTable, _ key: String, section: String, index: Int? = nil, context: String,
        range: ClosedRange<Duration>
    ) -> Duration? {
        guard let value = table[key] else { return nil }
        guard let text = value.string, let parsed = ConfigDuration.parse(text) else {
            report(
                key: key, section: section, index: index, context: context,
                "\(key) \(Self.show(value)) is not a duration (use a number and a unit, like 90s, 5m, 2h or 30d)")
            return nil
        }
        guard parsed >= range.lowerBound else {
            report(
                key: key, section: section, index: index, context: context,
                "\(key) \"\(text)\" is too short (at least \(ConfigDuration.format(range.lowerBound)))")
            return nil
        }
        guard parsed <= range.upperBound else {
            report(
                key: key, section: section, index: index, context: context,
                "\(key) \"\(text)\" is too long (at most \(ConfigDuration.format(range.upperBound)))")
            return nil
        }
        return parsed
    }

    private mutating func integer(
        _ table: TOMLTable, _ key: String, section: String, index: Int? = nil, context: String, range: ClosedRange<Int>
    ) -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int, range.contains(number) else {
            report(
                key: key, section: section, index: index, context: context,
                "\(key) \(Self.show(value)) is not allowed (use a whole number from \(range.lowerBound) to \(range.upperBound))"
            )
            return nil
        }
        return number
    }

    private mutating func boolean(_ table: TOMLTable, _ key: String, index: Int, context: String) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else {
            report(
                key: key, section: "account", index: index, context: context,
                "\(key) \(Self.show(value)) is not true or false")
            return nil
        }
        return flag
    }

    private mutating func stringArray(_ table: TOMLTable, _ key: String, index: Int, context: String) -> [String]? {
        guard let array = table[key]?.array else {
            report(
                key: key, section: "account", index: index, context: context,
                "\(key) must be a list of strings ([\"a\", \"b\"])")
            return nil
        }
        var strings: [String] = []
        for element in array {
            guard let text = element.string, !text.isEmpty else {
                report(
                    key: key, section: "account", index: index, context: context,
                    "\(key) must be a list of non-empty strings")
                return nil
            }
            strings.append(text)
        }
        return strings
    }

    /// An endpoint URL: https, or http to a loopback address only (the emulator, a local
    /// test server). Tokens, refresh tokens and client secrets travel to these endpoints;
    /// over http to any other host they would cross the network in clear text.
    private mutating func url(_ table: TOMLTable, _ key: String, index: Int, context: String) -> String? {
        guard let text = accountString(table, key, index: index, context: context, required: false) else { return nil }
        guard let parsed = URL(string: text), let scheme = parsed.scheme?.lowercased(),
            ["http", "https"].contains(scheme), let host = parsed.host, !host.isEmpty
        else {
            report(
                key: key, section: "account", index: index, context: context, "\(key) \"\(text)\" is not an http(s) URL"
            )
            return nil
        }
        guard scheme == "https" || Self.isLoopback(host: host) else {
            report(
                key: key, section: "account", index: index, context: context,
                "\(key) \"\(text)\" must use https (http only to loopback addresses: 127.0.0.0/8, ::1, localhost)")
            return nil
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
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

    /// The key of a secret that is set (`client_secret_env` …), for messages about it.
    static func presentKey(_ table: TOMLTable, prefix: String) -> String {
        ["_file", "_env", "_credential"].map { prefix + $0 }.first { table[$0] != nil } ?? prefix + "_file"
    }

    private mutating func secretSource(_ table: TOMLTable, prefix: String, index: Int, context: String) -> SecretSource?
    {
        var sources: [SecretSource] = []
        if let path = accountString(table, prefix + "_file", index: index, context: context, required: false) {
            sources.append(.file(Self.absolute(path, relativeTo: (self.path as NSString).deletingLastPathComponent)))
        }
        if let name = accountString(table, prefix + "_env", index: index, context: context, required: false) {
            sources.append(.environment(name))
        }
        if let name = accountString(table, prefix + "_credential", index: index, context: context, required: false) {
            sources.append(.credential(name))
        }
        if sources.count > 1 {
            report(
                key: prefix + "_file", section: "account", index: index, context: context,
                "give only one of \(prefix)_file, \(prefix)_env and \(prefix)_credential")
        }
        return sources.first
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

    private mutating func report(key: String, section: String?, index: Int? = nil, context: String?, _ message: String)
    {
        let line = lines.line(ofKey: key, section: section, index: index)
        let location = line.map { "\(path):\($0)" } ?? path
        problems.append([location, context, message].compactMap { $0 }.joined(separator: ": "))
    }

    private mutating func report(_ section: String, index: Int, _ message: String) {
        let line = lines.line(ofHeader: section, index: index)
        problems.append((line.map { "\(path):\($0)" } ?? path) + ": " + message)
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
