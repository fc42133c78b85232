import Foundation
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncRecurrence
@testable import CalSyncStore

/// Issue 16: every parser of a number that comes from outside (a provider, a proxy, the
/// configuration file, the token file) is fed extreme values and must neither trap nor
/// return something unusable: a value in its documented range, or nil/an error.
struct ExternalNumbersTests {
    /// Extreme texts: zero, negatives, huge, non-finite, the edges of Int64/UInt64, a very
    /// long digit string, empty, and forms a lax parser might take.
    static let extremes: [String] = [
        "0", "-0", "-1", "1", "0.0001", "1e-300", "1e300", "-1e300", "1e309", "NaN", "nan", "inf", "-inf", "Infinity",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551615",
        "18446744073709551616", "31536000", String(repeating: "9", count: 400), "", " ", "0x10", "1_000", "+5", "5 ",
        "1.5e3", "12abc",
    ]

    // MARK: Retry-After

    @Test(arguments: extremes)
    func retryAfterSecondsAreNeverBeyondTheMaximum(text: String) {
        guard let delay = RetryAfter.parse(text, now: Date()) else { return }
        #expect(delay >= .zero)
        #expect(delay <= RetryAfter.maximum)
    }

    @Test func aHugeRetryAfterIsTheMaximumNotATrap() {
        #expect(RetryAfter.parse("1e300", now: Date()) == .seconds(300))
        #expect(RetryAfter.parse("31536000", now: Date()) == .seconds(300))
        #expect(RetryAfter.parse("9223372036854775808", now: Date()) == .seconds(300))
        #expect(RetryAfter.parse("-5", now: Date()) == .zero)
        #expect(RetryAfter.parse("2.128", now: Date()) == .milliseconds(2128))
        #expect(RetryAfter.parse("inf", now: Date()) == nil)
        #expect(RetryAfter.parse("nan", now: Date()) == nil)
    }

    @Test(arguments: [
        ("Fri, 31 Dec 9999 23:59:59 GMT", Duration.seconds(300)),
        ("Thu, 01 Jan 1970 00:00:00 GMT", .zero),
        ("Sunday, 06-Nov-94 08:49:37 GMT", .zero),
        ("Wed, 21 Oct 2026 07:28:30 GMT", .seconds(30)),
    ])
    func retryAfterDatesAreClampedToo(text: String, expected: Duration) {
        let now = Timestamp.parse("2026-10-21T07:28:00Z")!
        #expect(RetryAfter.parse(text, now: now) == expected)
    }

    // MARK: expires_in

    @Test(arguments: extremes)
    func tokenLifetimesAreAtMostADay(text: String) throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let json = #"{"access_token":"a","expires_in":\#(text.isEmpty ? "null" : text)}"#
        // Texts that are not JSON numbers are a decoding error, which is fine.
        guard let wire = try? JSONDecoder().decode(TokenGrant.Wire.self, from: Data(json.utf8)) else { return }
        let grant = TokenGrant(wire: wire, now: now)
        #expect(grant.expiresAt >= Date(timeIntervalSince1970: 0))
        #expect(grant.expiresAt <= now.addingTimeInterval(86_400))
        // Showing it must not trap (`calsyncctl status`, the log line of a grant).
        _ = grant.description
    }

    @Test func aTokenFileWithAnAbsurdExpiryReadsAsADayAtMost() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("calsync-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tokens").path
        let file =
            #"{"work":{"refresh_token":"r","access_token":"a","access_token_expires_at":1e300},"#
            + #""old":{"refresh_token":"r","access_token_expires_at":-1e300}}"#
        try Data(file.utf8).write(to: URL(fileURLWithPath: path))
        let store = TokenStore(path: path)
        let expiry = try #require(try store.tokens(for: "work")?.accessTokenExpiresAt)
        #expect(expiry <= Date().addingTimeInterval(86_400))
        #expect(try store.tokens(for: "old")?.accessTokenExpiresAt == Date(timeIntervalSince1970: 0))
        // What `calsyncctl status` then does with it.
        let report = StatusReport(
            generatedAt: Date(), store: "/s", daemon: .init(running: false, pid: nil),
            accounts: [
                .init(
                    id: "work", provider: "microsoft", auth: "oauth", email: nil, state: "ok", stateDetail: nil,
                    tokenExpiresAt: expiry, intervalSeconds: Int.max, calendars: [])
            ])
        #expect(report.text().contains("access token expires"))
        #expect(report.json().contains("token_expires_at"))
    }

    // MARK: Durations in the configuration

    @Test(arguments: extremes)
    func durationsParseToNilOrAnInt64(text: String) {
        for unit in ["s", "m", "h", "d"] {
            for form in [text + unit, text + unit + "23h", "1d" + text + unit, text] {
                if let duration = ConfigDuration.parse(form) {
                    #expect(duration >= .zero)
                    _ = ConfigDuration.format(duration)
                }
            }
        }
    }

    @Test(arguments: ["interval", "window_past", "window_future", "window_slide", "changes_retention"])
    func everyConfiguredDurationIsRefusedOrWithinItsRange(key: String) {
        for text in Self.extremes {
            for unit in ["s", "d", ""] {
                let toml = "[sync]\n\(key) = \"\(text)\(unit)\"\n"
                do {
                    let sync = try ConfigurationTests.parse(toml).sync
                    let value =
                        switch key {
                        case "interval": sync.interval
                        case "window_past": sync.windowPast
                        case "window_future": sync.windowFuture
                        case "window_slide": sync.windowSlide
                        default: sync.changesRetention
                        }
                    #expect(value >= .zero && value <= .seconds(3_650 * 86_400), "\(toml)")
                } catch let error as CalSyncError {
                    #expect(error.code == .config)
                    #expect(error.message.contains(":2: [sync]: \(key) "), "\(error.message)")
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }
    }

    /// Numbers written bare in TOML (max_delete_ratio, counts, and a port in a URL).
    @Test(arguments: [
        "max_delete_ratio", "max_concurrent_syncs", "max_instances_per_series",
    ])
    func everyConfiguredNumberIsRefusedWithItsKeyOrWithinItsRange(key: String) {
        for text in Self.extremes where !text.trimmingCharacters(in: .whitespaces).isEmpty {
            let toml = "[sync]\n\(key) = \(text)\n"
            do {
                let sync = try ConfigurationTests.parse(toml).sync
                #expect(sync.maxDeleteRatio > 0 && sync.maxDeleteRatio <= 1, "\(toml)")
                #expect((1...64).contains(sync.maxConcurrentSyncs), "\(toml)")
                #expect((1...1_000_000).contains(sync.maxInstancesPerSeries), "\(toml)")
            } catch let error as CalSyncError {
                #expect(error.code == .config)
                // Values TOML cannot read are its syntax error (with the line); others name the key.
                #expect(
                    error.message.contains(":2: [sync]: \(key) ")
                        || error.message.contains(":2: the file is not valid TOML"),
                    "\(error.message)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func portsInEndpointURLsAreAcceptedOrRefusedNeverATrap() {
        for text in Self.extremes {
            let toml = """
                [[account]]
                name = "work"
                provider = "microsoft"
                client_id = "c"
                max_concurrent_requests = \(Int(text) ?? 2)
                graph_url = "https://127.0.0.1:\(text)"
                """
            do {
                let account = try #require(try ConfigurationTests.parse(toml).accounts.first)
                #expect((1...4).contains(try #require(account.settings as? GraphSettings).maxConcurrentRequests))
            } catch let error as CalSyncError {
                #expect(error.code == .config)
                #expect(error.message.contains("account \"work\": "), "\(error.message)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    // MARK: Numbers in provider answers

    /// Graph's recurrence numbers (`interval`, `numberOfOccurrences`, `month`,
    /// `dayOfMonth`) at their extremes: readable lines or "unreadable", and expanding them
    /// stops at the cap.
    @Test(arguments: ["0", "-1", "1", "2147483648", "9223372036854775807", "-9223372036854775808"])
    func graphRecurrenceNumbersExpandWithoutTrapping(number: String) throws {
        let json = #"""
            {"pattern":{"type":"daily","interval":\#(number),"month":\#(number),"dayOfMonth":\#(number),
                        "firstDayOfWeek":"sunday","index":"first"},
             "range":{"type":"numbered","startDate":"2026-03-02","numberOfOccurrences":\#(number),
                      "recurrenceTimeZone":"UTC"}}
            """#
        let recurrence = try JSONDecoder().decode(GraphWire.Recurrence.self, from: Data(json.utf8))
        for type in ["daily", "weekly", "absoluteMonthly", "absoluteYearly"] {
            var variant = recurrence
            variant.pattern?.type = type
            if type == "weekly" { variant.pattern?.daysOfWeek = ["monday"] }
            guard case .success(let lines) = GraphRecurrence.lines(variant, allDay: false) else { continue }
            let master = RecurrenceLimitsTests.series(lines: lines)
            let expansion = try? RecurrenceExpander().occurrences(
                of: master, exceptions: [], window: RecurrenceLimitsTests.window, calendarTimeZone: nil)
            #expect((expansion?.occurrences.chronological.count ?? 0) <= 10_000)
        }
    }
}
