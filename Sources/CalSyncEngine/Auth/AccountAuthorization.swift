public import CalSyncAuth
/// Builds the token clients and sources of a configured account.
public import CalSyncModel
import CalSyncStore

public enum AccountAuthorization {
    /// The OAuth client for an account: its token endpoint (with the client secret read
    /// now, for Google), or the organisation's endpoints in server mode.
    /// - Throws: ``CalSyncError`` `.config` when the secret cannot be read, or for an
    ///   API-key account (which has no tokens).
    public static func client(
        for account: AccountConfiguration, environment: [String: String], transport: any HTTPTransport
    ) throws -> OAuthClient {
        switch account.auth {
        case .apiKey:
            throw CalSyncError(
                .config, "account \(account.name) reads public calendars with an API key and has no tokens")
        case .server(let authURL, let refreshURL):
            return OAuthClient(
                provider: account.oauth, mode: .server(authURL: authURL, refreshURL: refreshURL),
                scopes: account.scopes,
                transport: transport)
        case .oauth:
            let secret = try account.clientSecret.map { try $0.resolve(environment: environment).value }
            return OAuthClient(
                provider: account.oauth,
                mode: .direct(
                    tokenURL: account.endpoints.token, clientID: account.clientID ?? "", clientSecret: secret),
                scopes: account.scopes, transport: transport)
        }
    }
}
