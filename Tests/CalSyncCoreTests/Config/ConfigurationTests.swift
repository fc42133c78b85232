import Foundation
import Testing

@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncProviders

struct ConfigurationTests {
    static let locator = ConfigurationLocator(
        environment: ["HOME": "/home/ada"], isRoot: false, fileExists: { _ in false })

    static func parse(_ text: String, path: String = "/etc/calsync/calsync.toml") throws -> CalSyncConfiguration {
        var parser = ConfigurationParser(text: text, path: path, locator: locator)
        return try parser.parse()
    }

    /// The `.config` error's message for `text`.
    static func problems(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "no error"
        } catch let error as CalSyncError {
            #expect(error.code == .config)
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    static let google = """
        [[account]]
        name = "work"
        provider = "google"
        client_id = "id.apps.googleusercontent.com"
        client_secret_env = "GOOGLE_SECRET"

        """

    @Test func theShippedExampleIsValid() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("etc/calsync.toml.example")
        let configuration = try CalSyncConfiguration.load(path: example.path, locator: Self.locator)
        #expect(configuration.store.path == "/var/lib/calsync/calsync.db")
        #expect(configuration.store.tokensPath == "/var/lib/calsync/tokens")
        #expect(configuration.sync.interval == .seconds(300))
        #expect(configuration.sync.windowFuture == .seconds(730 * 86_400))
        #expect(configuration.accounts.map(\.name) == ["work", "holidays", "office"])
        let work = try #require(configuration.account(named: "work"))
        #expect(work.auth == .oauth)
        #expect(work.interval == .seconds(120))
        #expect(work.calendars == ["primary", "team@group.calendar.google.com"])
        #expect(work.clientSecret == .file("/etc/calsync/google-client-secret"))
        #expect(try #require(work.settings as? GoogleSettings).eventTypes == GoogleKind.defaultEventTypes)
        let holidays = try #require(configuration.account(named: "holidays"))
        #expect(holidays.auth == .apiKey(.file("/etc/calsync/google-api-key")))
        #expect(holidays.interval == .seconds(86_400))
        let office = try #require(configuration.account(named: "office"))
        #expect(office.provider == "microsoft")
        #expect(try #require(office.settings as? GraphSettings).tenant == "organizations")
        #expect(office.endpoints.token == "https://login.microsoftonline.com/organizations/oauth2/v2.0/token")
        #expect(try #require(office.settings as? GraphSettings).maxConcurrentRequests == 4)
    }

    @Test func anEmptyFileIsAValidConfigurationWithDefaults() throws {
        let configuration = try Self.parse("", path: "/home/ada/.config/calsync/calsync.toml")
        #expect(configuration.accounts.isEmpty)
        #expect(configuration.store.path == "/home/ada/.local/share/calsync/calsync.db")
        #expect(configuration.store.tokensPath == "/home/ada/.local/share/calsync/tokens")
        #expect(configuration.sync.maxDeleteRatio == 1.0)
        // The system's configuration file implies the system's store.
        #expect(try Self.parse("").store.path == "/var/lib/calsync/calsync.db")
    }

    // The cases issue 2 names, each answered with one message naming the key and its line.
    @Test(arguments: [
        (
            "[sync]\nintervall = \"5m\"\n",
            "/etc/calsync/calsync.toml:2: [sync]: unknown key \"intervall\" (did you mean interval?)"
        ),
        (
            google + "interval = \"5 minutes\"\n",
            "/etc/calsync/calsync.toml:6: account \"work\": interval \"5 minutes\" is not a duration (use a number and a unit, like 90s, 5m, 2h or 30d)"
        ),
        (
            google + "\n" + google,
            "/etc/calsync/calsync.toml:8: account \"work\": name \"work\" is used by account #1 too (names must be unique)"
        ),
        (
            "[[account]]\nname = \"work\"\nprovider = \"google\"\nclient_secret_env = \"S\"\n",
            "/etc/calsync/calsync.toml:1: account \"work\": client_id is missing (the OAuth client id from the Google Cloud console)"
        ),
        ("[sync\ninterval = \"5m\"\n", "/etc/calsync/calsync.toml:1: the file is not valid TOML"),
    ])
    func eachProblemIsNamedWithItsLine(text: String, expected: String) {
        #expect(Self.problems(text).hasPrefix(expected))
    }

    @Test func everyProblemIsReportedNotJustTheFirst() {
        let message = Self.problems(
            """
            colour = "blue"
            [sync]
            interval = "0s"
            max_delete_ratio = 2
            [[account]]
            name = "Bad Name"
            provider = "google"
            client_id = "x"
            client_secret_env = "S"
            tenant = "common"
            """)
        let lines = message.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(message.contains(":1: unknown key \"colour\""))
        #expect(message.contains(":3: [sync]: interval \"0s\" is too short (at least 1s)"))
        #expect(message.contains(":4: [sync]: max_delete_ratio 2 is not a share"))
        #expect(message.contains(":6: account \"Bad Name\": name \"Bad Name\" is not valid"))
        #expect(message.contains(":10: account \"Bad Name\": tenant does not apply to google accounts"))
    }

    @Test(arguments: [
        ("provider = \"yahoo\"", "provider \"yahoo\" is not known (use google or microsoft)"),
        (
            "provider = \"microsoft\"\nclient_id = \"a\"\nclient_secret_env = \"S\"",
            "client_secret_env does not apply: Microsoft accounts sign in as a public client"
        ),
        (
            "provider = \"microsoft\"\nclient_id = \"a\"\nmax_concurrent_requests = 9",
            "max_concurrent_requests 9 is not allowed (use a whole number from 1 to 4)"
        ),
        (
            "provider = \"microsoft\"\nclient_id = \"a\"\ntime_zone = \"Mars/Olympus\"",
            "time_zone \"Mars/Olympus\" is not a time zone"
        ),
        (
            "provider = \"microsoft\"\nclient_id = \"a\"\ngraph_url = \"ftp://x\"",
            "graph_url \"ftp://x\" is not an http(s) URL"
        ),
        ("provider = \"microsoft\"\nclient_id = \"a\"\ncalendars = \"Team\"", "calendars must be a list of strings"),
        ("provider = \"microsoft\"", "client_id is missing (the application id of your Entra app registration)"),
        ("provider = \"google\"\nclient_id = \"a\"", "client_secret_file is missing"),
        ("provider = \"google\"\nauth = \"server\"\nclient_id = \"a\"", "auth = \"server\" needs refresh_url"),
        ("provider = \"google\"\nauth = \"magic\"", "auth \"magic\" is not an auth mode"),
        (
            "provider = \"google\"\nclient_id = \"a\"\nclient_secret_env = \"S\"\nclient_secret_file = \"/f\"",
            "give only one of client_secret_file, client_secret_env and client_secret_credential"
        ),
        (
            "provider = \"google\"\napi_key_env = \"K\"\nclient_secret_env = \"S\"",
            "client_secret_env does not apply: an API-key account uses no client secret"
        ),
        (
            "provider = \"google\"\napi_key_env = \"K\"",
            "calendars is missing: an API-key account needs its public calendar ids"
        ),
        (
            "provider = \"google\"\nclient_id = \"a\"\nclient_secret_env = \"S\"\nenabled = \"no\"",
            "enabled \"no\" is not true or false"
        ),
        ("provider = \"google\"\nclient_id = 5", "client_id 5 is not a string"),
    ])
    func accountProblems(body: String, expected: String) {
        let message = Self.problems("[[account]]\nname = \"a\"\n" + body + "\n")
        #expect(message.contains(expected), "\(message)")
        // Every problem names its file, line and section.
        for line in message.split(separator: "\n") {
            #expect(line.wholeMatch(of: /\/etc\/calsync\/calsync\.toml:[0-9]+: account "a": .+/) != nil, "\(line)")
        }
    }

    @Test func serverModeAndAPIKeyAccounts() throws {
        let configuration = try Self.parse(
            """
            [[account]]
            name = "org"
            provider = "google"
            auth = "server"
            client_id = "cid"
            refresh_url = "https://example.org/refresh/"
            api_url = "http://127.0.0.1:8080/calendar/v3"

            [[account]]
            name = "public"
            provider = "google"
            api_key_credential = "google-key"
            calendars = ["en.usa#holiday@group.v.calendar.google.com"]
            """)
        #expect(configuration.accounts[0].auth == .server(authURL: nil, refreshURL: "https://example.org/refresh"))
        #expect(configuration.accounts[0].endpoints.api == "http://127.0.0.1:8080/calendar/v3")
        #expect(configuration.accounts[1].auth == .apiKey(.credential("google-key")))
        #expect(configuration.accounts[1].clientID == nil)
    }

    @Test func relativePathsAreResolvedAgainstTheConfigurationsDirectory() throws {
        let configuration = try Self.parse(
            "[store]\npath = \"data/calsync.db\"\n"
                + Self.google.replacingOccurrences(
                    of: "client_secret_env = \"GOOGLE_SECRET\"", with: "client_secret_file = \"secret\""))
        #expect(configuration.store.path == "/etc/calsync/data/calsync.db")
        #expect(configuration.store.tokensPath == "/etc/calsync/data/tokens")
        #expect(configuration.accounts[0].clientSecret == .file("/etc/calsync/secret"))
    }

    @Test func aMissingFileSaysWhatToDo() {
        let error = #expect(throws: CalSyncError.self) {
            try CalSyncConfiguration.load(path: "/nonexistent/calsync.toml", locator: Self.locator)
        }
        #expect(error?.code == .config)
        #expect(error?.message.contains("does not exist") == true)
    }

    @Test func checkReportShowsSourcesButNeverSecrets() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("calsync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let secretPath = directory.appendingPathComponent("secret").path
        try "GOCSPX-super-secret-value\n".write(toFile: secretPath, atomically: true, encoding: .utf8)
        let configuration = try Self.parse(
            Self.google.replacingOccurrences(
                of: "client_secret_env = \"GOOGLE_SECRET\"", with: "client_secret_file = \"\(secretPath)\""))
        let report = configuration.checkReport(environment: [:]).joined(separator: "\n")
        #expect(report.contains("account work: google, oauth"))
        #expect(report.contains("client secret: from file \(secretPath)"))
        #expect(report.contains("every calendar the account lists"))
        #expect(!report.contains("super-secret"))
        #expect(!report.contains("warning"))

        let missing = try Self.parse(Self.google).checkReport(environment: [:]).joined(separator: "\n")
        #expect(
            missing.contains(
                "environment variable GOOGLE_SECRET (warning: the environment variable GOOGLE_SECRET is not set)"))
    }
}
