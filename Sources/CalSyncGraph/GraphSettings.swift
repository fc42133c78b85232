public import CalSyncModel

/// A Microsoft account's own settings, read by ``GraphKind/settings(from:)``.
public struct GraphSettings: ProviderSettings, Equatable {
    /// `common`, `organizations`, `consumers` or a tenant id.
    public var tenant: String
    public var endpoints: ProviderEndpoints
    public var defaultEndpoints: ProviderEndpoints
    /// Requests in flight per mailbox (1…4).
    public var maxConcurrentRequests: Int

    /// Microsoft accounts sign in as a public client, always by OAuth.
    public var auth: AccountAuth { .oauth }

    public var reportLines: [String] { ["  tenant:        \(tenant)"] }

    /// The device code flow by default: it needs no browser on this machine.
    public var signIn: SignIn { .deviceCode(loginURL: endpoints.login ?? GraphKind.loginURL, tenant: tenant) }

    /// Microsoft identity platform v2.0 (`{login}/{tenant}/oauth2/v2.0/authorize`).
    public func authorizationURL(
        clientID: String, redirectURI: String, scopes: [String], state: String, codeChallenge: String
    ) -> String {
        let query = FormEncoding.encode([
            ("client_id", clientID), ("redirect_uri", redirectURI), ("response_type", "code"),
            ("response_mode", "query"), ("scope", scopes.joined(separator: " ")),
            ("code_challenge", codeChallenge), ("code_challenge_method", "S256"), ("state", state),
        ])
        let login = endpoints.login ?? GraphKind.loginURL
        return "\(login)/\(FormEncoding.escape(tenant))/oauth2/v2.0/authorize?" + query
    }

    public var revocation: Revocation {
        .unavailable(
            note:
                "Microsoft offers no revocation for a single refresh token; it expires unused (or revoke sessions at myaccount.microsoft.com)."
        )
    }

    public func configure(_ account: inout ProviderAccount) {
        account.maxConcurrentRequests = maxConcurrentRequests
    }
}

extension GraphKind {
    /// Microsoft's rules: a client id (the app registration's), no client secret (a public
    /// client), a tenant and at most four requests in flight per mailbox.
    public func settings(from table: any AccountTable) -> (any ProviderSettings)? {
        let tenant = table.string("tenant") ?? "common"
        var overrides: [String: String] = [:]
        for key in endpointKeys {
            if let value = table.url(key) { overrides[key] = value }
        }
        if table.common.clientID == nil {
            table.problem("client_id", "client_id is missing (the application id of your Entra app registration)")
        }
        if table.common.clientSecret != nil {
            let key = table.presentKey("client_secret")
            table.problem(key, "\(key) does not apply: Microsoft accounts sign in as a public client")
        }
        let maxConcurrentRequests = table.integer("max_concurrent_requests", range: 1...4) ?? 4
        return GraphSettings(
            tenant: tenant, endpoints: endpoints(overrides: overrides, tenant: tenant),
            defaultEndpoints: endpoints(overrides: [:], tenant: tenant), maxConcurrentRequests: maxConcurrentRequests)
    }
}
