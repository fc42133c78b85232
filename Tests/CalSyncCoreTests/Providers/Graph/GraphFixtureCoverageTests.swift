import Foundation
import Testing

/// A Graph fixture added to the folder without a test that reads it fails here, so
/// recorded provider behaviour cannot be silently ignored.
struct GraphFixtureCoverageTests {
    /// Read by the sign-in tests: OAuthClientTests (token endpoint answers) and
    /// SignInFlowTests (device-code flow).
    static let coveredBySignInTests: Set<String> = [
        "token-refresh-success", "token-error-invalid-grant-aadsts70008", "token-error-invalid-scope",
        "devicecode-authorization-response", "devicecode-token-error-authorization-pending",
        "token-device-code-success", "devicecode-token-error-expired-token",
    ]

    static let covered = GraphFixtureDecodingTests.coveredFixtures.union(GraphErrorMappingTests.coveredFixtures)
        .union(GraphTimeZoneTests.coveredFixtures).union(coveredBySignInTests)

    @Test func everyGraphFixtureIsCoveredByATest() throws {
        let present = Set(try Fixtures.names("graph"))
        #expect(!present.isEmpty)
        let uncovered = present.subtracting(Self.covered).sorted()
        #expect(uncovered.isEmpty, "Graph fixtures no test reads: \(uncovered)")
        let missing = Self.covered.subtracting(present).sorted()
        #expect(missing.isEmpty, "covered fixtures that no longer exist: \(missing)")
    }

    @Test func everyGraphFixtureNamesItsOrigin() throws {
        for name in try Fixtures.names("graph") {
            let origin = Fixtures.directory.appendingPathComponent("graph").appendingPathComponent(name + ".src.txt")
            let text = try String(contentsOf: origin, encoding: .utf8)
            #expect(!text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(name).src.txt is empty")
        }
    }
}
