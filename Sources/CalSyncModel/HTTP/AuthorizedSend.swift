/// The one authorised request loop every provider shares: send with the account's access
/// token; on 401 refresh the token once and send once more; any other failure (or a second
/// 401) is the provider's mapped error.
///
/// A token can expire between the check the token source makes and the provider reading
/// it, or be revoked early; one forced refresh covers that. A second 401 means the new
/// token is refused too, and retrying further would only hammer the token endpoint.
package enum AuthorizedSend {
    /// - Parameters:
    ///   - tokens: the account's token source; nil sends no `Authorization` header and never
    ///     retries (Google's API-key access).
    ///   - beforeAttempt: runs before each attempt, before the token is read (Graph waits
    ///     out a pause the mailbox was asked for here).
    ///   - perform: sends the request with these extra headers (the `Authorization` line,
    ///     or none).
    ///   - failure: the provider's error for a non-2xx response; it may record what the
    ///     response says (a `Retry-After`) before returning it.
    /// - Returns: the first 2xx response.
    package static func send(
        tokens: (any AccessTokenProviding)?,
        beforeAttempt: () async throws -> Void = {},
        perform: (_ authorization: [(name: String, value: String)]) async throws -> HTTPResponse,
        failure: (HTTPResponse) -> CalSyncError
    ) async throws -> HTTPResponse {
        var forceRefresh = false
        while true {
            try await beforeAttempt()
            var authorization: [(name: String, value: String)] = []
            if let tokens {
                let token = try await tokens.accessToken(forceRefresh: forceRefresh)
                authorization.append((name: "Authorization", value: "Bearer " + token))
            }
            let response = try await perform(authorization)
            if (200..<300).contains(response.status) { return response }
            let error = failure(response)
            if error.code == .unauthorized, !forceRefresh, tokens != nil {
                forceRefresh = true
                continue
            }
            throw error
        }
    }
}
