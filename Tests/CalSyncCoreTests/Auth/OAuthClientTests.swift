import Foundation
import Testing

@testable import CalSyncAuth
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel

struct OAuthClientTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func json(_ status: Int, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: Data(text.utf8))
    }

    @Test func googleRefreshSendsTheSecretAndKeepsNoNewRefreshToken() async throws {
        let transport = ScriptedTransport([
            Self.json(200, #"{"access_token":"ya29.new","expires_in":3599,"scope":"s","token_type":"Bearer"}"#)
        ])
        let client = OAuthClient(
            provider: .google,
            mode: .direct(tokenURL: "http://127.0.0.1:1/token", clientID: "cid", clientSecret: "shh"), scopes: [],
            transport: transport)
        let grant = try await client.refresh(refreshToken: "1//old", now: now)
        #expect(grant.accessToken == "ya29.new")
        #expect(grant.refreshToken == nil)
        #expect(grant.expiresAt == now.addingTimeInterval(3599))
        let request = try #require(transport.requests.first)
        #expect(request.method == .POST)
        let form = FormEncoding.decode(String(decoding: request.body ?? Data(), as: UTF8.self))
        #expect(
            form == [
                "client_id": "cid", "client_secret": "shh", "grant_type": "refresh_token", "refresh_token": "1//old",
            ])
        #expect(!grant.description.contains("ya29"))
    }

    @Test func microsoftRefreshRotatesAndSendsScopes() async throws {
        let body = try Fixtures.data("graph", "token-refresh-success")
        let transport = ScriptedTransport([HTTPResponse(status: 200, body: body)])
        let client = OAuthClient(
            provider: .microsoft, mode: .direct(tokenURL: "http://127.0.0.1:1/t", clientID: "app", clientSecret: nil),
            scopes: ["offline_access", "Calendars.Read"], transport: transport)
        let grant = try await client.refresh(refreshToken: "old", now: now)
        #expect(grant.refreshToken == "AwABAAAAvPM1KaPlrEqdFSBzjqfTGAMxZGUTdM0t4B4...")
        let form = FormEncoding.decode(String(decoding: transport.requests[0].body ?? Data(), as: UTF8.self))
        #expect(form["scope"] == "offline_access Calendars.Read")
        #expect(form["client_secret"] == nil)
    }

    @Test func serverModePostsTheRefreshTokenWithTheXHRHeader() async throws {
        let transport = ScriptedTransport([Self.json(200, #"{"access_token":"a","expires_in":60}"#)])
        let client = OAuthClient(
            provider: .google, mode: .server(authURL: nil, refreshURL: "https://example.org/refresh"), scopes: [],
            transport: transport)
        _ = try await client.refresh(refreshToken: "rt", now: now)
        let request = transport.requests[0]
        #expect(request.url == "https://example.org/refresh")
        #expect(request.headers.contains { $0.name == "X-Requested-With" && $0.value == "XmlHttpRequest" })
        #expect(String(decoding: request.body ?? Data(), as: UTF8.self) == "refresh_token=rt")
    }

    @Test func serverModeSignInNeedsAnAuthURL() async throws {
        let client = OAuthClient(
            provider: .google, mode: .server(authURL: nil, refreshURL: "https://example.org/refresh"), scopes: [],
            transport: ScriptedTransport([]))
        await #expect(throws: CalSyncError.self) {
            try await client.exchange(code: "c", redirectURI: "http://127.0.0.1:1", verifier: "v", now: now)
        }
    }

    @Test(arguments: [
        "oauth-token-error-invalid_grant-expired-or-revoked-recorded",
        "oauth-token-error-invalid_grant-bad-request-recorded",
    ])
    func googleInvalidGrantMeansSignInAgain(fixture: String) throws {
        let error = OAuthClient.error(status: 400, body: try Fixtures.data("google", fixture), provider: .google)
        #expect(error.code == .needsLogin)
        #expect(error.message.contains("Testing"))
        #expect(error.message.contains("7 days"))
        #expect(error.message.contains("invalid_grant"))
    }

    @Test func microsoftAADSTSCodesNameTheCause() throws {
        let error = OAuthClient.error(
            status: 400, body: try Fixtures.data("graph", "token-error-invalid-grant-aadsts70008"), provider: .microsoft
        )
        #expect(error.code == .needsLogin)
        #expect(error.message.contains("AADSTS70002"))
        #expect(error.message.contains("expired"))
        #expect(!error.message.contains("Trace ID"))
    }

    @Test func otherTokenFailuresAreClassified() throws {
        #expect(
            OAuthClient.error(
                status: 400, body: try Fixtures.data("graph", "token-error-invalid-scope"), provider: .microsoft
            )
            .code == .http)
        #expect(OAuthClient.error(status: 503, body: Data("<html>".utf8), provider: .google).code == .server)
        #expect(OAuthClient.error(status: 429, body: Data(), provider: .microsoft).code == .rateLimited)
        let unavailable = Data(#"{"error":"temporarily_unavailable"}"#.utf8)
        #expect(OAuthClient.error(status: 400, body: unavailable, provider: .microsoft).code == .server)
        let badClient = Data(#"{"error":"invalid_client","error_description":"Unauthorized"}"#.utf8)
        #expect(OAuthClient.error(status: 401, body: badClient, provider: .google).code == .config)
    }

    @Test func readsTheEmailFromTheIDToken() {
        // {"alg":"none"}.{"email":"ada@example.com"}.
        let token = "eyJhbGciOiJub25lIn0.eyJlbWFpbCI6ImFkYUBleGFtcGxlLmNvbSJ9."
        #expect(TokenGrant.email(fromIDToken: token) == "ada@example.com")
        #expect(TokenGrant.email(fromIDToken: "garbage") == nil)
    }
}
