import Foundation
import Testing

@testable import CalSyncEngine
@testable import CalSyncModel

/// The STATUS line systemd shows and `calsyncctl status` prints, from values.
struct StatusLineTests {
    typealias Report = StatusLine.AccountReport

    static func calendar(_ zone: String) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        return calendar
    }

    /// 2026-03-02 10:42 UTC.
    static let lastSync = Date(timeIntervalSince1970: 1_772_448_120)

    @Test func sumsTheAccountsAndPrintsTimesInTheCalendarsZone() {
        var line = StatusLine(
            enabledAccounts: 3,
            reports: [
                "work": Report(healthyCalendars: 0, failedCalendars: 1, needsLogin: true),
                "home": Report(healthyCalendars: 7, nextRun: Self.lastSync.addingTimeInterval(300)),
                "club": Report(healthyCalendars: 5, nextRun: Self.lastSync.addingTimeInterval(900)),
            ],
            lastSync: Self.lastSync, calendar: Self.calendar("UTC"))
        #expect(line.text == "3 accounts, 12 calendars ok, 1 needs login (work) · last sync 10:42 · next 10:47")
        line.calendar = Self.calendar("Europe/Paris")
        #expect(line.text == "3 accounts, 12 calendars ok, 1 needs login (work) · last sync 11:42 · next 11:47")
    }

    @Test func failuresAreCountedWhenNoAccountNeedsLogin() {
        let line = StatusLine(
            enabledAccounts: 1, reports: ["work": Report(healthyCalendars: 1, failedCalendars: 2)],
            lastSync: Self.lastSync, calendar: Self.calendar("UTC"))
        #expect(line.text == "1 account, 1 calendar ok, 2 failing · last sync 10:42")
    }

    @Test func beforeTheFirstPollAndWithoutAccounts() {
        let first = StatusLine(enabledAccounts: 2, reports: [:], lastSync: nil, calendar: Self.calendar("UTC"))
        #expect(first.text == "2 accounts, 0 calendars ok · first sync running")
        let none = StatusLine(enabledAccounts: 0, reports: [:], lastSync: nil, calendar: Self.calendar("UTC"))
        #expect(none.text == "no accounts configured; waiting (add [[account]] and reload)")
    }

    @Test func aReportCountsAPollsResults() {
        let results = [
            AccountSync.CalendarResult(accountID: "work", calendarID: "a"),
            AccountSync.CalendarResult(accountID: "work", calendarID: "b"),
            AccountSync.CalendarResult(accountID: "work", calendarID: "c", error: CalSyncError(.needsLogin, "expired")),
        ]
        let report = Report(results: results, nextRun: nil)
        #expect(report == Report(healthyCalendars: 2, failedCalendars: 1, needsLogin: true))
        // An account that could not start has one result without a calendar: no calendar ok.
        let refused = Report(results: [AccountSync.CalendarResult(accountID: "work")], nextRun: nil)
        #expect(refused == Report())
    }
}
