public import CalSyncModel

/// Google Calendar as a provider kind: its `[[account]]` keys, endpoints, scopes, OAuth
/// flavour and the factory of its clients (docs/configuration.md, Google accounts).
public struct GoogleKind: ProviderKind {
    public init() {}

    public var name: String { "google" }

    public var accountKeys: [String] {
        [
            "client_secret_file", "client_secret_env", "client_secret_credential", "api_key_file", "api_key_env",
            "api_key_credential", "event_types", "auth", "auth_url", "refresh_url",
        ] + endpointKeys
    }

    public var endpointKeys: [String] { ["api_url", "token_url", "authorize_url", "revoke_url"] }

    public var scopes: [String] { ["https://www.googleapis.com/auth/calendar.readonly", "openid", "email"] }
    /// `calendar.events` writes events; `calendar.readonly` stays for the calendar list.
    public var writeScopes: [String] {
        [
            "https://www.googleapis.com/auth/calendar.events", "https://www.googleapis.com/auth/calendar.readonly",
            "openid", "email",
        ]
    }

    public var oauth: OAuthFlavour { .google }

    public func endpoints(overrides: [String: String], tenant: String) -> ProviderEndpoints {
        ProviderEndpoints(
            api: overrides["api_url"] ?? "https://www.googleapis.com/calendar/v3",
            token: overrides["token_url"] ?? "https://oauth2.googleapis.com/token",
            authorize: overrides["authorize_url"] ?? "https://accounts.google.com/o/oauth2/v2/auth",
            revoke: overrides["revoke_url"] ?? "https://oauth2.googleapis.com/revoke")
    }

    public func providerMaker(transport: any HTTPTransport) -> ProviderMaker {
        // Calendar lists and their sync tokens, kept between polls.
        let calendarLists = GoogleCalendarListCache()
        return { account, tokens in
            let access: GoogleProvider.Access
            if let key = account.apiKey {
                access = .apiKey(key, calendarIDs: account.calendars ?? [])
            } else if let tokens {
                access = .oauth(tokens)
            } else {
                throw CalSyncError(.needsLogin, "account \(account.name) is not signed in yet.")
            }
            var configuration = GoogleProvider.Configuration(
                apiBaseURL: account.endpoints.api, eventTypes: account.eventTypes, access: access)
            if case .oauth = access { configuration.calendarList = (calendarLists, account.name) }
            return GoogleProvider(configuration: configuration, transport: transport)
        }
    }
}

extension OAuthFlavour {
    /// Google's identity platform: scopes at sign-in only.
    public static let google = OAuthFlavour(name: "Google", sendsScopesWithGrants: false) { said, _ in
        "Google refused the refresh token (\(said)). Likely causes: the app's OAuth consent "
            + "screen is in \"Testing\" (its tokens expire after 7 days), access was revoked, the token "
            + "went unused for 6 months, or the client has more than 100 live tokens."
    }
}
