import GRDB

/// The outbox's look-ups of one row of the `occurrences` view by its `instance_id`, made
/// without reading the whole calendar.
///
/// The view's `instance_id` is an expression (the stored id, else one derived from the
/// event: docs/store.md "Storage of occurrences"), so no index serves
/// `WHERE instance_id = ?`: SQLite computed it for every occurrence of the calendar, 1.5 s
/// for one look-up in a calendar of 100,000 events, and the outbox made two for every
/// write of one occurrence (its etag when queued, the row when applied), each holding the
/// store's only writer. The events that can hold the id are few, and each is found by a
/// key:
/// - the id itself: a single's or an exception's own occurrence;
/// - the id without its `_<stamp>`: the master of a series' derived `<master>_<stamp>`
///   (the writer finds derived ids the same way, ``ListedPageRows``);
/// - the event of a stored id (a provider's own occurrence id, Graph's), by the partial
///   index of stored ids' keys (``ListedKey``).
///
/// The view's own `instance_id = ?3` still decides which occurrence of those events it is.
/// Each statement takes the ``arguments(accountID:calendarID:instanceID:)``.
enum OccurrenceByInstanceID {
    /// `?1` the account, `?2` the calendar, `?3` the instance id, `?4` its ``ListedKey``.
    static func arguments(accountID: String, calendarID: String, instanceID: String) -> StatementArguments {
        [accountID, calendarID, instanceID, ListedKey.of(instanceID)]
    }

    /// The occurrence's `series_id`, `start` and `end`.
    static let occurrence = """
        SELECT series_id, start, "end" FROM occurrences
        WHERE account_id = ?1 AND calendar_id = ?2 AND instance_id = ?3 AND \(eventCandidates(""))
        """

    /// The `etag` of the occurrence's event.
    static let etag = """
        SELECT e.etag FROM occurrences o
        JOIN events e ON e.account_id = o.account_id AND e.calendar_id = o.calendar_id AND e.id = o.event_id
        WHERE o.account_id = ?1 AND o.calendar_id = ?2 AND o.instance_id = ?3 AND \(eventCandidates("o."))
        """

    /// The condition that narrows the view (`alias` with its dot) to the events above.
    private static func eventCandidates(_ alias: String) -> String {
        // CROSS JOIN makes SQLite start from the index of stored ids: left to choose, it
        // walked the calendar's events and looked each up in that index (17 ms at 100,000).
        """
        \(alias)event_id IN (?3, rtrim(rtrim(?3, '0123456789TZ'), '_'), (
            SELECT e.id FROM internal_occurrences io CROSS JOIN events e ON e.rowid = io.event
            WHERE \(ListedKey.storesID("io.", id: "?3", key: "?4")) AND e.account_id = ?1 AND e.calendar_id = ?2
            LIMIT 1))
        """
    }
}
