public import Foundation

/// The one error type of calsync's libraries.
///
/// Code branches on ``code``, never on ``message``: messages are for people and may be
/// reworded, codes are stable. The message never contains a secret (token, client secret,
/// API key); callers that build one from provider text must keep it that way.
public struct CalSyncError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure this is. Compared by identity, extended by adding constants.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The configuration file is missing, unreadable or invalid (exit 78).
        public static let config = Code("config")
        /// The store could not be opened, migrated, read or written.
        public static let store = Code("store")
        /// Another process already writes this store (exit 75 in `--once`).
        public static let storeLocked = Code("storeLocked")
        /// The connection failed (DNS, refused, reset, TLS, truncated body).
        public static let transport = Code("transport")
        /// The request took longer than its connect or total timeout.
        public static let timeout = Code("timeout")
        /// The caller cancelled the operation.
        public static let cancelled = Code("cancelled")
        /// The server answered with an HTTP status the caller did not expect.
        public static let http = Code("http")
        /// The access token was refused (401); refresh once and retry once.
        public static let unauthorized = Code("unauthorized")
        /// The refresh token is dead (`invalid_grant`): a person must sign in again.
        public static let needsLogin = Code("needsLogin")
        /// The provider throttles (429, 403 rate limits, 503): wait ``retryAfter`` or back off.
        public static let rateLimited = Code("rateLimited")
        /// A quota that resets in hours (Google `quotaExceeded`, `dailyLimitExceeded`).
        public static let quotaExceeded = Code("quotaExceeded")
        /// The provider discarded the sync token or delta link: start a full re-sync.
        public static let cursorExpired = Code("cursorExpired")
        /// A response body could not be read as the documented JSON.
        public static let decoding = Code("decoding")
        /// The resource does not exist (404).
        public static let notFound = Code("notFound")
        /// A write lost a race (`If-Match` failed, 412).
        public static let conflict = Code("conflict")
        /// The account's token lacks the scope a request needs (a write to an account signed
        /// in read-only): sign in again with `write = true`.
        public static let missingScope = Code("missingScope")
        /// The provider refused the request for good (400, 403 other than throttling or a
        /// missing scope): retrying the same request cannot succeed.
        public static let refused = Code("refused")
        /// A value given by a user or a caller is invalid.
        public static let invalidInput = Code("invalidInput")
        /// The server failed (5xx other than 503/504 throttling).
        public static let server = Code("server")
        /// calsyncd's control socket is missing, refused the connection or answered badly.
        public static let control = Code("control")
    }

    public var code: Code
    /// One line for people. Never contains a secret.
    public var message: String
    /// The HTTP status that caused the error, when there was one.
    public var httpStatus: Int?
    /// How long the server asked us to wait (`Retry-After`), when it did.
    public var retryAfter: Duration?

    public init(_ code: Code, _ message: String, httpStatus: Int? = nil, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.retryAfter = retryAfter
    }

    public var description: String { message }

    /// Whether retrying the same request later may succeed.
    public var isTransient: Bool {
        [.transport, .timeout, .rateLimited, .server].contains(code)
    }
}

extension CalSyncError: LocalizedError {
    public var errorDescription: String? { message }
}
