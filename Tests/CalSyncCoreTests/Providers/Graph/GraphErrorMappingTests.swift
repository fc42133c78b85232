import Foundation
import Testing

@testable import CalSyncGraph
@testable import CalSyncModel

/// Graph error bodies → CalSyncError codes (docs/providers-graph.md "Errors and limits").
struct GraphErrorMappingTests {
    static let coveredFixtures: Set<String> = Set(cases.map(\.fixture))

    struct Case: Sendable, CustomTestStringConvertible {
        var fixture: String
        var status: Int
        var retryAfter: String?
        var storedLink: Bool
        var code: CalSyncError.Code
        var delay: Duration?
        var graphCode: String
        var testDescription: String { "\(status) \(fixture)" }
    }

    static let cases: [Case] = [
        Case(
            fixture: "error-401-invalidauthenticationtoken", status: 401, storedLink: false, code: .unauthorized,
            graphCode: "InvalidAuthenticationToken"),
        Case(
            fixture: "error-410-syncstatenotfound", status: 410, storedLink: true, code: .cursorExpired,
            graphCode: "SyncStateNotFound"),
        Case(
            fixture: "error-429-throttled", status: 429, retryAfter: "2.128", storedLink: false, code: .rateLimited,
            delay: .milliseconds(2128), graphCode: "TooManyRequests"),
        Case(
            fixture: "error-429-applicationthrottled-mailboxconcurrency", status: 429, retryAfter: "1",
            storedLink: true, code: .rateLimited, delay: .seconds(1), graphCode: "ApplicationThrottled"),
        Case(
            fixture: "error-501-notimplemented-delta", status: 501, storedLink: false, code: .server,
            graphCode: "NotImplemented"),
    ]

    @Test(arguments: cases)
    func recordedErrorsMapToTheirCodes(_ expected: Case) throws {
        let response = HTTPResponse(
            status: expected.status, headers: expected.retryAfter.map { [(name: "Retry-After", value: $0)] } ?? [],
            body: try GraphFixture.data(expected.fixture))
        let error = GraphErrors.error(response, storedLink: expected.storedLink, now: Date())
        #expect(error.code == expected.code)
        #expect(error.httpStatus == expected.status)
        #expect(error.retryAfter == expected.delay)
        #expect(error.message.contains(expected.graphCode))
    }

    @Test func aBadRequestOnAStoredLinkExpiresTheCursorButNotOnAFreshRound() {
        let body = Data(#"{"error":{"code":"ErrorInvalidIdMalformed","message":"Id is malformed."}}"#.utf8)
        let response = HTTPResponse(status: 400, body: body)
        #expect(GraphErrors.error(response, storedLink: true, now: Date()).code == .cursorExpired)
        #expect(GraphErrors.error(response, storedLink: false, now: Date()).code == .http)
    }

    @Test(arguments: ["syncStateNotFound", "resyncRequired", "SyncStateInvalid"])
    func documentedResyncCodesExpireTheCursorWhateverTheStatus(code: String) {
        let body = Data(#"{"error":{"code":"\#(code)","message":"Resync."}}"#.utf8)
        let error = GraphErrors.error(HTTPResponse(status: 400, body: body), storedLink: false, now: Date())
        #expect(error.code == .cursorExpired)
    }

    @Test(arguments: [503, 504])
    func unavailableAndGatewayTimeoutAreThrottlingWithTheirDelay(status: Int) {
        let response = HTTPResponse(status: status, headers: [(name: "retry-after", value: "3")], body: Data())
        let error = GraphErrors.error(response, storedLink: false, now: Date())
        #expect(error.code == .rateLimited)
        #expect(error.retryAfter == .seconds(3))
        #expect(error.isTransient)
    }
}
