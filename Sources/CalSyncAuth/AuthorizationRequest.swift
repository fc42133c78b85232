public import CalSyncModel
import Foundation

/// The browser URL that starts an authorization-code sign-in with PKCE on a loopback
/// redirect (Google's desktop-app flow; Microsoft's `--browser` flow).
public struct AuthorizationRequest: Sendable, Equatable {
    public var url: String
    /// The random `state` echoed back on the redirect; a redirect without it is refused.
    public var state: String
    public var redirectURI: String
    public var pkce: PKCE

    public init(url: String, state: String, redirectURI: String, pkce: PKCE) {
        self.url = url
        self.state = state
        self.redirectURI = redirectURI
        self.pkce = pkce
    }

    /// The account's provider kind builds the URL (``ProviderSettings/authorizationURL(clientID:redirectURI:scopes:state:codeChallenge:)``).
    public init(
        settings: any ProviderSettings, clientID: String, redirectURI: String, scopes: [String], state: String,
        pkce: PKCE
    ) {
        self.init(
            url: settings.authorizationURL(
                clientID: clientID, redirectURI: redirectURI, scopes: scopes, state: state,
                codeChallenge: pkce.challenge),
            state: state, redirectURI: redirectURI, pkce: pkce)
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
