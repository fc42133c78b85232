import Foundation
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncProviders
@testable import CalSyncRecurrence
@testable import CalSyncStore

/// Issue 16: durations within documented ranges, every problem naming its key, section and
/// line, and endpoints over https except to loopback addresses (docs/configuration.md).
struct ConfigurationLimitsTests {
    static func problems(_ text: String) -> String { ConfigurationTests.problems(text) }

    static let microsoft = """
        [[account]]
        name = "work"
        provider = "microsoft"
        client_id = "app"

        """

    // MARK: Durations

    @Test(arguments: [
        ("interval = \"106751991167300d23h\"", ":2: [sync]: interval \"106751991167300d23h\" is not a duration"),
        ("interval = \"100000000000000d\"", ":2: [sync]: interval \"100000000000000d\" is too long (at most 30d)"),
        ("interval = \"31d\"", ":2: [sync]: interval \"31d\" is too long (at most 30d)"),
        ("window_past = \"3651d\"", ":2: [sync]: window_past \"3651d\" is too long (at most 3650d)"),
        ("window_future = \"9999999d\"", ":2: [sync]: window_future \"9999999d\" is too long (at most 3650d)"),
        ("window_slide = \"4000d\"", ":2: [sync]: window_slide \"4000d\" is too long (at most 3650d)"),
        ("changes_retention = \"5000d\"", ":2: [sync]: changes_retention \"5000d\" is too long (at most 3650d)"),
        (
            "interval = \"" + String(repeating: "9", count: 40) + "s\"",
            ":2: [sync]: interval \"" + String(repeating: "9", count: 40) + "s\" is not a duration"
        ),
    ])
    func durationsOutOfRangeAreRefusedNamingTheKey(line: String, expected: String) {
        let message = Self.problems("[sync]\n" + line + "\n")
        #expect(message.contains(expected), "\(message)")
    }

    @Test func theLongestDurationsAllowedAreAccepted() throws {
        let configuration = try ConfigurationTests.parse(
            """
            [sync]
            interval = "30d"
            window_past = "3650d"
            window_future = "3650d"
            window_slide = "3650d"
            changes_retention = "3650d"
            """)
        #expect(configuration.sync.interval == .seconds(30 * 86_400))
        #expect(configuration.sync.windowFuture == .seconds(3_650 * 86_400))
    }

    @Test func anAccountIntervalOutOfRangeNamesTheAccount() {
        let message = Self.problems(Self.microsoft + "interval = \"100000000000000d\"\n")
        #expect(message.contains(":5: account \"work\": interval \"100000000000000d\" is too long (at most 30d)"))
    }

    @Test func overflowingSumsAreNotDurations() {
        // 106751991167300 days fit in Int64 seconds; adding 23 h overflowed and trapped.
        #expect(ConfigDuration.parse("106751991167300d23h") == nil)
        #expect(ConfigDuration.parse("106751991167300d") != nil)
    }

    // MARK: Keys, sections, lines

    @Test(arguments: [
        ("[sync]\nmax_delete_ratio = 1.5\n", ":2: [sync]: max_delete_ratio 1.5 is not a share"),
        ("[sync]\nmax_delete_ratio = nan\n", ":2: [sync]: max_delete_ratio nan is not a share"),
        ("[sync]\nmax_delete_ratio = inf\n", ":2: [sync]: max_delete_ratio inf is not a share"),
        ("[sync]\nmax_delete_ratio = \"half\"\n", ":2: [sync]: max_delete_ratio \"half\" is not a share"),
        ("[sync]\nmax_concurrent_syncs = 0\n", ":2: [sync]: max_concurrent_syncs 0 is not allowed"),
        (
            "[sync]\nmax_instances_per_series = 9223372036854775807\n",
            ":2: [sync]: max_instances_per_series 9223372036854775807 is not allowed"
        ),
        ("[store]\npath = 5\n", ":2: [store]: path 5 is not a string"),
        ("\n[[account]]\nname = \"Work\"\n", ":3: account \"Work\": name \"Work\" is not valid"),
        ("[[account]]\nname = \"w\"\nprovider = \"yahoo\"\n", ":3: account \"w\": provider \"yahoo\" is not known"),
        (
            "[[account]]\nname = \"w\"\nprovider = \"google\"\napi_key_env = \"K\"\ncalendars = [\"c\"]\nclient_secret_credential = \"s\"\n",
            ":6: account \"w\": client_secret_credential does not apply: an API-key account uses no client secret"
        ),
        (
            "[[account]]\nname = \"w\"\nprovider = \"google\"\nauth = \"oauth\"\nclient_id = \"c\"\nclient_secret_env = \"S\"\napi_key_file = \"/k\"\n",
            ":7: account \"w\": api_key_file does not apply: an OAuth account uses no API key"
        ),
        (
            // Google's key, so a Google account: a Microsoft account is told only that it does not apply.
            "[[account]]\nname = \"w\"\nprovider = \"google\"\nevent_types = []\nclient_id = \"c\"\nclient_secret_env = \"S\"\n",
            ":4: account \"w\": event_types is empty"
        ),
    ])
    func everyProblemNamesItsKeySectionAndLine(text: String, expected: String) {
        let message = Self.problems(text)
        #expect(message.contains("/etc/calsync/calsync.toml" + expected), "\(message)")
    }

    // MARK: https

    @Test(arguments: ["graph_url", "login_url"])
    func microsoftEndpointsOverPlainHTTPToAnotherHostAreRefused(key: String) {
        let message = Self.problems(Self.microsoft + "\(key) = \"http://graph.example.com\"\n")
        #expect(
            message.contains(
                ":5: account \"work\": \(key) \"http://graph.example.com\" must use https (http only to loopback addresses: 127.0.0.0/8, ::1, localhost)"
            ), "\(message)")
    }

    @Test(arguments: ["api_url", "token_url", "authorize_url", "revoke_url", "auth_url", "refresh_url"])
    func googleEndpointsOverPlainHTTPToAnotherHostAreRefused(key: String) {
        let refresh = key == "refresh_url" ? "http://10.0.0.5/x" : "https://tokens.example.com/refresh"
        let extra = key == "refresh_url" ? "" : "\(key) = \"http://10.0.0.5/x\""
        let message = Self.problems(
            """
            [[account]]
            name = "org"
            provider = "google"
            auth = "server"
            client_id = "c"
            refresh_url = "\(refresh)"
            \(extra)
            """)
        #expect(message.contains("account \"org\": \(key) \"http://10.0.0.5/x\" must use https"), "\(message)")
        #expect(message.contains(key == "refresh_url" ? "calsync.toml:6:" : "calsync.toml:7:"), "\(message)")
    }

    @Test(arguments: [
        "http://127.0.0.1:8080", "http://127.1.2.3:9", "http://localhost:8080", "http://LOCALHOST", "http://[::1]:8080",
        "https://graph.example.com", "HTTPS://graph.example.com",
    ])
    func httpsOrLoopbackIsAccepted(url: String) throws {
        let configuration = try ConfigurationTests.parse(Self.microsoft + "graph_url = \"\(url)\"\n")
        #expect(configuration.accounts.count == 1)
    }

    @Test(arguments: [
        "http://127.0.0.1.example.com", "http://localhost.example.com", "http://128.0.0.1", "http://0.0.0.0",
        "http://[::2]", "http://127.0.0.256", "http://example.com",
    ])
    func lookalikesOfLoopbackAreNotLoopback(url: String) {
        #expect(Self.problems(Self.microsoft + "graph_url = \"\(url)\"\n").contains("must use https"))
    }
}
