public import Foundation

/// `Retry-After` (RFC 9110 §10.2.3) as providers send it: whole seconds (`120`), fractional
/// seconds (Graph sends `2.128`), or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`).
///
/// The value comes from the network (or any proxy on the way), so it is clamped here, at
/// the boundary, to ``maximum``: a `Retry-After: 1e300` must not trap converting to an
/// integer, and `Retry-After: 31536000` must not stop a mailbox for a year
/// (docs/resilience.md "Numbers from the network").
public enum RetryAfter {
    /// The longest wait calsync honours, whatever the server asks: the retry maximum of
    /// ``Backoff`` (docs/resilience.md "Numbers from the network": up to 300 s).
    public static let maximum: Duration = .seconds(300)

    /// How long to wait from `now`, between zero and ``maximum``; nil when the header is
    /// absent or unreadable.
    public static func parse(_ value: String?, now: Date) -> Duration? {
        guard let text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Double(text) {
            // "nan" and "inf" parse as Doubles; neither is a delay-seconds value.
            guard seconds.isFinite else { return nil }
            return clamped(seconds: seconds)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return clamped(seconds: date.timeIntervalSince(now).rounded(.up))
            }
        }
        return nil
    }

    /// `seconds` (finite or not) as a duration in `0...maximum`, rounded up to the millisecond.
    /// Clamps before converting: `Int64(1e300)` would trap.
    public static func clamped(seconds: Double) -> Duration {
        let ceiling = Double(maximum.components.seconds)
        guard seconds.isFinite else { return seconds > 0 ? maximum : .zero }
        let bounded = min(max(seconds, 0), ceiling)
        return .milliseconds(Int64((bounded * 1000).rounded(.up)))
    }
}
