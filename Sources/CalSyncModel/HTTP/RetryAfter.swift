public import Foundation

/// `Retry-After` (RFC 9110 §10.2.3) as providers send it: whole seconds (`120`), fractional
/// seconds (Graph sends `2.128`), or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`).
public enum RetryAfter {
    /// How long to wait from `now`; nil when the header is absent or unreadable; never negative.
    public static func parse(_ value: String?, now: Date) -> Duration? {
        guard let text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Double(text), seconds.isFinite {
            return .milliseconds(Int64((max(seconds, 0) * 1000).rounded(.up)))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return .seconds(max(0, Int64(date.timeIntervalSince(now).rounded(.up))))
            }
        }
        return nil
    }
}
