public import CalSyncModel
public import Foundation

/// Talks to a token endpoint: refreshes access tokens, exchanges authorization codes,
/// runs the device-code flow. Holds no state; `RefreshingTokenSource` decides when.
public struct OAuthClient: Sendable {
    public enum Provider: String, Sendable { case google, microsoft }

    /// Where tokens come from.
    public enum Mode: Sendable {
        /// The provider's own token endpoint, with the client id and, for Google's
        /// desktop-app clients, the client secret.
        case direct(tokenURL: String, clientID: String, clientSecret: String?)
        /// The browser plugin's server mode: the organisation's endpoints hold the client
        /// secret. Codes go to `authURL`, refresh tokens to `refreshURL`, as form POSTs with
        /// `X-Requested-With: XmlHttpRequest`; the answers are Google's token JSON.
        case server(authURL: String?, refreshURL: String)
    }

    public var provider: Provider
    public var mode: Mode
    /// Scopes sent with Microsoft refreshes (v2.0 endpoints want them on every grant).
    public var scopes: [String]
    let transport: any HTTPTransport

    public init(provider: Provider, mode: Mode, scopes: [String], transport: any HTTPTransport) {
        self.provider = provider
        self.mode = mode
        self.scopes = scopes
        self.transport = transport
    }

    /// Trades a refresh token for a new access token (and, at Microsoft, a new refresh token).
    public func refresh(refreshToken: String, now: Date) async throws -> TokenGrant {
        switch mode {
        case .direct(let tokenURL, let clientID, let clientSecret):
            var fields = [("client_id", clientID), ("grant_type", "refresh_token"), ("refresh_token", refreshToken)]
            if let clientSecret { fields.append(("client_secret", clientSecret)) }
            if provider == .microsoft { fields.append(("scope", scopes.joined(separator: " "))) }
            return try await postForGrant(url: tokenURL, fields: fields, serverMode: false, now: now)
        case .server(_, let refreshURL):
            return try await postForGrant(
                url: refreshURL, fields: [("refresh_token", refreshToken)], serverMode: true, now: now)
        }
    }

    /// Exchanges the authorization code of a loopback sign-in (PKCE) for tokens.
    public func exchange(code: String, redirectURI: String, verifier: String, now: Date) async throws -> TokenGrant {
        switch mode {
        case .direct(let tokenURL, let clientID, let clientSecret):
            var fields = [
                ("client_id", clientID), ("grant_type", "authorization_code"), ("code", code),
                ("redirect_uri", redirectURI), ("code_verifier", verifier),
            ]
            if let clientSecret { fields.append(("client_secret", clientSecret)) }
            if provider == .microsoft { fields.append(("scope", scopes.joined(separator: " "))) }
            return try await postForGrant(url: tokenURL, fields: fields, serverMode: false, now: now)
        case .server(let authURL, _):
            guard let authURL else {
                throw CalSyncError(.config, "auth = \"server\" needs auth_url to sign in (or import a refresh token)")
            }
            return try await postForGrant(
                url: authURL, fields: [("code", code), ("redirect_uri", redirectURI), ("code_verifier", verifier)],
                serverMode: true, now: now)
        }
    }

    func postForGrant(url: String, fields: [(String, String)], serverMode: Bool, now: Date) async throws -> TokenGrant {
        var headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]
        if serverMode { headers.append(("X-Requested-With", "XmlHttpRequest")) }
        let request = HTTPRequest(
            method: .POST, url: url, headers: headers.map { (name: $0.0, value: $0.1) },
            body: Data(FormEncoding.encode(fields).utf8), totalTimeout: .seconds(60))
        let response = try await transport.perform(request)
        guard (200..<300).contains(response.status) else {
            throw OAuthClient.error(status: response.status, body: response.body, provider: provider)
        }
        do {
            return TokenGrant(wire: try JSONDecoder().decode(TokenGrant.Wire.self, from: response.body), now: now)
        } catch {
            throw CalSyncError(
                .decoding, "the token endpoint answered HTTP \(response.status) without a readable token",
                httpStatus: response.status)
        }
    }

    /// The token endpoint's error body (RFC 6749 §5.2 plus Microsoft's extras).
    struct ErrorWire: Decodable {
        var error: String
        var error_description: String?
        var error_codes: [Int]?
    }

    /// Microsoft's AADSTS codes that mean "the refresh token is dead, sign in again"
    /// (docs/providers-graph.md "Sign-in"): expired, inactive, revoked by a password change or an admin.
    static let microsoftLoginCodes: Set<Int> = [70008, 700082, 50173, 50133, 70043, 700084]

    /// Maps a token endpoint failure to an error code and a sentence that says what to do.
    static func error(status: Int, body: Data, provider: Provider) -> CalSyncError {
        guard let wire = try? JSONDecoder().decode(ErrorWire.self, from: body) else {
            if status == 429 {
                return CalSyncError(.rateLimited, "the token endpoint throttles (HTTP 429)", httpStatus: status)
            }
            let code: CalSyncError.Code = status >= 500 ? .server : .http
            return CalSyncError(code, "the token endpoint answered HTTP \(status)", httpStatus: status)
        }
        let detail = (wire.error_description ?? "").split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let said = detail.isEmpty ? wire.error : "\(wire.error): \(detail)"
        switch wire.error {
        case "invalid_grant", "interaction_required":
            return CalSyncError(
                .needsLogin, loginAdvice(provider: provider, said: said, codes: wire.error_codes ?? []),
                httpStatus: status)
        case "temporarily_unavailable", "server_error":
            return CalSyncError(.server, "the token endpoint is temporarily unavailable (\(said))", httpStatus: status)
        case "invalid_client", "unauthorized_client":
            return CalSyncError(
                .config, "the token endpoint refused this client (\(said)): check client_id and the client secret",
                httpStatus: status)
        default:
            let code: CalSyncError.Code = status >= 500 ? .server : (status == 429 ? .rateLimited : .http)
            return CalSyncError(code, "the token endpoint refused the request (\(said))", httpStatus: status)
        }
    }

    static func loginAdvice(provider: Provider, said: String, codes: [Int]) -> String {
        switch provider {
        case .google:
            return "Google refused the refresh token (\(said)). Likely causes: the app's OAuth consent "
                + "screen is in \"Testing\" (its tokens expire after 7 days), access was revoked, the token "
                + "went unused for 6 months, or the client has more than 100 live tokens."
        case .microsoft:
            let known = codes.first { microsoftLoginCodes.contains($0) }
            let cause =
                switch known {
                case 70008, 700082: "the refresh token expired or went unused too long"
                case 50173, 50133: "the password changed or the session was revoked"
                case 70043, 700084: "a Conditional Access policy or the token's lifetime limit ended the session"
                default: "Microsoft requires a new sign-in"
                }
            return "Microsoft refused the refresh token (\(said)): \(cause)."
        }
    }
}
