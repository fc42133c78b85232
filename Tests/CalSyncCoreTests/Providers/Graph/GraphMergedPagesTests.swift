import Foundation
import Testing

@testable import CalSyncGraph
@testable import CalSyncModel

/// Delta pages merged into one page for the store (GraphMergedPages,
/// docs/providers-graph.md "Requests"): fetched back to back up to the configured weight,
/// their masters read together, and merged as if applied one after another.
struct GraphMergedPagesTests {
    static func stub(_ id: String) -> String {
        #"{"@odata.etag":"W/\"m1\"","id":"\#(id)","seriesMasterId":"seriesMasterId","type":"occurrence","#
            + #""start":{"dateTime":"2023-07-\#(id.suffix(2))T10:25:00.0000000","timeZone":"UTC"},"#
            + #""end":{"dateTime":"2023-07-\#(id.suffix(2))T10:55:00.0000000","timeZone":"UTC"}}"#
    }

    static func single(_ id: String, subject: String) -> String {
        #"{"id":"\#(id)","type":"singleInstance","subject":"\#(subject)","isAllDay":false,"#
            + #""start":{"dateTime":"2023-07-14T10:00:00.0000000","timeZone":"UTC"},"#
            + #""end":{"dateTime":"2023-07-14T11:00:00.0000000","timeZone":"UTC"}}"#
    }

    static func removed(_ id: String) -> String {
        ##"{"@odata.type":"#microsoft.graph.event","id":"\##(id)","@removed":{"reason":"deleted"}}"##
    }

    static func page(_ link: String, _ items: [String]) -> String {
        #"{"\#(link)":"https://graph.microsoft.com/v1.0/\#(link)","value":["# + items.joined(separator: ",") + "]}"
    }

    static func decoded(_ items: [String]) throws -> GraphMapping.DecodedPage {
        try GraphMapping.page(Array(page("@odata.nextLink", items).utf8), fallbackZone: "UTC")
    }

    @Test func aRoundsPagesAreFetchedUntilTheyWeighEnoughAndTheirMastersReadTogether() async throws {
        let transport = ScriptedTransport([
            GraphProviderTests.ok(json: Self.page("@odata.nextLink", [Self.stub("o02")])),
            GraphProviderTests.ok(json: Self.page("@odata.nextLink", [Self.stub("o09")])),
            GraphProviderTests.masterBatch,
            GraphProviderTests.ok(json: Self.page("@odata.deltaLink", [Self.stub("o16")])),
        ])
        let provider = GraphProviderTests.provider(
            transport, pagesPerStorePage: 10, itemsPerStorePage: 2 + GraphMergedPages.eventWeight)
        let first = try await provider.changes(
            calendarID: "cal", cursor: .initial, window: GraphProviderTests.window, logger: GraphProviderTests.logger)
        // The first page weighs a stub and its master to read, the first two one stub
        // more, which is the limit: the third page waits for the next call.
        #expect(first.changes.listedOccurrences.map(\.instanceID) == ["o02", "o09"])
        #expect(first.changes.upserts.map(\.id) == ["seriesMasterId"])
        #expect(first.next == .page("https://graph.microsoft.com/v1.0/@odata.nextLink"))
        #expect(transport.requests.map(\.method) == [.GET, .GET, .POST])

        let second = try await provider.changes(
            calendarID: "cal", cursor: first.next, window: GraphProviderTests.window,
            logger: GraphProviderTests.logger)
        #expect(second.changes.listedOccurrences.map(\.instanceID) == ["o16"])
        #expect(second.changes.upserts.isEmpty)
        #expect(second.next == .delta("https://graph.microsoft.com/v1.0/@odata.deltaLink"))
        #expect(transport.requests.count == 4)
    }

    /// Graph may send pages with nothing on them: however light, at most `pagesPerStorePage`
    /// are merged, so a long chain of them still commits its progress.
    @Test func lightPagesAreMergedOnlyUpToThePageLimit() async throws {
        let transport = ScriptedTransport(
            (0..<3).map { _ in GraphProviderTests.ok(json: Self.page("@odata.nextLink", [])) })
        let provider = GraphProviderTests.provider(transport, pagesPerStorePage: 2)
        let first = try await provider.changes(
            calendarID: "cal", cursor: .initial, window: GraphProviderTests.window, logger: GraphProviderTests.logger)
        #expect(transport.requests.count == 2)
        #expect(first.changes.listedOccurrences.isEmpty && first.changes.upserts.isEmpty)
        #expect(first.next == .page("https://graph.microsoft.com/v1.0/@odata.nextLink"))
    }

    @Test func whatALaterPageSaysOfAnIdReplacesWhatEarlierPagesSaid() throws {
        var merged = GraphMergedPages(
            try Self.decoded([
                Self.stub("o02"), Self.stub("o09"), Self.single("s1", subject: "first"), Self.removed("o16"),
            ]),
            next: .page("p2"))
        #expect(merged.weight == 2 + 2 * GraphMergedPages.eventWeight)
        merged.append(
            try Self.decoded([
                Self.removed("o02"), Self.single("s1", subject: "second"), Self.stub("o16"), Self.removed("gone"),
            ]),
            next: .delta("d"))
        #expect(merged.stubs.map(\.id) == ["o09", "o16"])
        #expect(
            merged.namedSeries.ids == ["seriesMasterId"] && merged.namedSeries.changeKeys == ["m1"])
        #expect(merged.changes.deletions == ["o02", "gone"])
        #expect(merged.changes.upserts.map(\.summary) == ["second"])
        #expect(merged.next == .delta("d"))
        #expect(merged.pages == 2)
        // The series were named afresh: the provider weighs their masters again from the first.
        #expect(merged.seriesResets == 1)
    }

    @Test func pagesThatNameDifferentIdsAreMergedAsTheyCame() throws {
        var merged = GraphMergedPages(
            try Self.decoded([Self.stub("o02"), Self.single("s1", subject: "one")]), next: .page("p2"))
        merged.append(
            try Self.decoded([Self.stub("o09"), Self.single("s2", subject: "two"), Self.removed("o30")]),
            next: .page("p3"))
        #expect(merged.stubs.map(\.id) == ["o02", "o09"])
        #expect(merged.changes.upserts.map(\.id) == ["s1", "s2"])
        #expect(merged.changes.deletions == ["o30"])
        #expect(merged.weight == 2 + 3 * GraphMergedPages.eventWeight)
        #expect(merged.seriesResets == 0)
    }
}
