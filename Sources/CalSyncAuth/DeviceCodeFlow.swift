public import CalSyncModel
public import Foundation

/// Microsoft's device-code sign-in (RFC 8628): the person opens a URL on any device and
/// types a short code while calsyncctl polls the token endpoint.
public struct DeviceCodeFlow: Sendable {
    /// What to show the person.
    public struct Authorization: Sendable, Equatable {
        public var deviceCode: String
        public var userCode: String
        public var verificationURI: String
        public var expiresIn: Duration
        public var interval: Duration
        /// The provider's own sentence ("To sign in, use a web browser to open …").
        public var message: String?
    }

    struct AuthorizationWire: Decodable {
        var device_code: String
        var user_code: String
        var verification_uri: String
        var expires_in: Int
        var interval: Int?
        var message: String?
    }

    public var loginURL: String
    public var tenant: String
    public var clientID: String
    public var scopes: [String]
    /// The identity platform's flavour, for what a refusal says (the account's kind's).
    public var oauth: OAuthFlavour
    let transport: any HTTPTransport

    public init(
        loginURL: String, tenant: String, clientID: String, scopes: [String], oauth: OAuthFlavour = .unnamed,
        transport: any HTTPTransport
    ) {
        self.oauth = oauth
        self.loginURL = loginURL
        self.tenant = tenant
        self.clientID = clientID
        self.scopes = scopes
        self.transport = transport
    }

    var endpointBase: String { "\(loginURL)/\(FormEncoding.escape(tenant))/oauth2/v2.0" }

    /// Asks for a device code and the code to show.
    public func start() async throws -> Authorization {
        let response = try await post(
            "\(endpointBase)/devicecode", [("client_id", clientID), ("scope", scopes.joined(separator: " "))])
        guard response.status == 200 else {
            throw OAuthClient.error(status: response.status, body: response.body, provider: oauth)
        }
        guard let wire = try? JSONDecoder().decode(AuthorizationWire.self, from: response.body) else {
            throw CalSyncError(.decoding, "the device-code endpoint answered without a readable code")
        }
        return Authorization(
            deviceCode: wire.device_code, userCode: wire.user_code, verificationURI: wire.verification_uri,
            expiresIn: .seconds(Self.codeLifetime.clamp(wire.expires_in)),
            interval: .seconds(Self.pollInterval.clamp(wire.interval ?? 5)), message: wire.message)
    }

    /// How long calsyncctl waits for the approval at most, whatever the endpoint says
    /// (Microsoft says 900 s): an absurd `expires_in` must not keep it polling for ever.
    static let codeLifetime = 1...3_600
    /// Seconds between polls (Microsoft says 5): at least one, at most a minute.
    static let pollInterval = 1...60

    /// Polls until the person approves, declines, or the code expires.
    /// - Parameter sleep: waits between polls (injected so tests need not wait).
    /// - Throws: ``CalSyncError`` `.needsLogin` when declined or expired.
    public func waitForApproval(
        _ authorization: Authorization, now: @Sendable () -> Date,
        sleep: @Sendable (Duration) async throws -> Void
    ) async throws -> TokenGrant {
        var interval = authorization.interval
        var waited = Duration.zero
        while waited < authorization.expiresIn {
            try await sleep(interval)
            waited += interval
            let response = try await post(
                "\(endpointBase)/token",
                [
                    ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("client_id", clientID),
                    ("device_code", authorization.deviceCode),
                ])
            if response.status == 200 {
                guard let wire = try? JSONDecoder().decode(TokenGrant.Wire.self, from: response.body) else {
                    throw CalSyncError(.decoding, "the token endpoint answered without a readable token")
                }
                return TokenGrant(wire: wire, now: now())
            }
            let code = (try? JSONDecoder().decode(OAuthClient.ErrorWire.self, from: response.body))?.error
            switch code {
            case "authorization_pending":
                continue
            case "slow_down":
                // RFC 8628 §3.5: add 5 seconds to the interval from now on.
                interval += .seconds(5)
            case "expired_token", "code_expired":
                throw CalSyncError(.needsLogin, "the sign-in code expired before it was entered: run the login again")
            case "authorization_declined", "access_denied":
                throw CalSyncError(.needsLogin, "the sign-in was declined")
            default:
                throw OAuthClient.error(status: response.status, body: response.body, provider: oauth)
            }
        }
        throw CalSyncError(.needsLogin, "the sign-in code expired before it was entered: run the login again")
    }

    private func post(_ url: String, _ fields: [(String, String)]) async throws -> HTTPResponse {
        try await transport.perform(
            HTTPRequest(
                method: .POST, url: url,
                headers: [
                    (name: "Content-Type", value: "application/x-www-form-urlencoded"),
                    (name: "Accept", value: "application/json"),
                ],
                body: Data(FormEncoding.encode(fields).utf8), totalTimeout: .seconds(60)))
    }
}
