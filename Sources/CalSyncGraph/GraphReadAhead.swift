import CalSyncModel
import Synchronization

/// The next `calendarView/delta` page of each calendar's round, asked for as soon as the
/// page before it names it, so that Graph prepares it while calsyncd decodes and stores
/// the page it has (docs/providers-graph.md "Reading the next page early").
///
/// At most one request a calendar, and only for a link Graph sent in this round (checked
/// like every link before it is followed). Only the response's bytes wait here: a delta
/// page is a few hundred KB, so memory grows by one page at most. The page is handed over
/// only to a request for the same link; any other request of the calendar (the engine
/// retrying a page, a new round) cancels it, so a stale page is never used.
final class GraphReadAhead: Sendable {
    private struct Pending {
        var url: String
        var response: Task<HTTPResponse, any Error>
    }

    private let pending = Mutex<[String: Pending]>([:])

    init() {}

    /// Starts `request` for `url`, the calendar's next page, in place of any page asked for
    /// before it.
    func start(
        calendarID: String, url: String, _ request: @escaping @Sendable () async throws -> HTTPResponse
    ) {
        let response = Task { try await request() }
        let replaced = pending.withLock { $0.updateValue(Pending(url: url, response: response), forKey: calendarID) }
        replaced?.response.cancel()
    }

    /// The request for `url` started early, if it is the one the calendar waits on; any
    /// other one is cancelled. Either way the calendar has none waiting afterwards.
    func take(calendarID: String, url: String) -> Task<HTTPResponse, any Error>? {
        guard let waiting = pending.withLock({ $0.removeValue(forKey: calendarID) }) else { return nil }
        guard waiting.url == url else {
            waiting.response.cancel()
            return nil
        }
        return waiting.response
    }

    /// Cancels whatever the calendar has waiting (its round failed or ended).
    func cancel(calendarID: String) {
        pending.withLock { $0.removeValue(forKey: calendarID) }?.response.cancel()
    }
}
