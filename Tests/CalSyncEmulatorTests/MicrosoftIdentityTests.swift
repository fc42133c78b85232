import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncModel
import Foundation
import Synchronization
import Testing

/// The Microsoft identity platform stand-in: device code (pending, slow down, success,
/// declined, expired) and refresh-token rotation.
struct MicrosoftIdentityTests {
    static let base = "/common/oauth2/v2.0"
    static let scope = "offline_access Calendars.Read MailboxSettings.Read"

    static func deviceCode(_ harness: EmulatorHarness) async throws -> JSONValue {
        let response = try await harness.postForm(
            "\(base)/devicecode", [("client_id", "public-client"), ("scope", scope)])
        #expect(response.status == 200)
        return try harness.json(response)
    }

    static func poll(_ harness: EmulatorHarness, _ code: String) async throws -> JSONValue {
        try harness.json(
            try await harness.postForm(
                "\(base)/token",
                [
                    ("client_id", "public-client"), ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                    ("device_code", code),
                ]))
    }

    @Test func deviceCodeIsPendingThenSlowDownThenGranted() async throws {
        var options = EmulatorOptions()
        options.deviceCodeInterval = 1
        // The emulator's clock is the test's: "too fast" must not depend on how busy the
        // machine is between two requests.
        let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let harness = try await EmulatorHarness.start(
            options: options, state: EmulatorState(options: options, clock: { now.withLock { $0 } }))
        defer { Task { await harness.stop() } }
        let authorization = try await Self.deviceCode(harness)
        let code = try #require(authorization.string("device_code"))
        #expect(authorization.string("verification_uri")?.hasSuffix("/devicelogin") == true)
        #expect(authorization["interval"] == 1)
        #expect(authorization.string("message")?.contains(authorization.string("user_code") ?? "?") == true)

        #expect(try await Self.poll(harness, code).string("error") == "authorization_pending")
        // Polling again at once is too fast.
        #expect(try await Self.poll(harness, code).string("error") == "slow_down")
        now.withLock { $0 += 1.1 }
        let granted = try await Self.poll(harness, code)
        #expect(granted.string("token_type") == "Bearer")
        let access = try #require(granted.string("access_token"))
        #expect(granted.string("refresh_token") != nil)
        #expect(try await harness.send(.GET, "/v1.0/me/calendars", token: access).status == 200)
        // A device code works once.
        #expect(try await Self.poll(harness, code).string("error") == "invalid_grant")
    }

    @Test func aDeclinedDeviceCodeEndsTheFlow() async throws {
        var options = EmulatorOptions()
        options.deviceCodeInterval = 0
        options.deviceCodeAutoApprove = false
        let harness = try await EmulatorHarness.start(options: options)
        defer { Task { await harness.stop() } }
        let declined = try #require(try await Self.deviceCode(harness).string("device_code"))
        #expect(try await Self.poll(harness, declined).string("error") == "authorization_pending")
        await harness.state.setDeviceCodes(declined: true)
        #expect(try await Self.poll(harness, declined).string("error") == "authorization_declined")
    }

    @Test func anExpiredDeviceCodeEndsTheFlow() async throws {
        var options = EmulatorOptions()
        options.deviceCodeLifetime = .milliseconds(200)
        let harness = try await EmulatorHarness.start(options: options)
        defer { Task { await harness.stop() } }
        let expiring = try #require(try await Self.deviceCode(harness).string("device_code"))
        try await Task.sleep(for: .milliseconds(400))
        #expect(try await Self.poll(harness, expiring).string("error") == "expired_token")
    }

    @Test func refreshRotatesTheRefreshTokenAndCanRetireTheOldOne() async throws {
        var options = EmulatorOptions()
        options.microsoftInvalidatesOldRefreshTokens = true
        let harness = try await EmulatorHarness.start(options: options)
        defer { Task { await harness.stop() } }
        let first = await harness.state.issueTokens(provider: .microsoft, clientID: "public-client").refreshToken
        func refresh(_ token: String) async throws -> JSONValue {
            try harness.json(
                try await harness.postForm(
                    "\(Self.base)/token",
                    [
                        ("client_id", "public-client"), ("grant_type", "refresh_token"), ("refresh_token", token),
                        ("scope", Self.scope),
                    ]))
        }
        let rotated = try await refresh(first)
        let second = try #require(rotated.string("refresh_token"))
        #expect(second != first)
        let reused = try await refresh(first)
        #expect(reused.string("error") == "invalid_grant")
        #expect(reused["error_codes"] == [70008])
        #expect(reused.string("error_description")?.hasPrefix("AADSTS70008:") == true)
        #expect(try await refresh(second).string("access_token") != nil)
        // A Google refresh token means nothing to Microsoft.
        let google = await harness.state.issueTokens(provider: .google).refreshToken
        #expect(try await refresh(google).string("error") == "invalid_grant")
    }
}
