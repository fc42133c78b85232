import GRDB

/// A listed calendar's first listing, staged in order of arrival (`internal_listed_staged`,
/// StoreSchema v8; docs/store.md "Storage of occurrences").
///
/// Graph lists a round's occurrences by time, so each page names thousands of series: a
/// stage keyed by event and indexed by id took every page's rows at random places and
/// rewrote thousands of B-tree pages per commit (docs/benchmarks.md, issue 18). This stage
/// is only appended to while the listing runs, and settled once, when its last page
/// publishes it:
///
/// - an id listed twice (Graph may list an item again when it changes during the round)
///   is staged twice, and the newest row wins; so does the newest own row of a single or
///   an exception (stored without an id, which the views derive);
/// - an event deleted during the listing appends a mark (`drops_event = 1`): what it
///   staged before the mark is not published. Its rowid may come back for a new event,
///   whose rows come after the mark;
/// - removals (`@removed`, the daily slide, a re-sync's sweep) delete staged rows at once,
///   reading the calendar's stage: they are rare during a first listing.
///
/// The staged count (`internal_full_syncs.staged_occurrences`, the calendar's cap) counts
/// every appended row until the publish makes it exact.
extension PageWriter {
    /// The last `seq` of calendar ?1's listed stage, one row or none (a seek on the key).
    static let lastListedSeq = "SELECT seq FROM internal_listed_staged WHERE calendar = ?1 ORDER BY seq DESC LIMIT 1"

    /// Marks in a listed calendar's stage, when it has one, that the `events` row `event`
    /// went: what it staged before the mark is not published.
    func dropStagedListed(event: Int64, calendar: Int64) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO internal_listed_staged(calendar, seq, event, start_ts, end_ts, instance_id, drops_event)
                SELECT ?1, last.seq + 1, ?2, 0, 0, NULL, 1 FROM (\(Self.lastListedSeq)) last
                """
        ).execute(arguments: [calendar, event])
    }

    /// Copies the calendar's staged rows into `internal_occurrences`, sorted by the table's
    /// key, without the rows their event's drop mark voids. At one key the newest row is
    /// copied (`INSERT OR IGNORE`, newest first); a live row already at a key stays, as
    /// for an expanded calendar (a re-sync's sweep has removed the live rows it did not list).
    func copyListedStage() throws {
        // Sorted on disk: the stage of 100,000 events is some 190 MB. Its runs of 1 MiB,
        // not 2: the sort's buffers come and go while the last page's items are still in
        // memory, the sync's peak (docs/benchmarks.md).
        try sortingOnDisk(cacheKiB: 1024) {
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO internal_occurrences(event, start_ts, end_ts, instance_id, listed_key)
                    SELECT s.event, s.start_ts, s.end_ts, s.instance_id, s.listed_key
                    FROM internal_listed_staged s
                    LEFT JOIN (
                        SELECT event, MAX(seq) AS dropped FROM internal_listed_staged
                        WHERE calendar = ?1 AND drops_event = 1 GROUP BY event
                    ) d ON d.event = s.event
                    WHERE s.calendar = ?1 AND s.drops_event = 0 AND (d.dropped IS NULL OR s.seq > d.dropped)
                    ORDER BY s.event, s.start_ts, s.seq DESC
                    """,
                arguments: [calendarKey])
        }
    }

    /// After the copy: an id (or a single's or an exception's own occurrence) that now has
    /// more than one row of this calendar keeps the one at the key of its newest staged
    /// row; the others go. Such rows come from an occurrence that moved while the listing
    /// ran (staged twice), or that a re-sync lists at a new time (a live row and a staged
    /// one). Returns how many rows went.
    func deleteSupersededListedRows() throws -> Int {
        var deleted = 0
        // Stored ids: one walk of the partial index of their keys finds the keys of more
        // than one row; among those rows, the ids of more than one (two ids may share a key).
        let ids = try String.fetchAll(
            db,
            sql: """
                SELECT instance_id FROM internal_occurrences WHERE listed_key IN (
                    SELECT listed_key FROM internal_occurrences WHERE listed_key IS NOT NULL
                    GROUP BY listed_key HAVING COUNT(*) > 1)
                GROUP BY instance_id HAVING COUNT(*) > 1
                """)
        for id in ids {
            try db.execute(
                sql: """
                    DELETE FROM internal_occurrences
                    WHERE \(ListedKey.storesID(id: "?1", key: "?5"))
                    AND event IN (SELECT rowid FROM events WHERE account_id = ?3 AND calendar_id = ?4)
                    AND (event, start_ts) != (
                        SELECT event, start_ts FROM internal_listed_staged
                        WHERE calendar = ?2 AND drops_event = 0 AND instance_id = ?1 ORDER BY seq DESC LIMIT 1)
                    """,
                arguments: [id, calendarKey, accountID, calendarID, ListedKey.of(id)])
            deleted += db.changesCount
        }
        // Own occurrences (no stored id): a single or an exception has exactly one.
        let events = try Int64.fetchAll(
            db,
            sql: """
                SELECT o.event FROM events e JOIN internal_occurrences o ON o.event = e.rowid
                WHERE e.account_id = ? AND e.calendar_id = ? AND e.kind != 'series' AND o.instance_id IS NULL
                GROUP BY o.event HAVING COUNT(*) > 1
                """,
            arguments: key)
        for event in events {
            try db.execute(
                sql: """
                    DELETE FROM internal_occurrences
                    WHERE event = ?1 AND instance_id IS NULL
                    AND start_ts != (
                        SELECT start_ts FROM internal_listed_staged
                        WHERE calendar = ?2 AND drops_event = 0 AND event = ?1 AND instance_id IS NULL
                        ORDER BY seq DESC LIMIT 1)
                    """,
                arguments: [event, calendarKey])
            deleted += db.changesCount
        }
        return deleted
    }
}
