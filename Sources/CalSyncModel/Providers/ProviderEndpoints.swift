/// An account's endpoint base URLs, all overridable (the emulator, proxies, national
/// clouds). Each provider kind fills them from its defaults and its `*_url` keys.
public struct ProviderEndpoints: Sendable, Equatable {
    /// The API base the provider client talks to.
    public var api: String
    public var token: String
    public var authorize: String
    public var revoke: String?
    /// A login host that sign-in flows build their URLs from (Microsoft's
    /// `{login}/{tenant}/oauth2/v2.0/…`); nil where the kind has none.
    public var login: String?

    public init(api: String, token: String, authorize: String, revoke: String? = nil, login: String? = nil) {
        self.api = api
        self.token = token
        self.authorize = authorize
        self.revoke = revoke
        self.login = login
    }
}
