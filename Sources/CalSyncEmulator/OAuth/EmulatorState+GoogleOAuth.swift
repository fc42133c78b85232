import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// Google's OAuth endpoints for installed apps: the authorization page (a stand-in that
/// consents at once and redirects to the loopback `redirect_uri`), the token endpoint
/// (`authorization_code` with PKCE, `refresh_token`), and revocation.
extension EmulatorState {
    static func oauthError(_ status: Int, _ error: String, _ description: String) -> EmulatorResponse {
        .json(status, .object([("error", .string(error)), ("error_description", .string(description))]))
    }

    /// `GET /o/oauth2/v2/auth?client_id&redirect_uri&response_type=code&scope&code_challenge&…`
    func googleAuthorizationPage(_ request: EmulatorRequest) -> EmulatorResponse {
        guard let clientID = request.parameter("client_id"), !clientID.isEmpty else {
            return .text(400, "Error 400: invalid_request\nMissing required parameter: client_id")
        }
        guard let redirectURI = request.parameter("redirect_uri"),
            redirectURI.hasPrefix("http://127.0.0.1:") || redirectURI.hasPrefix("http://localhost:")
                || redirectURI == "urn:ietf:wg:oauth:2.0:oob"
        else {
            return .text(400, "Error 400: redirect_uri_mismatch\nLoopback redirect URIs only (http://127.0.0.1:PORT).")
        }
        guard request.parameter("response_type") == "code" else {
            return .text(400, "Error 400: invalid_request\nresponse_type must be code")
        }
        let scope = request.parameter("scope") ?? ""
        let state = request.parameter("state")
        func redirect(_ fields: [(String, String)]) -> EmulatorResponse {
            let query = (fields + (state.map { [("state", $0)] } ?? [])).map {
                "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? $0.1)"
            }.joined(separator: "&")
            return .redirect(to: redirectURI + (redirectURI.contains("?") ? "&" : "?") + query)
        }
        if !options.consentGranted { return redirect([("error", "access_denied")]) }
        let code = identity.newToken("4/0emu", using: &random)
        identity.codes[code] = IdentityRegistry.AuthorizationCode(
            user: request.parameter("login_hint") ?? options.googleUser, provider: .google, clientID: clientID,
            redirectURI: redirectURI, challenge: request.parameter("code_challenge"),
            challengeMethod: request.parameter("code_challenge_method"), scope: scope,
            expires: clock().addingTimeInterval(600))
        return redirect([("code", code), ("scope", scope)])
    }

    /// `POST /token` (form): Google's token endpoint.
    func googleToken(_ request: EmulatorRequest) -> EmulatorResponse {
        let form = request.formFields
        guard let clientID = form["client_id"], !clientID.isEmpty else {
            return Self.oauthError(400, "invalid_request", "Missing required parameter: client_id")
        }
        switch form["grant_type"] {
        case "authorization_code":
            // Desktop-app clients send their secret; its absence is Google's error too.
            guard form["client_secret"]?.isEmpty == false else {
                return Self.oauthError(400, "invalid_request", "client_secret is missing.")
            }
            guard let code = form["code"], let grant = identity.codes.removeValue(forKey: code),
                grant.provider == .google, grant.expires > clock()
            else { return Self.oauthError(400, "invalid_grant", "Malformed auth code.") }
            guard grant.clientID == clientID else { return Self.oauthError(401, "invalid_client", "Unauthorized") }
            guard form["redirect_uri"] == grant.redirectURI else {
                return Self.oauthError(400, "redirect_uri_mismatch", "Bad Request")
            }
            guard
                IdentityRegistry.verifies(
                    verifier: form["code_verifier"], challenge: grant.challenge, method: grant.challengeMethod)
            else { return Self.oauthError(400, "invalid_grant", "Invalid code verifier.") }
            let refresh = identity.issueRefreshToken(
                user: grant.user, provider: .google, clientID: clientID, scope: grant.scope, random: &random)
            return googleTokenResponse(user: grant.user, scope: grant.scope, refreshToken: refresh)
        case "refresh_token":
            guard let token = form["refresh_token"], let grant = identity.refreshTokens[token],
                grant.provider == .google
            else { return Self.oauthError(400, "invalid_grant", "Bad Request") }
            guard !grant.revoked else {
                return Self.oauthError(400, "invalid_grant", "Token has been expired or revoked.")
            }
            guard grant.clientID == clientID else {
                return Self.oauthError(401, "unauthorized_client", "Unauthorized")
            }
            // Google keeps the refresh token: the response carries none.
            return googleTokenResponse(user: grant.user, scope: grant.scope, refreshToken: nil)
        default:
            return Self.oauthError(400, "unsupported_grant_type", "Invalid grant_type: \(form["grant_type"] ?? "")")
        }
    }

    func googleTokenResponse(user: String, scope: String, refreshToken: String?) -> EmulatorResponse {
        let access = identity.issueAccessToken(
            user: user, provider: .google, scope: scope, lifetime: options.accessTokenLifetime, now: clock(),
            random: &random)
        var body: JSONValue = .object([
            ("access_token", .string(access)),
            ("expires_in", .number(options.accessTokenLifetime.seconds.rounded())),
        ])
        if let refreshToken { body.set("refresh_token", .string(refreshToken)) }
        body.set("scope", .string(scope))
        body.set("token_type", "Bearer")
        if scope.split(separator: " ").contains(where: { $0 == "email" || $0 == "openid" }) {
            body.set("id_token", .string(Self.unsignedIDToken(email: user, issuer: "https://accounts.google.com")))
        }
        return .json(200, body, headers: [(name: "Cache-Control", value: "no-cache, no-store, max-age=0")])
    }

    /// An ID token the emulator does not sign (`alg: none`): clients only read its email.
    static func unsignedIDToken(email: String, issuer: String) -> String {
        func encode(_ value: JSONValue) -> String {
            Data(value.bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let header: JSONValue = .object([("alg", "none"), ("typ", "JWT")])
        let claims: JSONValue = .object([
            ("iss", .string(issuer)), ("email", .string(email)), ("email_verified", true),
            ("preferred_username", .string(email)),
        ])
        return encode(header) + "." + encode(claims) + "."
    }

    /// `POST /revoke` (form or query `token`): the refresh token (and its access tokens) die.
    func googleRevoke(_ request: EmulatorRequest) -> EmulatorResponse {
        let token = request.formFields["token"] ?? request.parameter("token") ?? ""
        if let grant = identity.refreshTokens[token] {
            // Revoking the grant ends its access tokens too (the emulator cannot tell
            // which access tokens came from which refresh token of the same user).
            identity.refreshTokens[token]?.revoked = true
            identity.accessTokens = identity.accessTokens.filter {
                !($0.value.user == grant.user && $0.value.provider == grant.provider)
            }
            return .json(200, .object([]))
        }
        if identity.accessTokens.removeValue(forKey: token) != nil { return .json(200, .object([])) }
        return Self.oauthError(400, "invalid_token", "Token expired or revoked")
    }
}

extension CharacterSet {
    /// Unreserved characters only: a query value with `&`, `=`, `+` or `/` stays one value.
    static let urlQueryValueAllowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
