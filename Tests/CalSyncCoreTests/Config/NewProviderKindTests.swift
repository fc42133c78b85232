import Foundation
import Testing

@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncProviders

/// A provider the engine has never heard of, added only by handing its kind to the parser:
/// the kind validates its own keys, and its settings reach check-config, login and the
/// factory without a change to the engine (issue 17, docs/architecture.md "Adding a provider").
struct NewProviderKindTests {
    struct CalDAVSettings: ProviderSettings, Equatable {
        var user: String
        var endpoints: ProviderEndpoints
        var auth: AccountAuth { .oauth }
        var defaultEndpoints: ProviderEndpoints { endpoints }
        var reportLines: [String] { ["  user:          \(user)"] }
        var signIn: SignIn { .loopback }
        func authorizationURL(
            clientID: String, redirectURI: String, scopes: [String], state: String, codeChallenge: String
        ) -> String { endpoints.authorize + "?client_id=" + clientID }
        var revocation: Revocation { .unavailable(note: "nothing to revoke") }
        func configure(_ account: inout ProviderAccount) { account.timeZone = "UTC" }
    }

    struct CalDAVKind: ProviderKind {
        var name: String { "caldav" }
        var accountKeys: [String] { ["server_url", "user"] }
        var endpointKeys: [String] { ["server_url"] }
        var scopes: [String] { [] }
        var writeScopes: [String] { [] }
        var oauth: OAuthFlavour { .unnamed }
        func endpoints(overrides: [String: String], tenant: String) -> ProviderEndpoints {
            let server = overrides["server_url"] ?? "https://dav.example.org"
            return ProviderEndpoints(api: server, token: server + "/token", authorize: server + "/auth", revoke: nil)
        }
        func settings(from table: any AccountTable) -> (any ProviderSettings)? {
            guard let user = table.string("user") else {
                table.problem("server_url", "user is missing (the CalDAV user name)")
                return nil
            }
            var overrides: [String: String] = [:]
            if let server = table.url("server_url") { overrides["server_url"] = server }
            return CalDAVSettings(user: user, endpoints: endpoints(overrides: overrides, tenant: ""))
        }
        func providerMaker(transport: any HTTPTransport) -> ProviderMaker {
            { _, _ in throw CalSyncError(.config, "not in this test") }
        }
    }

    static let kinds: [any ProviderKind] = [GoogleKind(), GraphKind(), CalDAVKind()]

    static func parse(_ text: String) throws -> CalSyncConfiguration {
        try ProviderKindTests.parse(text, kinds: kinds)
    }

    @Test func aNewKindReadsItsOwnKeysAndItsSettingsReachTheReport() throws {
        let configuration = try Self.parse(
            """
            [[account]]
            name = "dav"
            provider = "caldav"
            client_id = "c"
            server_url = "https://dav.example.com/"
            user = "ana"
            """)
        let account = try #require(configuration.accounts.first)
        #expect(account.provider == "caldav")
        #expect(account.endpoints.api == "https://dav.example.com")
        #expect((account.settings as? CalDAVSettings)?.user == "ana")
        let report = configuration.checkReport(environment: [:])
        #expect(report.contains("account dav: caldav, oauth"))
        #expect(report.contains("  user:          ana"))
    }

    @Test func aNewKindsProblemsAreLocatedLikeEveryOther() {
        #expect {
            _ = try Self.parse(
                """
                [[account]]
                name = "dav"
                provider = "caldav"
                server_url = "http://dav.example.com"
                tenant = "common"
                """)
        } throws: { error in
            (error as? CalSyncError)?.message == """
                /etc/calsync/calsync.toml:5: account "dav": tenant does not apply to caldav accounts
                /etc/calsync/calsync.toml:4: account "dav": user is missing (the CalDAV user name)
                """
        }
    }
}
