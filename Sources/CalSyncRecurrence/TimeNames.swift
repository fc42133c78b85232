import CalSyncModel
public import Foundation

/// Time zone names as providers send them, to IANA names (docs/store.md "Value formats": zones are IANA).
public enum TimeNames {
    /// The IANA name for an IANA or Windows zone name (`W. Europe Standard Time` →
    /// `Europe/Berlin`); nil for unknown names and Outlook's `tzone://Microsoft/Custom`,
    /// where the caller falls back to the calendar's or mailbox's zone.
    public static func ianaName(fromProviderName name: String) -> String? {
        let trimmed = name.trimmingWhitespace()
        if trimmed.hasPrefix("tzone://") || trimmed.isEmpty { return nil }
        if let mapped = windowsToIANA[trimmed] { return mapped }
        if trimmed == "UTC" || trimmed == "GMT" || trimmed == "Etc/UTC" { return "UTC" }
        return TimeZone(identifier: trimmed) != nil && trimmed.contains("/") ? trimmed : nil
    }

    /// The zone for a provider's name, if it can be known.
    public static func timeZone(fromProviderName name: String) -> TimeZone? {
        ianaName(fromProviderName: name).flatMap(TimeZone.init(identifier:))
    }
}
