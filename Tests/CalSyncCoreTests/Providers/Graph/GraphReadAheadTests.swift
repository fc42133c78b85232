import Foundation
import Synchronization
import Testing

@testable import CalSyncGraph
@testable import CalSyncModel

/// A round's next delta page is asked for as soon as the page before it names it
/// (GraphReadAhead, docs/providers-graph.md "Reading the next page early"), and handed only
/// to the request for that same link.
struct GraphReadAheadTests {
    static let next = "https://graph.microsoft.com/@odata.nextLink"

    /// Answers by request: `$batch`es with the master, GETs by `answer` (nil: the round's
    /// first page, whose next link is ``next``). Every request is logged.
    final class RoutedTransport: HTTPTransport {
        let log = Mutex([HTTPRequest]())
        let answer: @Sendable (HTTPRequest, _ earlierGETsOfURL: Int) async -> HTTPResponse?
        /// How long a `$batch` waits for the next page to be asked for.
        let batchWaits: Duration
        /// Whether the first `$batch` found the next page already asked for.
        let batchSawNextPage = Mutex<Bool?>(nil)

        init(
            batchWaits: Duration = .seconds(10),
            answer: @escaping @Sendable (HTTPRequest, Int) async -> HTTPResponse? = { _, _ in nil }
        ) {
            self.batchWaits = batchWaits
            self.answer = answer
        }

        var requests: [HTTPRequest] { log.withLock { $0 } }

        func gets(_ url: String) -> Int {
            requests.filter { $0.method == .GET && $0.url == url }.count
        }

        /// Waits (up to `limit`) until a GET of `url` has arrived; whether it did.
        func waitForGET(_ url: String, limit: Duration = .seconds(10)) async -> Bool {
            let clock = ContinuousClock()
            let deadline = clock.now + limit
            while clock.now < deadline {
                if gets(url) > 0 { return true }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return gets(url) > 0
        }

        func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
            let earlier = log.withLock { log in
                defer { log.append(request) }
                return log.filter { $0.method == .GET && $0.url == request.url }.count
            }
            if request.method == .POST {
                // The page's masters are answered only once the next page was asked for (or
                // `batchWaits` passed, and the test fails on what it records).
                let seen = await waitForGET(GraphReadAheadTests.next, limit: batchWaits)
                batchSawNextPage.withLock { $0 = $0 ?? seen }
                return GraphProviderTests.masterBatch
            }
            if let answer = await answer(request, earlier) { return answer }
            return try GraphProviderTests.stubPage("@odata.nextLink")
        }
    }

    static func changes(_ provider: GraphProvider, _ cursor: SyncCursor) async throws -> ProviderPage {
        try await provider.changes(
            calendarID: "cal", cursor: cursor, window: GraphProviderTests.window, logger: GraphProviderTests.logger)
    }

    @Test func theNextPageIsAskedForBeforeThisPagesMastersAreReadAndAskedOnce() async throws {
        let transport = RoutedTransport { request, _ in
            request.url == Self.next ? try? GraphProviderTests.stubPage("@odata.deltaLink") : nil
        }
        let provider = GraphProviderTests.provider(transport, readsAhead: true)
        let first = try await Self.changes(provider, .initial)
        #expect(transport.batchSawNextPage.withLock { $0 } == true)
        #expect(first.next == .page(Self.next))
        #expect(first.changes.upserts.map(\.id) == ["seriesMasterId"])
        let second = try await Self.changes(provider, first.next)
        #expect(second.next == .delta("https://graph.microsoft.com/@odata.deltaLink"))
        #expect(second.changes.listedOccurrences.count == 1)
        // The initial page, its $batch and the next page: read once, ahead.
        #expect(transport.requests.count == 3)
        #expect(transport.gets(Self.next) == 1)
    }

    @Test func aPageReadAheadIsNeverHandedToARequestForAnotherLink() async throws {
        let other = "https://graph.microsoft.com/other"
        let transport = RoutedTransport { request, _ in
            switch request.url {
            case Self.next:
                GraphProviderTests.ok(json: #"{"@odata.deltaLink":"https://graph.microsoft.com/d2","value":[]}"#)
            case other:
                GraphProviderTests.ok(json: #"{"@odata.deltaLink":"https://graph.microsoft.com/d3","value":[]}"#)
            default: nil
            }
        }
        let provider = GraphProviderTests.provider(transport, readsAhead: true)
        _ = try await Self.changes(provider, .initial)
        #expect(await transport.waitForGET(Self.next))
        // Another cursor (a resumed full re-sync, say) gets its own page, and the page read
        // ahead is let go: the next ask for it asks Graph again.
        let resumed = try await Self.changes(provider, .page(other))
        #expect(resumed.next == .delta("https://graph.microsoft.com/d3"))
        let again = try await Self.changes(provider, .page(Self.next))
        #expect(again.next == .delta("https://graph.microsoft.com/d2"))
        #expect(transport.gets(Self.next) == 2)
    }

    @Test func aPageReadAheadThatFailedFailsItsPageAndIsAskedForAgain() async throws {
        let transport = RoutedTransport { request, earlier in
            guard request.url == Self.next else { return nil }
            return earlier == 0
                ? HTTPResponse(status: 500, body: Data(#"{"error":{"code":"generalException"}}"#.utf8))
                : try? GraphProviderTests.stubPage("@odata.deltaLink")
        }
        let provider = GraphProviderTests.provider(transport, readsAhead: true)
        let first = try await Self.changes(provider, .initial)
        await #expect(throws: CalSyncError.self) { try await Self.changes(provider, first.next) }
        let retried = try await Self.changes(provider, first.next)
        #expect(retried.next == .delta("https://graph.microsoft.com/@odata.deltaLink"))
        #expect(transport.gets(Self.next) == 2)
    }

    @Test func withoutReadingAheadTheNextPageWaitsForTheEngine() async throws {
        let transport = RoutedTransport(batchWaits: .milliseconds(300))
        let provider = GraphProviderTests.provider(transport, readsAhead: false)
        let first = try await Self.changes(provider, .initial)
        #expect(first.next == .page(Self.next))
        #expect(transport.batchSawNextPage.withLock { $0 } == false)
        #expect(transport.gets(Self.next) == 0)
    }
}
