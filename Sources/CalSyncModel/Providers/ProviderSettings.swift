/// What a provider kind made of an account's own keys (``ProviderKind/settings(from:)``):
/// the engine keeps it unopened and hands it back to the kind's maker through
/// ``ProviderAccount``, and to `check-config` for its lines.
public protocol ProviderSettings: Sendable {
    /// How the account gets its access.
    var auth: AccountAuth { get }
    /// Its endpoints, with the configured overrides applied.
    var endpoints: ProviderEndpoints { get }
    /// Its endpoints without the overrides (`check-config` shows endpoints only where they differ).
    var defaultEndpoints: ProviderEndpoints { get }
    /// `check-config`'s lines for what only this provider has (`  tenant:        common`).
    var reportLines: [String] { get }
    /// How `calsyncctl login` signs the account in.
    var signIn: SignIn { get }
    /// The browser URL that starts an authorization-code sign-in with PKCE (S256) on a
    /// loopback redirect.
    func authorizationURL(
        clientID: String, redirectURI: String, scopes: [String], state: String, codeChallenge: String
    ) -> String
    /// What `calsyncctl logout` can do with the refresh token.
    var revocation: Revocation { get }
    /// Copies what the provider's clients need into the account they are made from.
    func configure(_ account: inout ProviderAccount)
    /// Whether `other` holds the same settings (configurations are compared on reload).
    func isEqual(to other: any ProviderSettings) -> Bool
}

extension ProviderSettings where Self: Equatable {
    public func isEqual(to other: any ProviderSettings) -> Bool {
        (other as? Self) == self
    }
}
