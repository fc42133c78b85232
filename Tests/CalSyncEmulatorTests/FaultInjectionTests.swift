import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncModel
import Foundation
import Testing

/// Injected faults reach the client as a real server's would, then stop.
struct FaultInjectionTests {
    static let events = "/calendar/v3/calendars/primary/events"

    @Test(arguments: ["2", "2.128", "Wed, 21 Oct 2026 07:28:00 GMT"])
    func statusWithRetryAfterThenNormalService(_ retryAfter: String) async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let token = await harness.state.issueTokens(provider: .google).accessToken
        await harness.state.injectFault(
            Fault(pathPrefix: "/calendar/v3/calendars", count: 2, outcome: .status(429, retryAfter: retryAfter)))
        for _ in 0..<2 {
            let throttled = try await harness.send(.GET, Self.events, token: token)
            #expect(throttled.status == 429)
            #expect(throttled.header("Retry-After") == retryAfter)
            let reason = try harness.json(throttled)["error"]?["errors"]?.arrayValue?.first?.string("reason")
            #expect(reason == "rateLimitExceeded")
        }
        #expect(try await harness.send(.GET, Self.events, token: token).status == 200)
        let recorded = await harness.state.requests(pathPrefix: "/calendar/v3")
        #expect(recorded.map(\.status) == [429, 429, 200])
        #expect(recorded[0].fault == .status(429, retryAfter: retryAfter))
    }

    @Test func aTruncatedBodyIsATransportError() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        try await harness.state.generateGoogleEvents(calendarID: "user@example.com", count: 200)
        let token = await harness.state.issueTokens(provider: .google).accessToken
        await harness.state.injectFault(Fault(pathPrefix: Self.events, outcome: .truncatedBody))
        await #expect(throws: CalSyncError.self) { try await harness.send(.GET, Self.events, token: token) }
        #expect(try await harness.send(.GET, Self.events, token: token).status == 200)
    }

    @Test func aDroppedConnectionIsATransportError() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let token = await harness.state.issueTokens(provider: .google).accessToken
        await harness.state.injectFault(Fault(pathPrefix: Self.events, outcome: .droppedConnection))
        await #expect(throws: CalSyncError.self) { try await harness.send(.GET, Self.events, token: token) }
        #expect(try await harness.send(.GET, Self.events, token: token).status == 200)
    }

    @Test func aDelayHoldsTheAnswerAndOnlyMatchingPathsAreHit() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let token = await harness.state.issueTokens(provider: .google).accessToken
        await harness.state.injectFault(
            Fault(pathPrefix: "/v1.0", outcome: .status(503, retryAfter: nil)))
        await harness.state.injectFault(
            Fault(pathPrefix: Self.events, delay: .milliseconds(300), outcome: .none))
        // The Graph fault waits for a Graph request; the Google request is only delayed.
        let started = ContinuousClock.now
        #expect(try await harness.send(.GET, Self.events, token: token).status == 200)
        #expect(ContinuousClock.now - started >= .milliseconds(300))
        #expect(await harness.state.pendingFaults.map(\.pathPrefix) == ["/v1.0"])
    }

    @Test func theControlAPIInjectsFaultsOverHTTP() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let token = await harness.state.issueTokens(provider: .google).accessToken
        let injected = try await harness.send(
            .POST, "/_emulator/faults",
            body: Data(#"{"path": "/calendar/v3", "status": 500, "count": 1}"#.utf8))
        #expect(injected.status == 201)
        let failed = try await harness.send(.GET, Self.events, token: token)
        #expect(failed.status == 500)
        #expect(try harness.json(failed)["error"]?["errors"]?.arrayValue?.first?.string("reason") == "backendError")
        let bad = try await harness.send(.POST, "/_emulator/faults", body: Data(#"{"status": 500}"#.utf8))
        #expect(bad.status == 400)
        #expect(try harness.json(bad).string("error")?.contains("path") == true)
        let log = try harness.json(try await harness.send(.GET, "/_emulator/requests?path=/calendar"))
        #expect(log["requests"]?.arrayValue?.map { $0["status"] } == [500])
    }
}
