/// One `[[account]]` of the configuration, validated and with defaults applied.
public import CalSyncModel

public struct AccountConfiguration: Sendable, Equatable {
    /// How the account gets its access (its kind chose it from the account's keys).
    public typealias Auth = AccountAuth

    /// Endpoint base URLs, all overridable (the emulator, proxies, national clouds): the
    /// account's provider kind fills them.
    public typealias Endpoints = ProviderEndpoints

    /// The account's id in the store (`[a-z0-9_-]+`).
    public var name: String
    /// Its provider kind's name (`provider = "…"`, ``ProviderKind/name``).
    public var provider: String
    /// What the provider kind made of the account's own keys; only the kind opens it.
    public var settings: any ProviderSettings
    public var clientID: String?
    public var clientSecret: SecretSource?
    /// Calendar ids (or, for Microsoft, names) to sync; nil means every calendar listed.
    public var calendars: [String]?
    public var interval: Duration
    /// IANA zone for all-day events when the provider gives none (Microsoft mailboxes).
    public var timeZone: String?
    /// `enabled = false` keeps the account's data but stops syncing it.
    public var enabled: Bool
    /// The OAuth scopes calsync asks for at sign-in: the provider kind's.
    public var scopes: [String]
    /// How the provider's identity platform speaks OAuth: the provider kind's.
    public var oauth: OAuthFlavour
    /// `write = true`: events may be added, changed and deleted (docs/write-back.md); sign-in
    /// asks the kind's ``ProviderKind/writeScopes``.
    public var write = false

    public var auth: Auth { settings.auth }
    public var endpoints: Endpoints { settings.endpoints }
    /// The kind's endpoints without the account's overrides (`check-config` shows
    /// endpoints only where they differ).
    public var defaultEndpoints: Endpoints { settings.defaultEndpoints }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.name == rhs.name && lhs.provider == rhs.provider && lhs.settings.isEqual(to: rhs.settings)
            && lhs.clientID == rhs.clientID && lhs.clientSecret == rhs.clientSecret && lhs.calendars == rhs.calendars
            && lhs.interval == rhs.interval && lhs.timeZone == rhs.timeZone && lhs.enabled == rhs.enabled
            && lhs.scopes == rhs.scopes && lhs.oauth == rhs.oauth && lhs.write == rhs.write
    }
}
