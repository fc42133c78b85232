import Foundation
import Testing

@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncStore

struct StatusReportTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func calendar(
        _ id: String, lastSuccess: TimeInterval? = -60, failures: Int = 0, held: Bool = false,
        lastError: String? = nil
    ) -> StatusReport.Calendar {
        StatusReport.Calendar(
            id: id, name: id.capitalized, lastSuccess: lastSuccess.map { now.addingTimeInterval($0) },
            lastAttempt: now.addingTimeInterval(-60), lastFullSync: nil, nextRun: now.addingTimeInterval(240),
            lastError: lastError, consecutiveFailures: failures, eventsCount: 12, occurrencesCount: 30,
            quarantinedCount: 0, deletionHeld: held)
    }

    static func account(_ state: String = "ok", _ calendars: [StatusReport.Calendar]) -> StatusReport.Account {
        StatusReport.Account(
            id: "work", provider: "google", auth: "oauth", email: nil, state: state, stateDetail: nil,
            tokenExpiresAt: nil, intervalSeconds: 300, calendars: calendars)
    }

    @Test func healthyWhenEverythingSyncedRecently() {
        let report = StatusReport(
            generatedAt: Self.now, store: "/s.db", daemon: .init(running: true, pid: 42),
            accounts: [Self.account("ok", [Self.calendar("a")])])
        #expect(report.healthy)
    }

    @Test(arguments: [
        (calendar: calendar("a", failures: 3), problem: "3 consecutive failures"),
        (calendar: calendar("a", lastSuccess: -901), problem: "last success is older than 3 poll intervals"),
        (calendar: calendar("a", lastSuccess: nil), problem: nil),
        (calendar: calendar("a", held: true), problem: "a full re-sync deletion is held back by the safety valve"),
        (calendar: calendar("a", lastSuccess: -899, failures: 2), problem: nil),
    ])
    func judgesEachCalendar(calendar: StatusReport.Calendar, problem: String?) {
        let report = StatusReport(
            generatedAt: Self.now, store: "/s.db", daemon: .init(running: false, pid: nil),
            accounts: [Self.account("ok", [calendar])])
        #expect(report.accounts[0].calendars[0].problem == problem)
        #expect(report.healthy == (problem == nil))
    }

    @Test func anAccountThatNeedsLoginIsUnhealthy() {
        let report = StatusReport(
            generatedAt: Self.now, store: "/s.db", daemon: .init(running: true, pid: 1),
            accounts: [Self.account("needs_login", [Self.calendar("a")])])
        #expect(!report.healthy)
        #expect(!report.accounts[0].healthy)
        #expect(report.accounts[0].calendars[0].healthy)
    }

    @Test func jsonHasEveryDocumentedKeyWithNullForUnknown() throws {
        let report = StatusReport(
            generatedAt: Self.now, store: "/s.db", daemon: .init(running: false, pid: nil),
            accounts: [Self.account("ok", [Self.calendar("a")])])
        let object = try #require(JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(object["healthy"] as? Bool == true)
        let daemon = try #require(object["daemon"] as? [String: Any])
        #expect(daemon["running"] as? Bool == false)
        #expect(daemon["pid"] is NSNull)
        let account = try #require((object["accounts"] as? [[String: Any]])?.first)
        for key in ["id", "provider", "state", "state_detail", "calendars"] { #expect(account[key] != nil, "\(key)") }
        let calendar = try #require((account["calendars"] as? [[String: Any]])?.first)
        for key in [
            "id", "name", "healthy", "last_success", "last_attempt", "next_run", "last_error", "consecutive_failures",
            "events_count",
        ] {
            #expect(calendar[key] != nil, "\(key)")
        }
        #expect(calendar["last_success"] as? String == "2027-01-15T07:59:00Z")
        #expect(calendar["last_error"] is NSNull)
    }

    @Test func textNamesTheProblemAndWhatToDo() {
        var account = Self.account(
            "needs_login", [Self.calendar("team", failures: 4, lastError: "HTTP 500 backendError")])
        account.stateDetail = "Google refused the refresh token. Run: calsyncctl login work"
        let text = StatusReport(
            generatedAt: Self.now, store: "/var/lib/calsync/calsync.db", daemon: .init(running: true, pid: 7),
            accounts: [account]
        ).text(timeZone: TimeZone(identifier: "UTC")!)
        #expect(text.contains("calsyncd: running (pid 7)"))
        #expect(text.contains("work (google, oauth): needs_login"))
        #expect(text.contains("Run: calsyncctl login work"))
        #expect(text.contains("! Team"))
        #expect(text.contains("4 consecutive failures"))
        #expect(text.contains("last error: HTTP 500 backendError"))
        #expect(text.contains("Some calendars need attention"))
    }

    @Test func textSaysPlainlyWhenThereIsNoData() {
        let text = StatusReport(
            generatedAt: Self.now, store: "/s.db", daemon: .init(running: false, pid: nil), accounts: []
        ).text()
        #expect(text.contains("calsyncd: not running"))
        #expect(text.contains("No accounts yet"))
    }

    @Test func relativeTimes() {
        let utc = TimeZone(identifier: "UTC")!
        #expect(
            StatusReport.describe(Self.now.addingTimeInterval(-180), relativeTo: Self.now, in: utc).hasSuffix(
                "(3 min ago)"))
        #expect(
            StatusReport.describe(Self.now.addingTimeInterval(7200), relativeTo: Self.now, in: utc).hasSuffix(
                "(in 2 h)"))
        #expect(StatusReport.describe(Self.now, relativeTo: Self.now, in: utc) == "2027-01-15 08:00 (now)")
    }
}
