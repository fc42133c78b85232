import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncModel
import Foundation
import Testing

/// Google's installed-app OAuth flow against the emulator: authorization page → code →
/// token (PKCE), refresh without a new refresh token, revocation → invalid_grant.
struct GoogleOAuthTests {
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    /// RFC 7636 appendix B: the S256 challenge of the verifier above.
    static let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    static func authorize(_ harness: EmulatorHarness, redirect: String) async throws -> String {
        let query = [
            ("client_id", "desktop-client"), ("redirect_uri", redirect), ("response_type", "code"),
            ("scope", "https://www.googleapis.com/auth/calendar.readonly email"), ("code_challenge", challenge),
            ("code_challenge_method", "S256"), ("state", "xyz"), ("access_type", "offline"), ("prompt", "consent"),
        ].map { "\($0.0)=\(EmulatorHarness.formEncode($0.1))" }.joined(separator: "&")
        let page = try await harness.send(.GET, "/o/oauth2/v2/auth?" + query)
        #expect(page.status == 302)
        let location = try #require(page.header("Location"))
        #expect(location.hasPrefix(redirect + "?"))
        let components = try #require(URLComponents(string: location))
        #expect(components.queryItems?.first { $0.name == "state" }?.value == "xyz")
        return try #require(components.queryItems?.first { $0.name == "code" }?.value)
    }

    @Test func authorizationCodeWithPKCEThenRefreshThenRevoke() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let redirect = "http://127.0.0.1:4711"
        let code = try await Self.authorize(harness, redirect: redirect)

        let exchanged = try await harness.postForm(
            "/token",
            [
                ("client_id", "desktop-client"), ("client_secret", "s3cret"), ("grant_type", "authorization_code"),
                ("code", code), ("redirect_uri", redirect), ("code_verifier", Self.verifier),
            ])
        #expect(exchanged.status == 200)
        let grant = try harness.json(exchanged)
        let access = try #require(grant.string("access_token"))
        let refresh = try #require(grant.string("refresh_token"))
        #expect(grant.string("token_type") == "Bearer")
        #expect(grant["expires_in"] == 3599)
        // The email scope brings an ID token naming the user.
        let idToken = try #require(grant.string("id_token"))
        let claims = String(idToken.split(separator: ".")[1])
        let padded = claims + String(repeating: "=", count: (4 - claims.count % 4) % 4)
        let decoded = try #require(Data(base64Encoded: padded.replacingOccurrences(of: "-", with: "+")))
        #expect(try JSONValue.parse(decoded).string("email") == "user@example.com")
        #expect(try await harness.send(.GET, "/calendar/v3/users/me/calendarList", token: access).status == 200)

        // A code works once.
        let replay = try await harness.postForm(
            "/token",
            [
                ("client_id", "desktop-client"), ("client_secret", "s3cret"), ("grant_type", "authorization_code"),
                ("code", code), ("redirect_uri", redirect), ("code_verifier", Self.verifier),
            ])
        #expect(try harness.json(replay).string("error") == "invalid_grant")

        let refreshed = try await harness.postForm(
            "/token",
            [
                ("client_id", "desktop-client"), ("client_secret", "s3cret"), ("grant_type", "refresh_token"),
                ("refresh_token", refresh),
            ])
        #expect(refreshed.status == 200)
        #expect(try harness.json(refreshed)["refresh_token"] == nil, "Google keeps the refresh token")

        await harness.state.revokeTokens(provider: .google)
        let revoked = try await harness.postForm(
            "/token",
            [
                ("client_id", "desktop-client"), ("client_secret", "s3cret"), ("grant_type", "refresh_token"),
                ("refresh_token", refresh),
            ])
        #expect(revoked.status == 400)
        #expect(try harness.json(revoked).string("error") == "invalid_grant")
        #expect(try harness.json(revoked).string("error_description") == "Token has been expired or revoked.")
    }

    @Test func aWrongVerifierOrRedirectIsRefused() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let redirect = "http://127.0.0.1:4712"
        let code = try await Self.authorize(harness, redirect: redirect)
        let wrongVerifier = try await harness.postForm(
            "/token",
            [
                ("client_id", "desktop-client"), ("client_secret", "s3cret"), ("grant_type", "authorization_code"),
                ("code", code), ("redirect_uri", redirect), ("code_verifier", "not-the-verifier"),
            ])
        #expect(wrongVerifier.status == 400)
        #expect(try harness.json(wrongVerifier).string("error") == "invalid_grant")

        let other = try await Self.authorize(harness, redirect: redirect)
        let wrongRedirect = try await harness.postForm(
            "/token",
            [
                ("client_id", "desktop-client"), ("client_secret", "s3cret"), ("grant_type", "authorization_code"),
                ("code", other), ("redirect_uri", "http://127.0.0.1:1"), ("code_verifier", Self.verifier),
            ])
        #expect(try harness.json(wrongRedirect).string("error") == "redirect_uri_mismatch")
        let noSecret = try await harness.postForm(
            "/token", [("client_id", "desktop-client"), ("grant_type", "authorization_code"), ("code", "x")])
        #expect(try harness.json(noSecret).string("error") == "invalid_request")
    }
}
