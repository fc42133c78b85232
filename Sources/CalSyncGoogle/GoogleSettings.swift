public import CalSyncModel

/// A Google account's own settings, read by ``GoogleKind/settings(from:)``.
public struct GoogleSettings: ProviderSettings, Equatable {
    public var auth: AccountAuth
    public var endpoints: ProviderEndpoints
    public var defaultEndpoints: ProviderEndpoints
    /// The event types requested explicitly on every list call.
    public var eventTypes: [String]

    public var reportLines: [String] {
        eventTypes == GoogleKind.defaultEventTypes ? [] : ["  event types:   \(eventTypes.joined(separator: ", "))"]
    }

    public var signIn: SignIn { .loopback }

    /// `access_type=offline` and `prompt=consent` so that a refresh token comes back every
    /// time (docs/providers-google.md "Sign-in").
    public func authorizationURL(
        clientID: String, redirectURI: String, scopes: [String], state: String, codeChallenge: String
    ) -> String {
        let query = FormEncoding.encode([
            ("client_id", clientID), ("redirect_uri", redirectURI), ("response_type", "code"),
            ("scope", scopes.joined(separator: " ")), ("code_challenge", codeChallenge),
            ("code_challenge_method", "S256"), ("access_type", "offline"), ("prompt", "consent"), ("state", state),
        ])
        return endpoints.authorize + "?" + query
    }

    public var revocation: Revocation {
        endpoints.revoke.map { .endpoint(url: $0, provider: "Google") } ?? .none
    }

    public func configure(_ account: inout ProviderAccount) {
        account.eventTypes = eventTypes
    }
}

extension GoogleKind {
    /// The event types asked for when `event_types` is not set: every type Google has, so
    /// none is filtered out by default (docs/providers-google.md).
    public static let defaultEventTypes = [
        "default", "birthday", "focusTime", "fromGmail", "outOfOffice", "workingLocation",
    ]

    /// Google's rules: `auth` is `oauth` (a client id and secret), `server` (a refresh URL,
    /// no secret here) or `api_key` (public calendars named in `calendars`, no secret);
    /// an API key alone means `api_key`.
    public func settings(from table: any AccountTable) -> (any ProviderSettings)? {
        let common = table.common
        let apiKey = table.secret("api_key")
        var eventTypes = Self.defaultEventTypes
        if table.has("event_types") {
            eventTypes = table.stringArray("event_types") ?? []
            if eventTypes.isEmpty {
                table.problem("event_types", "event_types is empty (omit it for the default types)")
            }
        }
        var overrides: [String: String] = [:]
        for key in endpointKeys {
            if let value = table.url(key) { overrides[key] = value }
        }
        let authText = table.string("auth")
        let authURL = table.url("auth_url")
        let refreshURL = table.url("refresh_url")
        var auth = AccountAuth.oauth
        switch authText {
        case nil where apiKey != nil, "api_key":
            guard let apiKey else {
                table.problem("auth", "auth = \"api_key\" needs one of api_key_file, api_key_env or api_key_credential")
                return nil
            }
            auth = .apiKey(apiKey)
            if common.calendars?.isEmpty != false {
                table.problem(
                    "calendars",
                    "calendars is missing: an API-key account needs its public calendar ids there (it cannot list them)"
                )
            }
            if common.clientSecret != nil {
                let key = table.presentKey("client_secret")
                table.problem(key, "\(key) does not apply: an API-key account uses no client secret")
            }
        case nil, "oauth":
            if common.clientID == nil {
                table.problem("client_id", "client_id is missing (the OAuth client id from the Google Cloud console)")
            }
            if common.clientSecret == nil {
                table.problem(
                    "client_secret_file",
                    "client_secret_file is missing (or client_secret_env or client_secret_credential: the OAuth client secret)"
                )
            }
        case "server":
            guard let refreshURL else {
                table.problem(
                    "auth", "auth = \"server\" needs refresh_url (your endpoint that refreshes access tokens)")
                return nil
            }
            auth = .server(authURL: authURL, refreshURL: refreshURL)
            if common.clientID == nil {
                table.problem("client_id", "client_id is missing (needed to start the sign-in)")
            }
            if common.clientSecret != nil {
                let key = table.presentKey("client_secret")
                table.problem(key, "\(key) does not apply: auth = \"server\" keeps the client secret on your server")
            }
        case let other?:
            table.problem("auth", "auth \"\(other)\" is not an auth mode (use oauth, server or api_key)")
        }
        if apiKey != nil, case .oauth = auth, authText == "oauth" {
            let key = table.presentKey("api_key")
            table.problem(key, "\(key) does not apply: an OAuth account uses no API key")
        }
        return GoogleSettings(
            auth: auth, endpoints: endpoints(overrides: overrides, tenant: ""),
            defaultEndpoints: endpoints(overrides: [:], tenant: ""), eventTypes: eventTypes)
    }
}
