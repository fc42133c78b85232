/// How an account gets its access: the mode its provider kind chose from the account's
/// keys (``ProviderKind/settings(from:)``).
public enum AccountAuth: Sendable, Equatable {
    /// OAuth with the provider's own token endpoint (client secret for Google).
    case oauth
    /// The browser plugin's server mode: the organisation's endpoints trade codes
    /// (`authURL`, optional: a refresh token can be imported instead) and refresh tokens
    /// (`refreshURL`); no client secret is held here.
    case server(authURL: String?, refreshURL: String)
    /// Public Google calendars read with an API key, no sign-in.
    case apiKey(SecretSource)

    /// The store's `accounts.auth` value.
    public var storeName: String {
        switch self {
        case .oauth: "oauth"
        case .server: "server"
        case .apiKey: "api_key"
        }
    }
}
