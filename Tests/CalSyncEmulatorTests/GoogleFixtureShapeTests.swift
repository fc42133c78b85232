import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Testing

@testable import CalSyncGoogle
@testable import CalSyncModel

/// The emulator answers in the recorded responses' shapes: the key names and formats of
/// `Tests/CalSyncCoreTests/Fixtures/google`, read by calsync's decoder (written from those
/// fixtures) without one item lost or quarantined.
struct GoogleFixtureShapeTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../CalSyncCoreTests/Fixtures/google").standardized

    /// Documented Google fields the recordings happen not to contain (no recorded
    /// all-day event, no location, no multi-page listing).
    static let documentedButNotRecorded: Set<String> = [
        "location", "transparency", "start.date", "end.date", "originalStartTime.date", "nextPageToken",
    ]

    static func keyPaths(_ value: JSONValue, prefix: String = "", into paths: inout Set<String>) {
        switch value {
        case .object(let members):
            for (key, member) in members {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                paths.insert(path)
                keyPaths(member, prefix: path, into: &paths)
            }
        case .array(let elements):
            for element in elements { keyPaths(element, prefix: prefix + "[]", into: &paths) }
        default: break
        }
    }

    /// Key paths of the recorded event items and page envelopes.
    static func recordedPaths() throws -> (items: Set<String>, envelope: Set<String>) {
        var items = Set<String>()
        var envelope = Set<String>()
        let names = try FileManager.default.contentsOfDirectory(atPath: fixtures.path)
        for name in names where name.hasPrefix("events-") && name.hasSuffix(".json") {
            let document = try JSONValue.parse(try Data(contentsOf: fixtures.appendingPathComponent(name)))
            let list = document.arrayValue ?? document.items
            for item in list { keyPaths(item, into: &items) }
            if case .object(let members) = document { envelope.formUnion(members.map(\.0)) }
        }
        return (items, envelope)
    }

    @Test func generatedPagesUseOnlyRecordedOrDocumentedFieldsAndDecodeWithoutLoss() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        try await harness.state.addGoogleCalendar(id: "team@example.com", timeZone: "America/Chicago")
        try await harness.state.generateGoogleEvents(calendarID: "team@example.com", count: 2000, seed: 11)
        try await harness.state.deleteGoogleEvent(
            calendarID: "team@example.com",
            eventID: try #require(
                try await harness.state.googleEvents(calendarID: "team@example.com").first?.string("id")))
        let token = await harness.state.issueTokens(provider: .google).accessToken
        let (recordedItems, recordedEnvelope) = try Self.recordedPaths()

        var pageToken: String?
        var seen = 0
        repeat {
            var url = "/calendar/v3/calendars/team%40example.com/events?maxResults=700&showDeleted=true"
            if let pageToken { url += "&pageToken=" + EmulatorHarness.formEncode(pageToken) }
            let response = try await harness.send(.GET, url, token: token)
            let page = try harness.json(response)
            if case .object(let members) = page {
                let unknown = Set(members.map(\.0)).subtracting(recordedEnvelope).subtracting(
                    Self.documentedButNotRecorded)
                #expect(unknown.isEmpty, "envelope keys not in any recording: \(unknown)")
            }
            var paths = Set<String>()
            for item in page.items { Self.keyPaths(item, into: &paths) }
            let unknown = paths.subtracting(recordedItems).subtracting(Self.documentedButNotRecorded)
            #expect(unknown.isEmpty, "event keys not in any recording: \(unknown.sorted())")
            for item in page.items where item.string("status") != "cancelled" {
                #expect(item.string("updated")?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
                #expect(item.string("etag")?.wholeMatch(of: /"\d+"/) != nil)
                if let dateTime = item["start"]?.string("dateTime") {
                    #expect(dateTime.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)/) != nil)
                }
            }

            // calsync's own decoder, written from the fixtures, reads every item.
            let (envelope, changes) = try GoogleMapping.page(Array(response.body))
            #expect(changes.quarantined.isEmpty)
            #expect(changes.upserts.count + changes.deletions.count == page.items.count)
            #expect(changes.calendarTimeZone == "America/Chicago")
            seen += page.items.count
            pageToken = envelope.nextPageToken
        } while pageToken != nil
        #expect(seen == 2000)
    }

    @Test func errorBodiesHaveTheRecordedShape() async throws {
        let harness = try await EmulatorHarness.start()
        defer { Task { await harness.stop() } }
        let recorded = try JSONValue.parse(
            try Data(contentsOf: Self.fixtures.appendingPathComponent("error-410-fullSyncRequired-recorded.json")))
        try await harness.state.expireGoogleSyncTokens()
        let token = await harness.state.issueTokens(provider: .google).accessToken
        let first = try harness.json(
            try await harness.send(.GET, "/calendar/v3/users/me/calendarList", token: token))
        #expect(first.items.first?.string("id") == "user@example.com")
        #expect(first.items.first?["primary"] == true)
        let syncToken = EmulatorHarness.formEncode(try #require(first.string("nextSyncToken")))
        try await harness.state.expireGoogleSyncTokens()
        let gone = try await harness.send(
            .GET, "/calendar/v3/users/me/calendarList?syncToken=\(syncToken)", token: token)
        #expect(gone.status == 410)
        #expect(try harness.json(gone) == recorded)
    }
}
