package import Foundation

/// What a successful (2xx) answer whose body could not be decoded counts as.
///
/// A body that is not JSON at all — cut short by a proxy or a dropped connection that curl
/// did not notice, garbled, an HTML page from a captive portal — says nothing about the
/// calendar: the same request a moment later usually reads fine. It is a `.transport`
/// error, retried with backoff like a reset connection (`--once` too: docs/daemon.md
/// "`calsyncd --once`"). A body that is JSON but not the documented shape stays
/// `.decoding` (retrying will not change it), and a page that scans but holds bad items
/// still quarantines only those items (GoogleMapping, GraphMapping).
package enum ResponseBody {
    /// Whether `body` is JSON to any reader: the lenient one too, so that what
    /// Foundation forgives (a trailing comma, a raw control character) is not mistaken
    /// for a damaged transfer.
    static func isJSON(_ body: Data) -> Bool {
        if StrictJSON.isValid(Array(body)[...]) { return true }
        return (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])) != nil
    }

    /// `error` (a `.decoding` error about `body`) as a `.transport` error when `body` is
    /// not JSON at all; else `error` unchanged.
    package static func classify(_ error: CalSyncError, body: Data) -> CalSyncError {
        guard error.code == .decoding, !isJSON(body) else { return error }
        return CalSyncError(.transport, "\(error.message) (the body is not JSON: cut short or garbled on the way)")
    }

    package static func classify(_ error: CalSyncError, body: [UInt8]) -> CalSyncError {
        guard error.code == .decoding else { return error }
        return classify(error, body: Data(body))
    }
}
