import CalSyncEmulatorCalendars
public import CalSyncEmulatorServer
import Foundation

/// The library API shared by both providers: tokens, faults and the request record.
extension EmulatorState {
    /// Signs a user in without the browser: an access and a refresh token, as a completed
    /// login would have produced (for the demo and tests that start signed in). `scope`
    /// (space-separated) defaults to ``defaultScope(for:)``, which reads and writes; a
    /// read-only one (`calendar.readonly`, `Calendars.Read`) makes writes answer 403.
    public func issueTokens(
        provider: IdentityProvider, user: String? = nil, clientID: String = "emulator-client", scope: String? = nil
    )
        -> (accessToken: String, refreshToken: String)
    {
        let user = user ?? (provider == .google ? options.googleUser : options.microsoftUser)
        let scope = scope ?? Self.defaultScope(for: provider)
        let access = identity.issueAccessToken(
            user: user, provider: provider, scope: scope, lifetime: options.accessTokenLifetime, now: clock(),
            random: &random)
        let refresh = identity.issueRefreshToken(
            user: user, provider: provider, clientID: clientID, scope: scope, random: &random)
        return (access, refresh)
    }

    /// The scopes of ``issueTokens(provider:user:clientID:scope:)`` when none are given:
    /// those of an account signed in with `write = true`, so tests and the demo can both
    /// read and write.
    public static func defaultScope(for provider: IdentityProvider) -> String {
        provider == .google
            ? "https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.readonly"
            : "offline_access Calendars.ReadWrite MailboxSettings.Read"
    }

    /// Revokes refresh tokens (of one user and/or provider, or all): refreshing gets
    /// `invalid_grant`, and their access tokens stop working. Returns how many.
    @discardableResult
    public func revokeTokens(provider: IdentityProvider? = nil, user: String? = nil) -> Int {
        identity.revoke(user: user, provider: provider)
    }

    /// Every access token expires now: the next API call gets 401 until a refresh.
    public func expireAccessTokens() {
        identity.expireAccessTokens()
    }

    /// Holds or declines the pending device codes instead of approving them on first poll.
    public func setDeviceCodes(declined: Bool) {
        for (code, device) in identity.deviceCodes where device.state == .pending {
            identity.deviceCodes[code]?.state = declined ? .declined : .approved
        }
    }

    public func injectFault(_ fault: Fault) {
        faults.add(fault)
    }

    public func clearFaults() {
        faults.removeAll()
    }

    public var pendingFaults: [Fault] { faults.pending }

    /// Requests received so far (oldest first), optionally only those under a path.
    public func requests(pathPrefix: String = "") -> [RecordedRequest] {
        pathPrefix.isEmpty ? requestLog : requestLog.filter { $0.path.hasPrefix(pathPrefix) }
    }

    public func clearRequests() {
        requestLog.removeAll()
    }
}
