public import CalSyncModel

/// Microsoft Graph (Microsoft 365, Outlook.com) as a provider kind: its `[[account]]`
/// keys, endpoints, scopes, OAuth flavour and the factory of its clients
/// (docs/configuration.md, Microsoft accounts).
public struct GraphKind: ProviderKind {
    /// Microsoft's public cloud; national clouds and the emulator override these with
    /// `graph_url` and `login_url`.
    public static let graphURL = "https://graph.microsoft.com/v1.0"
    public static let loginURL = "https://login.microsoftonline.com"

    public init() {}

    public var name: String { "microsoft" }

    public var accountKeys: [String] { ["tenant"] + endpointKeys + ["max_concurrent_requests"] }

    public var endpointKeys: [String] { ["graph_url", "login_url"] }

    public var scopes: [String] { ["offline_access", "Calendars.Read", "MailboxSettings.Read", "openid", "profile"] }
    /// `Calendars.ReadWrite` includes reading.
    public var writeScopes: [String] {
        ["offline_access", "Calendars.ReadWrite", "MailboxSettings.Read", "openid", "profile"]
    }

    public var oauth: OAuthFlavour { .microsoft }

    /// The token and authorize endpoints are the login host's, per tenant
    /// (`{login}/{tenant}/oauth2/v2.0/…`).
    public func endpoints(overrides: [String: String], tenant: String) -> ProviderEndpoints {
        let login = overrides["login_url"] ?? Self.loginURL
        return ProviderEndpoints(
            api: overrides["graph_url"] ?? Self.graphURL, token: "\(login)/\(tenant)/oauth2/v2.0/token",
            authorize: "\(login)/\(tenant)/oauth2/v2.0/authorize", revoke: nil, login: login)
    }

    public func providerMaker(transport: any HTTPTransport) -> ProviderMaker {
        // One request limit per mailbox, shared by every provider value made for it.
        let mailboxes = GraphMailboxes()
        return { account, tokens in
            guard let tokens else { throw CalSyncError(.needsLogin, "account \(account.name) is not signed in yet.") }
            return GraphProvider(
                configuration: .init(
                    apiBaseURL: account.endpoints.api, timeZone: account.timeZone, windowSlide: account.windowSlide),
                tokens: tokens, transport: transport,
                mailbox: mailboxes.mailbox(account: account.name, maxConcurrentRequests: account.maxConcurrentRequests))
        }
    }
}

extension OAuthFlavour {
    /// The Microsoft identity platform (v2.0 endpoints): scopes with every grant, and the
    /// AADSTS codes of a refused refresh token named (docs/providers-graph.md).
    public static let microsoft = OAuthFlavour(name: "Microsoft", sendsScopesWithGrants: true) { said, codes in
        let cause =
            switch codes.first(where: { microsoftLoginCodes.contains($0) }) {
            case 70008, 700082: "the refresh token expired or went unused too long"
            case 50173, 50133: "the password changed or the session was revoked"
            case 70043, 700084: "a Conditional Access policy or the token's lifetime limit ended the session"
            default: "Microsoft requires a new sign-in"
            }
        return "Microsoft refused the refresh token (\(said)): \(cause)."
    }

    /// AADSTS codes that mean the refresh token is dead and only a new sign-in helps
    /// (docs/providers-graph.md "Sign-in"): expired, inactive, revoked by a password change or an admin.
    static let microsoftLoginCodes: Set<Int> = [70008, 700082, 50173, 50133, 70043, 700084]
}
