/// One kind of calendar service calsync can sync (Google Calendar, Microsoft Graph, …):
/// everything the engine, the configuration and sign-in need to know about it, in one
/// value that lives in the provider's own module. The executables hand the list of kinds
/// (`ProviderKinds.standard`) to the configuration parser, `check-config`'s report and
/// `calsyncctl login`, so adding a provider adds its folder and one entry to that list
/// (docs/architecture.md "Adding a provider").
public protocol ProviderKind: Sendable {
    /// `provider = "…"` in an `[[account]]` table; also the store's `accounts.provider`
    /// and `calsync.provider` in logs.
    var name: String { get }
    /// The `[[account]]` keys only this provider's accounts take, beside the common ones
    /// (`name`, `provider`, `client_id`, `calendars`, `interval`, `time_zone`, `enabled`).
    /// A key of another kind in its table is "does not apply"; any other is unknown.
    var accountKeys: [String] { get }
    /// Those of its keys that override an endpoint, each an http(s) URL (https except to
    /// loopback), in the order they are checked.
    var endpointKeys: [String] { get }
    /// The OAuth scopes asked at sign-in (and on every grant where ``oauth`` says so).
    var scopes: [String] { get }
    /// The scopes asked instead for an account with `write = true` (write-back): they must
    /// allow reading too.
    var writeScopes: [String] { get }
    /// How its identity platform speaks OAuth.
    var oauth: OAuthFlavour { get }
    /// Its endpoints: the defaults with the configured overrides (``endpointKeys`` that are
    /// set, validated, without a trailing slash) applied. `tenant` is the account's
    /// `tenant` where the kind has one.
    func endpoints(overrides: [String: String], tenant: String) -> ProviderEndpoints
    /// Reads and validates the account's own keys (those of ``accountKeys``): its auth
    /// mode, its endpoints and whatever only this provider has. Problems go to the table,
    /// located; nil when the account cannot be used at all (the configuration is refused
    /// anyway when any problem was recorded).
    func settings(from table: any AccountTable) -> (any ProviderSettings)?
    /// Makes the kind's provider clients. Called once per process (or per test); the
    /// clients it makes share what it holds (a mailbox's request limit, a calendar list
    /// kept between polls).
    func providerMaker(transport: any HTTPTransport) -> ProviderMaker
}

/// Builds the client of an account; `tokens` is nil for accounts without sign-in (a
/// Google API key).
/// - Throws: ``CalSyncError`` `.needsLogin` when the account needs tokens and has none.
public typealias ProviderMaker = @Sendable (ProviderAccount, (any AccessTokenProviding)?) throws -> any CalendarProvider

extension ProviderKind {
    /// Its endpoints when the configuration overrides none.
    public func defaultEndpoints(tenant: String) -> ProviderEndpoints {
        endpoints(overrides: [:], tenant: tenant)
    }
}
