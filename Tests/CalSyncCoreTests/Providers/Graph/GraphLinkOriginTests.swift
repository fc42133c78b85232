import Foundation
import Logging
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncRecurrence
@testable import CalSyncStore

/// Links Graph sends are followed only on `graph_url`'s origin: the bearer token never goes
/// to another scheme, host or port (docs/providers-graph.md, "Links").
struct GraphLinkOriginTests {
    static let base = "https://graph.example:8443/v1.0"

    static func provider(_ transport: any HTTPTransport) -> GraphProvider {
        GraphProvider(
            // One delta page per store page, as the script answers them.
            configuration: .init(apiBaseURL: base, pageSize: 50, pagesPerStorePage: 1, timeZone: "UTC"),
            tokens: GraphProviderTests.CountingTokens(), transport: transport, mailbox: GraphMailbox())
    }

    static func page(_ key: String, _ link: String) -> HTTPResponse {
        let object: [String: Any] = [key: link, "value": [] as [Any]]
        return HTTPResponse(status: 200, body: try! JSONSerialization.data(withJSONObject: object))
    }

    static let foreign: [(link: String, origin: String)] = [
        ("http://graph.example:8443/v1.0/me/calendarView/delta?$skiptoken=1", "http://graph.example:8443"),
        ("https://graph.example:9443/v1.0/me/calendarView/delta?$skiptoken=1", "https://graph.example:9443"),
        ("https://elsewhere.example:8443/v1.0/me/calendarView/delta?$skiptoken=1", "https://elsewhere.example:8443"),
        ("https://graph.example/v1.0/me/calendarView/delta?$skiptoken=1", "https://graph.example:443"),
    ]

    @Test(arguments: ["@odata.nextLink", "@odata.deltaLink"], foreign.map(\.link))
    func aLinkToAnotherOriginFailsThePageAndIsNeverRequested(key: String, link: String) async throws {
        let origin = try #require(Self.foreign.first { $0.link == link }?.origin)
        let transport = ScriptedTransport([Self.page(key, link), Self.page(key, link)])
        let error = await #expect(throws: CalSyncError.self) {
            try await Self.provider(transport).changes(
                calendarID: "cal", cursor: .initial, window: GraphProviderTests.window,
                logger: GraphProviderTests.logger)
        }
        #expect(error?.code == .decoding)
        #expect(error?.message.contains(origin) == true)
        #expect(error?.message.contains("skiptoken") == false)
        #expect(transport.requests.count == 1)
        #expect(transport.requests.allSatisfy { $0.url.hasPrefix(Self.base) })
    }

    @Test func linksOnTheSameOriginAreFollowedWhateverTheCaseOrAnExplicitDefaultPort() async throws {
        let link = "HTTPS://Graph.Example:8443/v1.0/me/calendarView/delta?$skiptoken=2"
        let transport = ScriptedTransport([Self.page("@odata.nextLink", link)])
        let page = try await Self.provider(transport).changes(
            calendarID: "cal", cursor: .initial, window: GraphProviderTests.window, logger: GraphProviderTests.logger)
        #expect(page.next == .page(link))
        #expect(GraphLinkOrigin("https://h/x") == GraphLinkOrigin("https://h:443/y"))
        #expect(GraphLinkOrigin("http://h/x") != GraphLinkOrigin("https://h/x"))
    }

    @Test func aStoredLinkToAnotherOriginStartsANewRoundWithoutARequest() async throws {
        let transport = ScriptedTransport([])
        let error = await #expect(throws: CalSyncError.self) {
            try await Self.provider(transport).changes(
                calendarID: "cal", cursor: .delta("http://graph.example:8443/v1.0/d?$deltatoken=1"),
                window: GraphProviderTests.window, logger: GraphProviderTests.logger)
        }
        #expect(error?.code == .cursorExpired)
        #expect(transport.requests.isEmpty)
    }

    @Test func theCalendarListsNextLinkToAnotherOriginIsNotFollowed() async throws {
        let transport = ScriptedTransport([
            HTTPResponse(status: 200, body: Data(#"{"timeZone":"UTC"}"#.utf8)),
            Self.page("@odata.nextLink", "https://attacker.example/v1.0/me/calendars?$skiptoken=2"),
        ])
        let error = await #expect(throws: CalSyncError.self) {
            try await Self.provider(transport).listCalendars(logger: GraphProviderTests.logger)
        }
        #expect(error?.code == .decoding)
        #expect(error?.message.contains("https://attacker.example:443") == true)
        #expect(transport.requests.count == 2)
        #expect(transport.requests.allSatisfy { $0.url.hasPrefix(Self.base) })
    }
}
