/// How `calsyncctl login` signs an account in, as its provider kind says
/// (``ProviderSettings/signIn``).
public enum SignIn: Sendable, Equatable {
    /// The authorization code flow with PKCE on a loopback redirect, in a browser
    /// (``ProviderSettings/authorizationURL(clientID:redirectURI:scopes:state:codeChallenge:)``).
    case loopback
    /// By default the device code flow (RFC 8628) at `{loginURL}/{tenant}/oauth2/v2.0`;
    /// `--browser` picks the loopback flow instead.
    case deviceCode(loginURL: String, tenant: String)
}

/// What `calsyncctl logout` can do with a refresh token it forgets.
public enum Revocation: Sendable, Equatable {
    /// POST `token=` to `url`; `provider` names it in the messages ("Revoked the grant at Google.").
    case endpoint(url: String, provider: String)
    /// The provider offers none: `note` tells the user what to do instead.
    case unavailable(note: String)
    /// Nothing to do and nothing to say.
    case none
}
