import CalSyncAuth
/// One `[[account]]` of the configuration, validated and with defaults applied.
public import CalSyncModel
import CalSyncStore

public struct AccountConfiguration: Sendable, Equatable {
    public enum Provider: String, Sendable, Equatable { case google, microsoft }

    /// How the account gets its access.
    public enum Auth: Sendable, Equatable {
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

    /// Endpoint base URLs, all overridable (the emulator, proxies, national clouds): the
    /// account's provider kind fills them.
    public typealias Endpoints = ProviderEndpoints

    /// The account's id in the store (`[a-z0-9_-]+`).
    public var name: String
    public var provider: Provider
    public var auth: Auth
    public var clientID: String?
    public var clientSecret: SecretSource?
    /// Calendar ids (or, for Microsoft, names) to sync; nil means every calendar listed.
    public var calendars: [String]?
    public var interval: Duration
    /// Google event types requested explicitly on every list call.
    public var eventTypes: [String]
    /// Microsoft tenant (`common`, `organizations`, `consumers` or a tenant id).
    public var tenant: String
    /// IANA zone for all-day events when the provider gives none (Microsoft mailboxes).
    public var timeZone: String?
    public var endpoints: Endpoints
    /// The kind's endpoints without the account's overrides (`check-config` shows
    /// endpoints only where they differ).
    public var defaultEndpoints: Endpoints
    /// Microsoft: requests in flight per mailbox (1…4).
    public var maxConcurrentRequests: Int
    /// `enabled = false` keeps the account's data but stops syncing it.
    public var enabled: Bool

    public static let defaultEventTypes = [
        "default", "birthday", "focusTime", "fromGmail", "outOfOffice", "workingLocation",
    ]

    /// The OAuth scopes calsync asks for at sign-in: the provider kind's.
    public var scopes: [String]
    /// How the provider's identity platform speaks OAuth: the provider kind's.
    public var oauth: OAuthFlavour
}
