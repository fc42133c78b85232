import Foundation
import Logging
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncStore

/// Every recorded Google error body → the ``CalSyncError`` code the engine branches on
/// (docs/providers-google.md "Errors and limits", "Sign-in").
struct GoogleErrorMappingTests {
    /// The fixtures these tests map (GoogleFixtureCoverageTests checks the folder).
    static let coveredFixtures: Set<String> = Set(apiCases.compactMap(\.fixture) + tokenCases.map(\.fixture))

    /// 2026-03-01T12:00:00Z is 04:00 in Los Angeles (PST): 20 hours before midnight there.
    static let now = Timestamp.parse("2026-03-01T12:00:00Z")!

    struct APICase: CustomTestStringConvertible, Sendable {
        /// The fixture whose body is sent; nil for a body built in the test.
        var fixture: String?
        var status: Int
        var withSyncToken = false
        var retryAfterHeader: String?
        var code: CalSyncError.Code
        var retryAfter: Duration?
        /// The reason the one-line message names.
        var reason: String
        var body: String?

        var testDescription: String {
            "\(fixture ?? "built body") HTTP \(status)\(withSyncToken ? " with a sync token" : "")"
                + (retryAfterHeader.map { " Retry-After: \($0)" } ?? "") + " → \(code)"
        }
    }

    static let apiCases: [APICase] = [
        // A bad sync token is a 400 "invalid": an expired cursor only when one was sent.
        .init(
            fixture: "error-400-invalid-synctoken-value-recorded", status: 400, withSyncToken: true,
            code: .cursorExpired, reason: "invalid"),
        .init(fixture: "error-400-invalid-synctoken-value-recorded", status: 400, code: .http, reason: "invalid"),
        .init(fixture: "error-401-authError", status: 401, code: .unauthorized, reason: "authError"),
        .init(
            fixture: "error-401-required-unauthenticated-recorded", status: 401, code: .unauthorized,
            reason: "required"),
        .init(
            fixture: "error-403-forbiddenForNonOrganizer", status: 403, code: .http, reason: "forbiddenForNonOrganizer"),
        // Calendar usage limits last hours: an hour unless the server says otherwise.
        .init(
            fixture: "error-403-quotaExceeded", status: 403, code: .quotaExceeded, retryAfter: .seconds(3600),
            reason: "quotaExceeded"),
        .init(
            fixture: "error-403-quotaExceeded", status: 403, retryAfterHeader: "120", code: .quotaExceeded,
            retryAfter: .seconds(120), reason: "quotaExceeded"),
        .init(
            fixture: "error-403-rateLimitExceeded-quota-group-recorded", status: 403, code: .rateLimited,
            reason: "rateLimitExceeded"),
        .init(
            fixture: "error-403-rateLimitExceeded", status: 403, retryAfterHeader: "7", code: .rateLimited,
            retryAfter: .seconds(7), reason: "rateLimitExceeded"),
        .init(
            fixture: "error-403-userRateLimitExceeded", status: 403, code: .rateLimited,
            reason: "userRateLimitExceeded"),
        .init(fixture: "error-404-notFound", status: 404, code: .notFound, reason: "notFound"),
        .init(fixture: "error-409-duplicate", status: 409, code: .conflict, reason: "duplicate"),
        // Any 410 on a list means the token is gone.
        .init(fixture: "error-410-deleted", status: 410, withSyncToken: true, code: .cursorExpired, reason: "deleted"),
        .init(
            fixture: "error-410-fullSyncRequired-recorded", status: 410, withSyncToken: true, code: .cursorExpired,
            reason: "fullSyncRequired"),
        .init(
            fixture: "error-410-updatedMinTooLongAgo", status: 410, withSyncToken: true, code: .cursorExpired,
            reason: "updatedMinTooLongAgo"),
        .init(fixture: "error-412-conditionNotMet", status: 412, code: .conflict, reason: "conditionNotMet"),
        .init(
            fixture: "error-429-rateLimitExceeded", status: 429, retryAfterHeader: "2", code: .rateLimited,
            retryAfter: .seconds(2), reason: "rateLimitExceeded"),
        .init(fixture: "error-429-rateLimitExceeded", status: 429, code: .rateLimited, reason: "rateLimitExceeded"),
        // Issue 16: a year, or 1e300, is honoured up to the 300 s retry maximum.
        .init(
            fixture: "error-429-rateLimitExceeded", status: 429, retryAfterHeader: "31536000", code: .rateLimited,
            retryAfter: .seconds(300), reason: "rateLimitExceeded"),
        .init(
            fixture: "error-403-quotaExceeded", status: 403, retryAfterHeader: "1e300", code: .quotaExceeded,
            retryAfter: .seconds(300), reason: "quotaExceeded"),
        .init(
            fixture: "error-429-rateLimitExceeded", status: 429, retryAfterHeader: "Fri, 31 Dec 9999 23:59:59 GMT",
            code: .rateLimited, retryAfter: .seconds(300), reason: "rateLimitExceeded"),
        // An HTTP date: 30 s after `now`.
        .init(
            fixture: "error-429-rateLimitExceeded", status: 429, retryAfterHeader: "Sun, 01 Mar 2026 12:00:30 GMT",
            code: .rateLimited, retryAfter: .seconds(30), reason: "rateLimitExceeded"),
        .init(fixture: "error-500-backendError", status: 500, code: .server, reason: "backendError"),
        // No fixture records dailyLimitExceeded: the documented shape, built here. It lasts
        // until midnight Pacific time.
        .init(
            fixture: nil, status: 403, code: .quotaExceeded, retryAfter: .seconds(20 * 3600),
            reason: "dailyLimitExceeded",
            body: #"""
                {"error":{"errors":[{"domain":"usageLimits","reason":"dailyLimitExceeded","message":"Daily Limit Exceeded"}],"code":403,"message":"Daily Limit Exceeded"}}
                """#),
    ]

    @Test(arguments: apiCases)
    func anAPIErrorMapsToItsCode(_ testCase: APICase) throws {
        let body = try testCase.body.map { Data($0.utf8) } ?? GoogleFixture.data(testCase.fixture!)
        let response = HTTPResponse(
            status: testCase.status,
            headers: [("Content-Type", "application/json; charset=UTF-8")]
                + (testCase.retryAfterHeader.map { [("Retry-After", $0)] } ?? []),
            body: body)
        let error = GoogleErrors.error(response, withSyncToken: testCase.withSyncToken, now: Self.now)
        #expect(error.code == testCase.code)
        #expect(error.httpStatus == testCase.status)
        #expect(error.retryAfter == testCase.retryAfter)
        // One line that names the status, the reason and Google's message.
        #expect(error.message.hasPrefix("HTTP \(testCase.status) \(testCase.reason): "))
        #expect(!error.message.contains("\n"))
        let wire = try JSONDecoder().decode(GoogleWire.ErrorBody.self, from: body)
        #expect(error.message.hasSuffix(try #require(wire.error.message)))
    }

    struct TokenCase: CustomTestStringConvertible, Sendable {
        var fixture: String
        var errorDescription: String
        var testDescription: String { fixture }
    }

    static let tokenCases: [TokenCase] = [
        .init(fixture: "oauth-token-error-invalid_grant-bad-request-recorded", errorDescription: "Bad Request"),
        .init(
            fixture: "oauth-token-error-invalid_grant-expired-or-revoked-recorded",
            errorDescription: "Token has been expired or revoked."),
    ]

    @Test(arguments: tokenCases)
    func aDeadRefreshTokenNeedsLoginWithTheLikelyCauses(_ testCase: TokenCase) async throws {
        let transport = ScriptedTransport([
            HTTPResponse(
                status: 400, headers: [("Content-Type", "application/json; charset=utf-8")],
                body: try GoogleFixture.data(testCase.fixture))
        ])
        let client = OAuthClient(
            provider: .google,
            mode: .direct(tokenURL: "https://oauth2.test/token", clientID: "cid", clientSecret: "client-secret"),
            scopes: [], transport: transport)
        let error = await #expect(throws: CalSyncError.self) {
            try await client.refresh(refreshToken: "1//refresh-token", now: Self.now)
        }
        #expect(error?.code == .needsLogin)
        #expect(error?.httpStatus == 400)
        let message = error?.message ?? ""
        #expect(message.contains("invalid_grant: \(testCase.errorDescription)"))
        #expect(message.contains("\"Testing\""))
        #expect(message.contains("7 days"))
        #expect(!message.contains("1//refresh-token") && !message.contains("client-secret"))
    }

    // MARK: Through the provider

    static func provider(_ responses: [HTTPResponse]) -> (GoogleProvider, ScriptedTransport) {
        let transport = ScriptedTransport(responses)
        let provider = GoogleProvider(
            configuration: .init(
                apiBaseURL: "https://calendar.test/calendar/v3", eventTypes: ["default"],
                access: .oauth(FixedAccessToken())),
            transport: transport, now: { now })
        return (provider, transport)
    }

    static let window = SyncWindow.around(now, past: .seconds(86_400), future: .seconds(86_400))

    @Test func theProviderReportsAnInvalidSyncTokenAsAnExpiredCursorOnlyWhenItSentOne() async throws {
        let body = try GoogleFixture.data("error-400-invalid-synctoken-value-recorded")
        let (provider, _) = Self.provider([
            HTTPResponse(status: 400, body: body), HTTPResponse(status: 400, body: body),
        ])
        let incremental = await #expect(throws: CalSyncError.self) {
            try await provider.changes(
                calendarID: "primary", cursor: .delta("x"), window: Self.window, logger: Logger(label: "test"))
        }
        #expect(incremental?.code == .cursorExpired)
        // The same answer to a page request is a plain HTTP error: no token to drop.
        let paging = await #expect(throws: CalSyncError.self) {
            try await provider.changes(
                calendarID: "primary", cursor: .page("p"), window: Self.window, logger: Logger(label: "test"))
        }
        #expect(paging?.code == .http)
    }

    @Test func theProviderRetriesA401OnceThenReportsIt() async throws {
        let body = try GoogleFixture.data("error-401-authError")
        let (provider, transport) = Self.provider([
            HTTPResponse(status: 401, body: body), HTTPResponse(status: 401, body: body),
        ])
        let error = await #expect(throws: CalSyncError.self) {
            try await provider.changes(
                calendarID: "primary", cursor: .initial, window: Self.window, logger: Logger(label: "test"))
        }
        #expect(error?.code == .unauthorized)
        #expect(transport.requests.count == 2)
    }
}
