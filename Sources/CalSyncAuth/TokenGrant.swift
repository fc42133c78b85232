import CalSyncModel
public import Foundation

/// What a token endpoint granted: a short-lived access token and, sometimes, a refresh token.
///
/// Google omits `refresh_token` on refresh (keep the old one); Microsoft returns a new one
/// every time (persist it before using the access token). `description` never shows a token.
public struct TokenGrant: Sendable, Equatable, CustomStringConvertible {
    public var accessToken: String
    public var expiresAt: Date
    public var refreshToken: String?
    public var scope: String?
    /// The signed-in address, from the `id_token` when the scopes asked for it.
    public var email: String?

    public init(accessToken: String, expiresAt: Date, refreshToken: String?, scope: String?, email: String?) {
        self.accessToken = accessToken
        self.expiresAt = expiresAt
        self.refreshToken = refreshToken
        self.scope = scope
        self.email = email
    }

    public var description: String {
        "TokenGrant(expiresAt: \(Timestamp.string(from: expiresAt)), refreshToken: \(refreshToken == nil ? "none" : "<redacted>"), scope: \(scope ?? "-"))"
    }

    /// The token endpoint's JSON (RFC 6749 §5.1), shared by Google, Microsoft and the
    /// plugin-style server endpoints, which pass Google's answer through.
    struct Wire: Decodable {
        var access_token: String
        var expires_in: Double?
        var refresh_token: String?
        var scope: String?
        var id_token: String?
    }

    init(wire: Wire, now: Date) {
        self.init(
            accessToken: wire.access_token,
            // Providers say 3599 or 3600 s; without a value assume Google's one hour.
            expiresAt: Self.saneExpiry(now.addingTimeInterval(wire.expires_in ?? 3600), now: now),
            refreshToken: wire.refresh_token.flatMap { $0.isEmpty ? nil : $0 },
            scope: wire.scope,
            email: wire.id_token.flatMap(TokenGrant.email(fromIDToken:)))
    }

    /// The longest an access token is believed to live, whatever the token endpoint says:
    /// Google and Microsoft grant an hour (Microsoft up to 90 minutes with CAE). A larger
    /// `expires_in` is a broken or hostile endpoint; taken as is, `1e300` made a date that
    /// trapped when shown (`calsyncctl status`) and kept a dead token in use.
    public static let maximumLifetime: TimeInterval = 86_400

    /// `expiry` within `[1970-01-01, now + maximumLifetime]`; a non-finite or negative
    /// lifetime counts as already expired. Used for grants and for expiries read back from
    /// the token file, which an older calsync may have written unclamped.
    public static func saneExpiry(_ expiry: Date, now: Date) -> Date {
        let seconds = expiry.timeIntervalSince1970
        guard seconds.isFinite else { return seconds > 0 ? now.addingTimeInterval(maximumLifetime) : now }
        return min(max(expiry, Date(timeIntervalSince1970: 0)), now.addingTimeInterval(maximumLifetime))
    }

    /// The `email` (Google) or `preferred_username` (Microsoft) claim of an id_token.
    /// The signature is not checked: the token came straight from the token endpoint over
    /// TLS, and the address is only shown to people.
    static func email(fromIDToken token: String) -> String? {
        let parts = token.split(separator: ".")
        guard parts.count >= 2 else { return nil }
        var payload = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        guard let data = Data(base64Encoded: payload),
            let claims = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return (claims["email"] as? String) ?? (claims["preferred_username"] as? String)
    }
}
