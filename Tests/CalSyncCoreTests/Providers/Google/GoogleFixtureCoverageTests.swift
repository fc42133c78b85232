import Foundation
import Testing

/// A Google fixture added to the folder without a test that reads it fails here, so
/// recorded provider behaviour cannot be silently ignored.
struct GoogleFixtureCoverageTests {
    static let covered =
        GoogleFixtureDecodingTests.coveredFixtures.union(GoogleFixtureApplyTests.coveredFixtures)
        .union(GoogleErrorMappingTests.coveredFixtures)

    @Test func everyGoogleFixtureIsCoveredByATest() throws {
        let present = Set(try Fixtures.names("google"))
        #expect(!present.isEmpty)
        let uncovered = present.subtracting(Self.covered).sorted()
        #expect(uncovered.isEmpty, "Google fixtures no test reads: \(uncovered)")
        // A stale entry would hide a renamed fixture.
        let missing = Self.covered.subtracting(present).sorted()
        #expect(missing.isEmpty, "covered fixtures that no longer exist: \(missing)")
    }

    @Test func everyEventsFixtureIsBothDecodedAndApplied() throws {
        let events = Set(
            try Fixtures.names("google").filter { $0.hasPrefix("events-") || $0.hasPrefix("calendarlist-") })
        #expect(events.subtracting(GoogleFixtureDecodingTests.coveredFixtures).isEmpty)
        #expect(events.subtracting(GoogleFixtureApplyTests.coveredFixtures).isEmpty)
    }

    @Test func everyGoogleFixtureNamesItsOrigin() throws {
        for name in try Fixtures.names("google") {
            let origin = Fixtures.directory.appendingPathComponent("google").appendingPathComponent(name + ".src.txt")
            let text = try String(contentsOf: origin, encoding: .utf8)
            #expect(!text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(name).src.txt is empty")
        }
    }
}
