import CalSyncModel
import Foundation

/// The one line systemd shows for the daemon (`STATUS=`) and `calsyncctl status` prints:
/// `3 accounts, 12 calendars ok, 1 needs login (work) · last sync 10:42 · next 10:47`.
///
/// A value built from what the scheduler knows; the times are printed in `calendar`'s time
/// zone (the machine's, in the daemon), injected so a test's line does not depend on where
/// it runs.
struct StatusLine {
    /// What the line says about an account after its last poll.
    struct AccountReport: Equatable {
        var healthyCalendars = 0
        var failedCalendars = 0
        var needsLogin = false
        var nextRun: Date?

        init(healthyCalendars: Int = 0, failedCalendars: Int = 0, needsLogin: Bool = false, nextRun: Date? = nil) {
            self.healthyCalendars = healthyCalendars
            self.failedCalendars = failedCalendars
            self.needsLogin = needsLogin
            self.nextRun = nextRun
        }

        /// The report of a poll's results (one per calendar, or one for the account when
        /// it could not start).
        init(results: [AccountSync.CalendarResult], nextRun: Date?) {
            self.init(
                healthyCalendars: results.filter { $0.error == nil && $0.calendarID != nil }.count,
                failedCalendars: results.filter { $0.error != nil }.count,
                needsLogin: results.contains { $0.error?.code == .needsLogin }, nextRun: nextRun)
        }
    }

    /// How many accounts are enabled in the configuration in force.
    var enabledAccounts: Int
    /// The report of each account's last poll, by account name.
    var reports: [String: AccountReport]
    /// When the last poll (of any account) finished; nil before the first.
    var lastSync: Date?
    var calendar: Calendar

    var text: String {
        if enabledAccounts == 0 { return "no accounts configured; waiting (add [[account]] and reload)" }
        let ok = reports.values.reduce(0) { $0 + $1.healthyCalendars }
        let failing = reports.values.reduce(0) { $0 + $1.failedCalendars }
        let needLogin = reports.filter { $0.value.needsLogin }.map(\.key).sorted()
        var parts = [
            "\(enabledAccounts) account\(enabledAccounts == 1 ? "" : "s"), \(ok) calendar\(ok == 1 ? "" : "s") ok"
        ]
        if !needLogin.isEmpty {
            parts[0] +=
                ", \(needLogin.count) need\(needLogin.count == 1 ? "s" : "") login (\(needLogin.joined(separator: ", ")))"
        } else if failing > 0 {
            parts[0] += ", \(failing) failing"
        }
        if let lastSync { parts.append("last sync \(clock(lastSync))") }
        if let next = reports.values.compactMap(\.nextRun).min() { parts.append("next \(clock(next))") }
        if lastSync == nil { parts.append("first sync running") }
        return parts.joined(separator: " · ")
    }

    /// `HH:MM` in the calendar's time zone.
    func clock(_ date: Date) -> String {
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}
