import Foundation
import Synchronization
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel

struct RefreshingTokenSourceTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func client(_ transport: ScriptedTransport, provider: OAuthClient.Provider = .google) -> OAuthClient {
        OAuthClient(
            provider: provider, mode: .direct(tokenURL: "http://127.0.0.1:1/token", clientID: "c", clientSecret: nil),
            scopes: [], transport: transport)
    }

    static func grant(_ access: String, refresh: String? = nil) -> HTTPResponse {
        let refreshField = refresh.map { #","refresh_token":"\#($0)""# } ?? ""
        return HTTPResponse(
            status: 200, body: Data(#"{"access_token":"\#(access)","expires_in":3600\#(refreshField)}"#.utf8))
    }

    @Test func usesTheCachedTokenUntilTheMargin() async throws {
        let transport = ScriptedTransport([Self.grant("fresh")])
        let clock = Mutex(Self.start)
        let source = RefreshingTokenSource(
            client: Self.client(transport),
            tokens: .init(refreshToken: "r", accessToken: "cached", expiresAt: Self.start.addingTimeInterval(600)),
            now: { clock.withLock { $0 } }, persist: { _ in })
        #expect(try await source.accessToken(forceRefresh: false) == "cached")
        clock.withLock { $0 = Self.start.addingTimeInterval(301) }  // within 5 minutes of expiry
        #expect(try await source.accessToken(forceRefresh: false) == "fresh")
        #expect(transport.requests.count == 1)
    }

    @Test func forcedRefreshAfterA401() async throws {
        let transport = ScriptedTransport([Self.grant("second")])
        let source = RefreshingTokenSource(
            client: Self.client(transport),
            tokens: .init(refreshToken: "r", accessToken: "first", expiresAt: Self.start.addingTimeInterval(3000)),
            now: { Self.start }, persist: { _ in })
        #expect(try await source.accessToken(forceRefresh: true) == "second")
    }

    @Test func persistsTheRotatedRefreshTokenBeforeUsingTheAccessToken() async throws {
        let transport = ScriptedTransport([Self.grant("a1", refresh: "r2"), Self.grant("a2", refresh: "r3")])
        let saved = Mutex<[String]>([])
        let source = RefreshingTokenSource(
            client: Self.client(transport, provider: .microsoft),
            tokens: .init(refreshToken: "r1", accessToken: nil, expiresAt: nil), now: { Self.start },
            persist: { grant in saved.withLock { $0.append(grant.refreshToken ?? "-") } })
        #expect(try await source.accessToken(forceRefresh: false) == "a1")
        #expect(saved.withLock { $0 } == ["r2"])
        #expect(try await source.accessToken(forceRefresh: true) == "a2")
        #expect(saved.withLock { $0 } == ["r2", "r3"])
        let secondForm = FormEncoding.decode(String(decoding: transport.requests[1].body ?? Data(), as: UTF8.self))
        #expect(secondForm["refresh_token"] == "r2")
    }

    @Test func keepsGooglesRefreshTokenWhenTheGrantHasNone() async throws {
        let transport = ScriptedTransport([Self.grant("a1")])
        let saved = Mutex<TokenGrant?>(nil)
        let source = RefreshingTokenSource(
            client: Self.client(transport), tokens: .init(refreshToken: "keep-me", accessToken: nil, expiresAt: nil),
            now: { Self.start }, persist: { grant in saved.withLock { $0 = grant } })
        _ = try await source.accessToken(forceRefresh: false)
        #expect(saved.withLock { $0?.refreshToken } == "keep-me")
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        let transport = ScriptedTransport([Self.grant("shared")])
        let source = RefreshingTokenSource(
            client: Self.client(transport), tokens: .init(refreshToken: "r", accessToken: nil, expiresAt: nil),
            now: { Self.start }, persist: { _ in try await Task.sleep(for: .milliseconds(50)) })
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await source.accessToken(forceRefresh: false) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(tokens == Array(repeating: "shared", count: 8))
        #expect(transport.requests.count == 1)
    }

    @Test func aDeadRefreshTokenMeansSignInAgain() async throws {
        let transport = ScriptedTransport([
            HTTPResponse(
                status: 400,
                body: try Fixtures.data("google", "oauth-token-error-invalid_grant-expired-or-revoked-recorded"))
        ])
        let source = RefreshingTokenSource(
            client: Self.client(transport), tokens: .init(refreshToken: "r", accessToken: nil, expiresAt: nil),
            now: { Self.start }, persist: { _ in })
        let error = await #expect(throws: CalSyncError.self) { try await source.accessToken(forceRefresh: false) }
        #expect(error?.code == .needsLogin)
    }
}
