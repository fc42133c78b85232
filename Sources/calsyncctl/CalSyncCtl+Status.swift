import ArgumentParser
import CalSyncAuth
import CalSyncEngine
import CalSyncModel
import CalSyncProviders
import CalSyncStore
import Foundation

extension CalSyncCtl {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accounts, calendars, last and next sync, errors, and whether calsyncd runs.",
            discussion: """
                Exit codes: 0 all healthy; 1 something needs attention; 2 usage error; 3 the store is \
                missing or unreadable. The --json document is described in docs/status-json.md.
                """)

        @OptionGroup var options: GlobalOptions
        @Flag(help: "Print one JSON document for monitoring.") var json = false

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let reader = try openStore(configuration)
            let tokens = TokenStore(path: configuration.store.tokensPath)
            var accounts = try reader.statusAccounts(
                interval: { configuration.account(named: $0)?.interval ?? configuration.sync.interval },
                // The token file is owner-only: readers in the calsync group simply see no expiry.
                tokenExpiry: { (try? tokens.tokens(for: $0))??.accessTokenExpiresAt })
            let writes = (try? reader.writeCounts()) ?? [:]
            for index in accounts.indices { accounts[index].writes = writes[accounts[index].id] ?? OutboxCounts() }
            let report = StatusReport(
                generatedAt: Date(), store: configuration.store.path, daemon: options.daemonState(configuration),
                accounts: accounts)
            print(json ? report.json() : report.text())
            if !report.healthy { throw ExitCodes.attention }
        }
    }
}
