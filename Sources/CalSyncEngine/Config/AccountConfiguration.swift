import CalSyncAuth
/// One `[[account]]` of the configuration, validated and with defaults applied.
import CalSyncModel
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

    /// Endpoint base URLs, all overridable (the emulator, proxies, national clouds).
    public struct Endpoints: Sendable, Equatable {
        public var api: String
        public var token: String
        public var authorize: String
        public var revoke: String?
        /// Microsoft only: the login host (`{login}/{tenant}/oauth2/v2.0/…`).
        public var login: String?

        public static let google = Endpoints(
            api: "https://www.googleapis.com/calendar/v3", token: "https://oauth2.googleapis.com/token",
            authorize: "https://accounts.google.com/o/oauth2/v2/auth", revoke: "https://oauth2.googleapis.com/revoke",
            login: nil)

        /// Microsoft's public cloud: Graph and the login host (national clouds and the
        /// emulator override them with `graph_url` and `login_url`).
        public static let microsoftGraph = "https://graph.microsoft.com/v1.0"
        public static let microsoftLogin = "https://login.microsoftonline.com"

        /// Microsoft's endpoints for a login host and tenant.
        public static func microsoft(graph: String, login: String, tenant: String) -> Endpoints {
            Endpoints(
                api: graph, token: "\(login)/\(tenant)/oauth2/v2.0/token",
                authorize: "\(login)/\(tenant)/oauth2/v2.0/authorize", revoke: nil, login: login)
        }
    }

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
    /// Microsoft: requests in flight per mailbox (1…4).
    public var maxConcurrentRequests: Int
    /// `enabled = false` keeps the account's data but stops syncing it.
    public var enabled: Bool

    public static let defaultEventTypes = [
        "default", "birthday", "focusTime", "fromGmail", "outOfOffice", "workingLocation",
    ]

    /// The OAuth scopes calsync asks for at sign-in.
    public var scopes: [String] {
        switch provider {
        case .google: ["https://www.googleapis.com/auth/calendar.readonly", "openid", "email"]
        case .microsoft: ["offline_access", "Calendars.Read", "MailboxSettings.Read", "openid", "profile"]
        }
    }
}
