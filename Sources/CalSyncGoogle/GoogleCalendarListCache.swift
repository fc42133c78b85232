import CalSyncModel
import Synchronization

/// Each Google account's calendar list between polls, with the sync token that continues
/// it: after the first full listing, a poll asks only for what changed
/// (`calendarList?syncToken=`), and entries marked `deleted` leave the list.
///
/// Held by the daemon's provider factory, so it lives as long as the process; a fresh
/// process (`calsyncd --once`) starts with a full listing, which is one request too.
package final class GoogleCalendarListCache: Sendable {
    struct Entry: Sendable {
        var syncToken: String
        /// Calendars by id, in the order Google first listed them.
        var calendars: [RemoteCalendar]
    }

    private let entries = Mutex<[String: Entry]>([:])

    package init() {}

    func entry(for account: String) -> Entry? {
        entries.withLock { $0[account] }
    }

    func store(_ entry: Entry?, for account: String) {
        entries.withLock { $0[account] = entry }
    }
}
