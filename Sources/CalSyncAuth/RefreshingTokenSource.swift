public import CalSyncModel
public import Foundation

/// Hands out access tokens for one account, refreshing them before they expire.
///
/// - Refreshes when the cached token expires within `margin`, or when a provider refused
///   it (`forceRefresh`, after a 401).
/// - One refresh at a time: callers arriving during a refresh wait for its result instead
///   of starting another (Microsoft rotates refresh tokens, so two parallel refreshes
///   would race and one would lose).
/// - A rotated refresh token is handed to `persist` and saved BEFORE the new access
///   token is used: a crash between the two can never lose the account.
public actor RefreshingTokenSource: AccessTokenProviding {
    /// What the source starts from: the stored tokens of the account.
    public struct Tokens: Sendable {
        public var refreshToken: String
        public var accessToken: String?
        public var expiresAt: Date?
        public init(refreshToken: String, accessToken: String?, expiresAt: Date?) {
            self.refreshToken = refreshToken
            self.accessToken = accessToken
            self.expiresAt = expiresAt
        }
    }

    private let client: OAuthClient
    private let margin: Duration
    private let now: @Sendable () -> Date
    private let persist: @Sendable (TokenGrant) async throws -> Void
    private var tokens: Tokens
    private var refreshing: Task<String, any Error>?

    /// - Parameters:
    ///   - persist: saves a grant (with the refresh token that is now current) atomically.
    public init(
        client: OAuthClient, tokens: Tokens, margin: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date, persist: @escaping @Sendable (TokenGrant) async throws -> Void
    ) {
        self.client = client
        self.tokens = tokens
        self.margin = margin
        self.now = now
        self.persist = persist
    }

    public func accessToken(forceRefresh: Bool) async throws -> String {
        if let refreshing {
            // Someone is refreshing already: that answer is fresh enough for us too.
            return try await refreshing.value
        }
        if !forceRefresh, let token = tokens.accessToken, let expiresAt = tokens.expiresAt,
            expiresAt.timeIntervalSince(now()) > Double(margin.components.seconds)
        {
            return token
        }
        // A task, not a plain await, so that callers arriving meanwhile (actor methods are
        // re-entrant) can join this one refresh instead of starting their own.
        let task = Task { try await self.performRefresh() }
        refreshing = task
        defer { refreshing = nil }
        return try await task.value
    }

    private func performRefresh() async throws -> String {
        var grant = try await client.refresh(refreshToken: tokens.refreshToken, now: now())
        // Google omits refresh_token on refresh: the old one stays valid.
        grant.refreshToken = grant.refreshToken ?? tokens.refreshToken
        try await persist(grant)
        tokens = Tokens(refreshToken: grant.refreshToken!, accessToken: grant.accessToken, expiresAt: grant.expiresAt)
        return grant.accessToken
    }
}
