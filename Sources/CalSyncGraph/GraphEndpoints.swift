/// Microsoft Graph v1.0 URLs, built from the configured base (`graph_url` + `/v1.0`).
import CalSyncModel
import CalSyncRecurrence

struct GraphEndpoints {
    var base: String

    /// A path segment with everything but unreserved characters escaped (`=` → `%3D`).
    static func segment(_ value: String) -> String {
        FormEncoding.escape(value)
    }

    var calendars: String { "\(base)/me/calendars" }

    var mailboxSettings: String { "\(base)/me/mailboxSettings" }

    /// The start of a delta round: only `startDateTime` and `endDateTime` are accepted.
    func calendarViewDelta(_ calendarID: String, window: SyncWindow) -> String {
        "\(base)/me/calendars/\(Self.segment(calendarID))/calendarView/delta?"
            + FormEncoding.encode([
                ("startDateTime", Timestamp.string(from: window.start)),
                ("endDateTime", Timestamp.string(from: window.end)),
            ])
    }

    /// JSON batching (``GraphBatch``).
    var batch: String { "\(base)/$batch" }

    /// A series master as a request of a batch: relative to the versioned base,
    /// calendar-scoped (`/me/events/{id}` fails for shared calendars), with only the
    /// members the store's row is made of (``masterProperties``).
    static func master(_ eventID: String, calendarID: String) -> String {
        "/me/calendars/\(segment(calendarID))/events/\(segment(eventID))?$select="
            + masterProperties.joined(separator: ",")
    }

    /// What ``GraphMapping/item(_:raw:fallbackZone:)`` reads of a master (GraphWire.Event's
    /// members): nothing Graph would send beside them (extensions, attachments, the
    /// response status) travels.
    static let masterProperties = [
        "id", "changeKey", "iCalUId", "subject", "body", "bodyPreview", "start", "end", "originalStartTimeZone",
        "originalEndTimeZone", "isAllDay", "isCancelled", "showAs", "sensitivity", "type", "seriesMasterId",
        "recurrence", "location", "organizer", "attendees", "webLink", "onlineMeeting", "onlineMeetingUrl",
        "createdDateTime", "lastModifiedDateTime",
    ]
}
