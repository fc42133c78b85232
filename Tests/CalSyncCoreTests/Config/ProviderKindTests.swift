import Foundation
import Logging
import Testing

@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncProviders

/// The configuration reads each account with its provider's kind, handed in by the
/// executables: keys, endpoints, scopes and the OAuth flavour come from the kind, not
/// from the engine (issue 17).
struct ProviderKindTests {
    static func parse(_ text: String, kinds: [any ProviderKind]) throws -> CalSyncConfiguration {
        var parser = ConfigurationParser(
            text: text, path: "/etc/calsync/calsync.toml", locator: ConfigurationTests.locator, kinds: kinds)
        return try parser.parse()
    }

    static let microsoft = """
        [[account]]
        name = "office"
        provider = "microsoft"
        client_id = "app"
        tenant = "organizations"
        login_url = "https://login.microsoftonline.us"

        """

    @Test func theKnownProvidersAreTheKindsHandedIn() {
        #expect {
            _ = try Self.parse(Self.microsoft, kinds: [GoogleKind()])
        } throws: { error in
            (error as? CalSyncError)?.message
                == #"/etc/calsync/calsync.toml:3: account "office": provider "microsoft" is not known (use google)"#
        }
    }

    @Test func keysOfAKindNotHandedInAreUnknownNotForeign() {
        #expect {
            _ = try Self.parse(ConfigurationTests.google + "tenant = \"common\"\n", kinds: [GoogleKind()])
        } throws: { error in
            let message = (error as? CalSyncError)?.message ?? ""
            return message.contains(#"unknown key "tenant""#) && !message.contains("does not apply")
        }
    }

    @Test func scopesFlavourAndEndpointsAreTheKinds() throws {
        let account = try #require(try Self.parse(Self.microsoft, kinds: ProviderKinds.standard).accounts.first)
        #expect(account.scopes == GraphKind().scopes)
        #expect(account.oauth == .microsoft)
        #expect(
            account.endpoints
                == GraphKind().endpoints(
                    overrides: ["login_url": "https://login.microsoftonline.us"], tenant: "organizations"))
        #expect(account.endpoints.token == "https://login.microsoftonline.us/organizations/oauth2/v2.0/token")
        #expect(account.defaultEndpoints.login == GraphKind.loginURL)
    }

    @Test func theMessagesListTheKindsByName() {
        #expect(ConfigurationParser.alternatives(["google"]) == "google")
        #expect(ConfigurationParser.alternatives(["google", "microsoft"]) == "google or microsoft")
        #expect(ConfigurationParser.alternatives(["caldav", "google", "microsoft"]) == "caldav, google or microsoft")
    }

    /// A kind standing in for Google whose clients are recognisable.
    struct RecordingKind: ProviderKind {
        struct Client: CalendarProvider {
            var account: ProviderAccount
            func listCalendars(logger: Logger) async throws -> [RemoteCalendar] { [] }
            func changes(
                calendarID: String, cursor: SyncCursor, window: SyncWindow, logger: Logger
            ) async throws -> ProviderPage {
                ProviderPage(changes: ChangePage(), next: .initial)
            }
            func cursorFingerprint(calendarID: String, window: SyncWindow) -> String { "" }
        }
        var name: String { "google" }
        var accountKeys: [String] { GoogleKind().accountKeys }
        var endpointKeys: [String] { GoogleKind().endpointKeys }
        var scopes: [String] { [] }
        var writeScopes: [String] { [] }
        var oauth: OAuthFlavour { .unnamed }
        func endpoints(overrides: [String: String], tenant: String) -> ProviderEndpoints {
            GoogleKind().endpoints(overrides: overrides, tenant: tenant)
        }
        func settings(from table: any AccountTable) -> (any ProviderSettings)? {
            GoogleKind().settings(from: table)
        }
        func providerMaker(transport: any HTTPTransport) -> ProviderMaker {
            { account, _ in Client(account: account) }
        }
    }

    @Test func theFactoryMakesClientsWithTheKindsMaker() throws {
        let configuration = try Self.parse(ConfigurationTests.google, kinds: ProviderKinds.standard)
        let account = try #require(configuration.accounts.first)
        let factory = ProviderFactory.standard(
            transport: ScriptedTransport([]), environment: [:], windowSlide: .seconds(86_400),
            kinds: [RecordingKind()])
        let client = try #require(try factory.make(account, nil) as? RecordingKind.Client)
        #expect(client.account.name == "work")
        #expect(client.account.endpoints == GoogleKind().defaultEndpoints(tenant: "common"))
        #expect(client.account.eventTypes == GoogleKind.defaultEventTypes)
        #expect(client.account.windowSlide == .seconds(86_400))
    }
}
