/// Supplies OAuth access tokens to a provider client.
///
/// Implementations refresh before expiry (with a margin) and, when asked with
/// `forceRefresh`, after the provider refused a token with 401. At most one refresh per
/// account runs at a time; concurrent callers wait for it.
public protocol AccessTokenProviding: Sendable {
    /// A valid access token.
    /// - Parameter forceRefresh: the provider rejected the current token: refresh now.
    /// - Throws: ``CalSyncError`` `.needsLogin` when the refresh token is dead
    ///   (`invalid_grant`), `.transport`/`.server`/`.rateLimited` when the token endpoint
    ///   failed transiently.
    func accessToken(forceRefresh: Bool) async throws -> String
}
