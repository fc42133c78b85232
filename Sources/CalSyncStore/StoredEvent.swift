import CalSyncModel
import CalSyncRecurrence
import Foundation
import GRDB

/// Conversions between ``CalendarEvent`` and the `events` table's columns.
enum StoredEvent {
    /// Inserts or updates in place, returning the row's rowid: an update keeps it, and
    /// the event's occurrences (`internal_occurrences.event`) with it.
    static let insertSQL = """
        INSERT INTO events(account_id, calendar_id, id, ical_uid, etag, kind, series_id, original_start,
            status, summary, description, location, all_day, start, "end", start_ts, end_ts, time_zone, recurrence,
            transparency, visibility, organizer, attendees, url, conference_url, event_type, created, updated, raw,
            synced_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(account_id, calendar_id, id) DO UPDATE SET
            ical_uid = excluded.ical_uid, etag = excluded.etag, kind = excluded.kind, series_id = excluded.series_id,
            original_start = excluded.original_start, status = excluded.status, summary = excluded.summary,
            description = excluded.description, location = excluded.location, all_day = excluded.all_day,
            start = excluded.start, "end" = excluded."end", start_ts = excluded.start_ts, end_ts = excluded.end_ts,
            time_zone = excluded.time_zone, recurrence = excluded.recurrence, transparency = excluded.transparency,
            visibility = excluded.visibility, organizer = excluded.organizer, attendees = excluded.attendees,
            url = excluded.url, conference_url = excluded.conference_url, event_type = excluded.event_type,
            created = excluded.created, updated = excluded.updated, raw = excluded.raw, synced_at = excluded.synced_at
        RETURNING rowid
        """

    /// Empty text is stored as NULL (docs/store.md "Value formats": NULL when absent or empty).
    static func text(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    static func arguments(
        _ event: CalendarEvent, accountID: String, calendarID: String, allDayZone: TimeZone?, now: String
    ) -> StatementArguments {
        let zone = event.timeZone.flatMap(TimeZone.init(identifier:)) ?? allDayZone
        let allDayZone = allDayZone ?? zone
        let values: [(any DatabaseValueConvertible)?] = [
            accountID, calendarID, event.id, text(event.icalUID), event.etag, event.kind.rawValue, event.seriesID,
            event.originalStart?.description, event.status.rawValue, text(event.summary), text(event.description),
            text(event.location), event.allDay, event.start.description, event.end.description,
            event.start.unixSeconds(allDayZone: allDayZone), event.end.unixSeconds(allDayZone: allDayZone),
            event.timeZone, CompactJSON.recurrence(event.recurrence), event.transparency.rawValue,
            event.visibility.rawValue, CompactJSON.organizer(event.organizer), CompactJSON.attendees(event.attendees),
            text(event.url), text(event.conferenceURL), event.eventType, event.created.map(Timestamp.string(from:)),
            event.updated.map(Timestamp.string(from:)), event.raw, now,
        ]
        return StatementArguments(values)
    }

    /// The columns ``event(from:)`` reads: not `raw` and the other large ones, which the
    /// expansion never needs (SELECT * copied every event's JSON out of the page cache).
    static let expansionColumns = """
        rowid, id, ical_uid, etag, kind, series_id, original_start, status, summary, start, "end", time_zone, recurrence
        """

    /// Reads a row (``expansionColumns``) back with its rowid, the key of its occurrences.
    static func keyedEvent(from row: Row) -> KeyedEvent? {
        event(from: row).map { KeyedEvent(event: $0, key: row["rowid"]) }
    }

    /// Reads a row back into the fields the occurrence expansion needs.
    static func event(from row: Row) -> CalendarEvent? {
        guard let startText: String = row["start"], let endText: String = row["end"],
            let start = EventTime(storeText: startText), let end = EventTime(storeText: endText)
        else { return nil }
        var recurrence: [String]?
        if let json: String = row["recurrence"] {
            recurrence = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String]
        }
        let originalStart: String? = row["original_start"]
        return CalendarEvent(
            id: row["id"], icalUID: row["ical_uid"], etag: row["etag"],
            kind: CalendarEvent.Kind(rawValue: row["kind"]) ?? .single, seriesID: row["series_id"],
            originalStart: originalStart.flatMap(EventTime.init(storeText:)),
            status: CalendarEvent.Status(rawValue: row["status"]) ?? .confirmed, summary: row["summary"], start: start,
            end: end, timeZone: row["time_zone"], recurrence: recurrence)
    }
}
