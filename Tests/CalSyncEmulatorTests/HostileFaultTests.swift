import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncModel
import Foundation
import Testing

/// The hostile-server faults `scripts/chaos --only hostile` uses: headers of any size or
/// value, Graph links to another origin, bodies padded past a size, error messages of
/// one's own.
struct HostileFaultTests {
    static let events = "/calendar/v3/calendars/primary/events"

    @Test func headersAreAddedOrReplacedVerbatimOnARealAnswer() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let token = await harness.state.issueTokens(provider: .google).accessToken
        let long = String(repeating: "x", count: 60_000)
        let injected = try await harness.send(
            .POST, "/_emulator/faults",
            body: Data(
                #"{"path": "/calendar/v3", "headers": {"Retry-After": "1e300", "X-Long": "\#(long)", "Content-Type": "text/odd"}}"#
                    .utf8))
        #expect(injected.status == 201)
        let answer = try await harness.send(.GET, Self.events, token: token)
        #expect(answer.status == 200)
        #expect(answer.header("Retry-After") == "1e300")
        #expect(answer.header("X-Long") == long)
        #expect(answer.header("Content-Type") == "text/odd")
        // Gone after one request.
        #expect(try await harness.send(.GET, Self.events, token: token).header("Retry-After") == nil)
    }

    @Test func aStatusFaultCarriesItsOwnMessageAndRetryAfter() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let token = await harness.state.issueTokens(provider: .google).accessToken
        await harness.state.injectFault(
            Fault(
                pathPrefix: Self.events, outcome: .status(429, retryAfter: "31536000"),
                message: "slow down \u{1B}[31m\u{0}"))
        let answer = try await harness.send(.GET, Self.events, token: token)
        #expect(answer.status == 429)
        #expect(answer.header("Retry-After") == "31536000")
        #expect(try harness.json(answer)["error"]?.string("message") == "slow down \u{1B}[31m\u{0}")
    }

    @Test func graphLinksAreRewrittenToTheGivenOrigin() async throws {
        try await withGraphClient { client in
            for day in 10...14 {
                try await client.state.addGraphEvent(
                    calendarID: GraphTestClient.defaultCalendar,
                    graphEvent("Event \(day)", "2026-03-\(day)T09:00:00", "2026-03-\(day)T10:00:00"))
            }
            await client.state.injectFault(
                Fault(pathPrefix: "/v1.0/", count: 1, outcome: .none, linkOrigin: "http://127.0.0.1:9"))
            let first = try await client.get(
                client.deltaURL(
                    calendar: GraphTestClient.defaultCalendar, from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z"),
                prefer: ["odata.maxpagesize=2"])
            let next = try #require(first.json["@odata.nextLink"]?.stringValue)
            #expect(next.hasPrefix("http://127.0.0.1:9/v1.0/"))
            // The link still works on the emulator's own origin: only the origin changed.
            let own = client.emulator.baseURL + next.dropFirst("http://127.0.0.1:9".count)
            #expect(try await client.get(own).status == 200)
        }
    }

    @Test func aPaddedBodyIsStillJSONAndAtLeastThatLarge() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        try await harness.state.generateGoogleEvents(calendarID: "user@example.com", count: 3)
        let token = await harness.state.issueTokens(provider: .google).accessToken
        await harness.state.injectFault(Fault(pathPrefix: Self.events, outcome: .none, paddedBodyBytes: 300_000))
        let answer = try await harness.send(.GET, Self.events, token: token)
        #expect(answer.body.count >= 300_000)
        #expect(try harness.json(answer).items.count == 3)
    }

    @Test func aFaultWithNothingToDoIsRefused() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let bad = try await harness.send(.POST, "/_emulator/faults", body: Data(#"{"path": "/v1.0"}"#.utf8))
        #expect(bad.status == 400)
        let badHeaders = try await harness.send(
            .POST, "/_emulator/faults", body: Data(#"{"path": "/v1.0", "headers": {"X": 1}}"#.utf8))
        #expect(badHeaders.status == 400)
    }
}
