import CalSyncAuth
import CalSyncModel
import CalSyncStore
import Foundation

extension CalSyncConfiguration {
    /// What `calsyncctl check-config` prints: where things are, the sync defaults, and what
    /// each account would sync. Secrets appear only as their source, never as values;
    /// a secret source that cannot be read now is flagged, since the daemon will need it.
    public func checkReport(environment: [String: String]) -> [String] {
        var lines = [
            "configuration: \(path)",
            "store:         \(store.path)",
            "tokens:        \(store.tokensPath)",
            "sync:          every \(ConfigDuration.format(sync.interval)); occurrences from "
                + "\(ConfigDuration.format(sync.windowPast)) back to \(ConfigDuration.format(sync.windowFuture)) ahead",
            "safety valve:  a full re-sync that would delete \(Self.share(sync.maxDeleteRatio)) of a calendar is held",
        ]
        if accounts.isEmpty {
            lines.append("")
            lines.append("No accounts: calsyncd will start, open the store and wait. Add [[account]] tables to sync.")
            return lines
        }
        for account in accounts {
            lines.append("")
            var heading = "account \(account.name): \(account.provider), \(account.auth.storeName)"
            if !account.enabled { heading += " (disabled)" }
            lines.append(heading)
            lines.append(
                "  calendars:     "
                    + (account.calendars.map { $0.joined(separator: ", ") } ?? "every calendar the account lists"))
            lines.append("  interval:      \(ConfigDuration.format(account.interval))")
            lines.append(
                "  write:         "
                    + (account.write ? "yes (event add/update/delete; login asks to write)" : "no (read-only)"))
            if let clientID = account.clientID { lines.append("  client id:     \(clientID)") }
            if let source = account.clientSecret {
                lines.append("  client secret: from \(source)\(Self.availability(of: source, environment))")
            }
            switch account.auth {
            case .apiKey(let source):
                lines.append("  API key:       from \(source)\(Self.availability(of: source, environment))")
            case .server(let authURL, let refreshURL):
                lines.append("  refresh via:   \(refreshURL)")
                if let authURL { lines.append("  sign-in via:   \(authURL)") }
            case .oauth:
                break
            }
            lines += account.settings.reportLines
            if let zone = account.timeZone { lines.append("  time zone:     \(zone)") }
            if account.endpoints != account.defaultEndpoints {
                lines.append("  endpoints:     \(account.endpoints.api) (token: \(account.endpoints.token))")
            }
        }
        return lines
    }

    static func share(_ ratio: Double) -> String {
        ratio >= 1 ? "all" : "\(Int((ratio * 100).rounded()))% or more"
    }

    static func availability(of source: SecretSource, _ environment: [String: String]) -> String {
        do {
            _ = try source.resolve(environment: environment)
            return ""
        } catch let error as CalSyncError {
            return " (warning: \(error.message))"
        } catch {
            return " (warning: cannot be read)"
        }
    }
}
