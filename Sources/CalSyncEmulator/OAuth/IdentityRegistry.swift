import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import CalSyncModel
import Foundation

/// Which identity provider issued a token: tokens of one never open the other's API.
public enum IdentityProvider: String, Sendable, CaseIterable {
    case google, microsoft
}

/// The OAuth state of both identity providers: authorization codes, device codes, access
/// and refresh tokens, who they belong to and whether they still work.
struct IdentityRegistry {
    struct AccessGrant {
        var user: String
        var provider: IdentityProvider
        var expires: Date
        /// The scopes granted, space-separated as the token response says them: writes
        /// check them (``EmulatorState/googleWriteRefusal(_:token:)``, ``EmulatorState/graphWriteRefusal(_:token:)``).
        var scope: String
    }

    struct RefreshGrant {
        var user: String
        var provider: IdentityProvider
        var clientID: String
        var scope: String
        var revoked = false
    }

    struct AuthorizationCode {
        var user: String
        var provider: IdentityProvider
        var clientID: String
        var redirectURI: String
        var challenge: String?
        var challengeMethod: String?
        var scope: String
        var expires: Date
    }

    struct DeviceCode {
        enum State { case pending, approved, declined }
        var user: String
        var clientID: String
        var scope: String
        var userCode: String
        var expires: Date
        var interval: Int
        var lastPoll: Date?
        var state: State = .pending
    }

    var accessTokens: [String: AccessGrant] = [:]
    var refreshTokens: [String: RefreshGrant] = [:]
    var codes: [String: AuthorizationCode] = [:]
    var deviceCodes: [String: DeviceCode] = [:]
    private var counter = 0

    func user(forAccessToken token: String, provider: IdentityProvider, now: Date) -> String? {
        guard let grant = accessTokens[token], grant.provider == provider, grant.expires > now else { return nil }
        return grant.user
    }

    /// The scopes a live token was granted (nil for an unknown or expired token).
    func scope(ofAccessToken token: String, now: Date) -> String? {
        guard let grant = accessTokens[token], grant.expires > now else { return nil }
        return grant.scope
    }

    /// Whom a token was issued to, expired or not.
    func owner(ofAccessToken token: String, provider: IdentityProvider) -> String? {
        guard let grant = accessTokens[token], grant.provider == provider else { return nil }
        return grant.user
    }

    /// A fresh opaque token with a recognisable prefix (`ya29.` / `EwB` look-alikes).
    mutating func newToken(_ prefix: String, using random: inout some RandomNumberGenerator) -> String {
        counter += 1
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let tail = String((0..<40).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
        return "\(prefix)\(counter).\(tail)"
    }

    mutating func issueAccessToken(
        user: String, provider: IdentityProvider, scope: String, lifetime: Duration, now: Date,
        random: inout some RandomNumberGenerator
    ) -> String {
        let token = newToken(provider == .google ? "ya29.emu" : "EwBemu", using: &random)
        accessTokens[token] = AccessGrant(
            user: user, provider: provider, expires: now.addingTimeInterval(lifetime.seconds), scope: scope)
        return token
    }

    mutating func issueRefreshToken(
        user: String, provider: IdentityProvider, clientID: String, scope: String,
        random: inout some RandomNumberGenerator
    ) -> String {
        let token = newToken(provider == .google ? "1//emu" : "M.Remu", using: &random)
        refreshTokens[token] = RefreshGrant(user: user, provider: provider, clientID: clientID, scope: scope)
        return token
    }

    /// Every refresh token of `user` (or of everyone) stops working; access tokens too.
    mutating func revoke(user: String?, provider: IdentityProvider?) -> Int {
        var count = 0
        for (token, grant) in refreshTokens
        where (user == nil || grant.user == user) && (provider == nil || grant.provider == provider) {
            refreshTokens[token]?.revoked = true
            count += 1
        }
        accessTokens = accessTokens.filter { _, grant in
            !((user == nil || grant.user == user) && (provider == nil || grant.provider == provider))
        }
        return count
    }

    /// Every access token expires now (the next API call gets 401; a refresh fixes it).
    mutating func expireAccessTokens() {
        accessTokens.removeAll()
    }

    /// PKCE (RFC 7636): the verifier must hash to the challenge given at authorization.
    static func verifies(verifier: String?, challenge: String?, method: String?) -> Bool {
        guard let challenge else { return true }
        guard let verifier else { return false }
        if method == "plain" { return verifier == challenge }
        let digest = Data(SHA256.hash(Array(verifier.utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return digest == challenge
    }
}

extension Duration {
    var seconds: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
