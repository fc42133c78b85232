import Foundation
import Testing

@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel

/// `write = true|false` per account (docs/configuration.md): read-only by default, the
/// kind's write scopes when set, refused for API-key accounts, shown by check-config.
struct WriteConfigurationTests {
    static func report(_ text: String) throws -> [String] {
        try ConfigurationTests.parse(text).checkReport(environment: ["GOOGLE_SECRET": "s"])
    }

    @Test func accountsAreReadOnlyUnlessWriteIsTrue() throws {
        let plain = try #require(try ConfigurationTests.parse(ConfigurationTests.google).accounts.first)
        #expect(plain.write == false)
        #expect(plain.scopes == GoogleKind().scopes)
        #expect(try Self.report(ConfigurationTests.google).contains("  write:         no (read-only)"))

        let writing = try #require(
            try ConfigurationTests.parse(ConfigurationTests.google + "write = true\n").accounts.first)
        #expect(writing.write)
        #expect(writing.scopes == GoogleKind().writeScopes)
        #expect(
            try Self.report(ConfigurationTests.google + "write = true\n").contains {
                $0.hasPrefix("  write:         yes")
            })

        let microsoft = try #require(
            try ConfigurationTests.parse(
                """
                [[account]]
                name = "office"
                provider = "microsoft"
                client_id = "app"
                write = true

                """
            ).accounts.first)
        #expect(microsoft.scopes == GraphKind().writeScopes)
    }

    @Test func anAPIKeyAccountCannotWriteAndWriteMustBeABoolean() {
        let apiKey = ConfigurationTests.problems(
            """
            [[account]]
            name = "holidays"
            provider = "google"
            api_key_env = "K"
            calendars = ["en.usa#holiday@group.v.calendar.google.com"]
            write = true

            """)
        #expect(apiKey.contains(#"account "holidays": write = true needs a signed-in account"#))
        #expect(ConfigurationTests.problems(ConfigurationTests.google + "write = \"yes\"\n").contains("true or false"))
    }
}
