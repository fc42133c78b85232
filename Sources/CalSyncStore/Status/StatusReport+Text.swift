import CalSyncModel
import CalSyncRecurrence
public import Foundation

extension StatusReport {
    /// The human view of `calsyncctl status`: one block per account, one line per calendar,
    /// times in the machine's zone with how long ago they were. Control characters in any
    /// value (a calendar's name, a provider's error message) are escaped (``TerminalText``).
    public func text(timeZone: TimeZone = .current) -> String {
        var lines: [String] = []
        let daemonLine =
            daemon.running
            ? "calsyncd: running" + (daemon.pid.map { " (pid \($0))" } ?? "") + (daemon.status.map { ": \($0)" } ?? "")
            : "calsyncd: not running"
        lines.append(daemonLine)
        lines.append("store:    \(store)")
        if accounts.isEmpty {
            lines.append("")
            lines.append("No accounts yet. Add one to the configuration, then run: calsyncctl login NAME")
            return lines.map(TerminalText.line).joined(separator: "\n")
        }
        for account in accounts {
            lines.append("")
            var heading = "\(account.id) (\(account.provider), \(account.auth)"
            if let email = account.email { heading += ", \(email)" }
            heading += "): \(account.state)"
            lines.append(heading)
            if let detail = account.stateDetail, account.state != AccountState.ok.rawValue {
                lines.append("  \(detail)")
            }
            if let expiry = account.tokenExpiresAt {
                lines.append("  access token expires \(Self.describe(expiry, relativeTo: generatedAt, in: timeZone))")
            }
            if !account.writes.isEmpty {
                lines.append(
                    "  writes: \(account.writes.pending) pending, \(account.writes.conflict) in conflict, "
                        + "\(account.writes.failed) failed (calsyncctl outbox)")
            }
            if account.calendars.isEmpty {
                lines.append("  no calendars synced yet")
                continue
            }
            let rows = account.calendars.map { calendar -> [String] in
                [
                    (calendar.healthy ? "  " : "! ") + calendar.name,
                    calendar.lastSuccess.map { Self.describe($0, relativeTo: generatedAt, in: timeZone) } ?? "never",
                    calendar.nextRun.map { Self.describe($0, relativeTo: generatedAt, in: timeZone) } ?? "-",
                    String(calendar.eventsCount),
                    calendar.problem ?? calendar.lastError ?? "",
                ]
            }
            lines += Self.table(header: ["  CALENDAR", "LAST SUCCESS", "NEXT RUN", "EVENTS", "PROBLEM"], rows: rows)
                .map { "  " + $0 }
            for calendar in account.calendars
            where !calendar.healthy || calendar.quarantinedCount > 0 || calendar.occurrencesCapped {
                if let error = calendar.lastError, calendar.problem != nil {
                    lines.append("    \(calendar.name): last error: \(error)")
                }
                if calendar.quarantinedCount > 0 {
                    lines.append(
                        "    \(calendar.name): \(calendar.quarantinedCount) event(s) could not be read and were set aside"
                    )
                }
                if calendar.occurrencesCapped {
                    lines.append(
                        "    \(calendar.name): \(calendar.occurrencesCount) occurrences, the most kept for one calendar;"
                            + " later ones are not in the store")
                }
            }
        }
        lines.append("")
        lines.append(healthy ? "All calendars healthy." : "Some calendars need attention (marked !).")
        return lines.map(TerminalText.line).joined(separator: "\n")
    }

    /// `2026-11-25 10:42 (3 min ago)` / `(in 2 min)`.
    static func describe(_ date: Date, relativeTo now: Date, in timeZone: TimeZone) -> String {
        var calendar = Foundation.Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let absolute = String(
            format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0)
        // Clamped before converting (±100 years): `Int(1e300)` traps.
        let seconds = Int((-3_155_760_000...3_155_760_000).clamp(date.timeIntervalSince(now).rounded()))
        // A sync that ended while this report was being made: not "in 0 s".
        if seconds == 0 { return "\(absolute) (now)" }
        let magnitude = abs(seconds)
        let amount =
            switch magnitude {
            case ..<60: "\(magnitude) s"
            case ..<3600: "\(magnitude / 60) min"
            case ..<172_800: "\(magnitude / 3600) h"
            default: "\(magnitude / 86_400) d"
            }
        return seconds < 0 ? "\(absolute) (\(amount) ago)" : "\(absolute) (in \(amount))"
    }

    /// Left-aligned columns separated by two spaces.
    static func table(header: [String], rows: [[String]]) -> [String] {
        // Escaped before measuring, so that the columns line up as printed.
        let all = ([header] + rows).map { $0.map(TerminalText.line) }
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }
}
