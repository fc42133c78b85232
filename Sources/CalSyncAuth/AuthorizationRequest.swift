import CalSyncModel
import Foundation

/// The browser URL that starts an authorization-code sign-in with PKCE on a loopback
/// redirect (Google's desktop-app flow; Microsoft's `--browser` flow).
public struct AuthorizationRequest: Sendable, Equatable {
    public var url: String
    /// The random `state` echoed back on the redirect; a redirect without it is refused.
    public var state: String
    public var redirectURI: String
    public var pkce: PKCE

    /// Google: `access_type=offline` and `prompt=consent` so that a refresh token comes back
    /// every time (docs/providers-google.md "Sign-in").
    public static func google(
        authorizeURL: String, clientID: String, redirectURI: String, scopes: [String], state: String, pkce: PKCE
    ) -> AuthorizationRequest {
        let query = FormEncoding.encode([
            ("client_id", clientID), ("redirect_uri", redirectURI), ("response_type", "code"),
            ("scope", scopes.joined(separator: " ")), ("code_challenge", pkce.challenge),
            ("code_challenge_method", "S256"), ("access_type", "offline"), ("prompt", "consent"), ("state", state),
        ])
        return AuthorizationRequest(url: authorizeURL + "?" + query, state: state, redirectURI: redirectURI, pkce: pkce)
    }

    /// Microsoft identity platform v2.0 (`{login}/{tenant}/oauth2/v2.0/authorize`).
    public static func microsoft(
        loginURL: String, tenant: String, clientID: String, redirectURI: String, scopes: [String], state: String,
        pkce: PKCE
    ) -> AuthorizationRequest {
        let query = FormEncoding.encode([
            ("client_id", clientID), ("redirect_uri", redirectURI), ("response_type", "code"),
            ("response_mode", "query"), ("scope", scopes.joined(separator: " ")),
            ("code_challenge", pkce.challenge), ("code_challenge_method", "S256"), ("state", state),
        ])
        let base = "\(loginURL)/\(FormEncoding.escape(tenant))/oauth2/v2.0/authorize"
        return AuthorizationRequest(url: base + "?" + query, state: state, redirectURI: redirectURI, pkce: pkce)
    }

    /// Reads the authorization code from a redirect: the loopback request's target
    /// (`/?code=…&state=…`) or a whole URL pasted by a person on a headless machine.
    /// - Throws: ``CalSyncError`` `.invalidInput` when the state does not match, the
    ///   provider reported an error (`error=access_denied`), or there is no code.
    public func code(fromRedirect text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let queryStart = trimmed.firstIndex(of: "?") else {
            throw CalSyncError(.invalidInput, "the redirect URL has no query: paste the whole address from the browser")
        }
        var query = String(trimmed[trimmed.index(after: queryStart)...])
        if let fragment = query.firstIndex(of: "#") { query = String(query[..<fragment]) }
        let fields = FormEncoding.decode(query)
        if let error = fields["error"] {
            let detail = fields["error_description"].map { ": \($0)" } ?? ""
            throw CalSyncError(.invalidInput, "sign-in was not completed (\(error)\(detail))")
        }
        guard fields["state"] == state else {
            throw CalSyncError(.invalidInput, "the redirect belongs to another sign-in attempt (state mismatch)")
        }
        guard let code = fields["code"], !code.isEmpty else {
            throw CalSyncError(.invalidInput, "the redirect URL carries no authorization code")
        }
        return code
    }
}
