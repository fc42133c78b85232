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

    /// A series master, calendar-scoped (`/me/events/{id}` fails for shared calendars).
    func event(_ eventID: String, calendarID: String) -> String {
        "\(base)/me/calendars/\(Self.segment(calendarID))/events/\(Self.segment(eventID))"
    }

    /// The instances of a series over a window (occurrences and exceptions, not cancelled
    /// ones), each with only what tells them apart (``instanceProperties``).
    func instances(_ eventID: String, calendarID: String, window: SyncWindow) -> String {
        event(eventID, calendarID: calendarID) + "/instances?"
            + FormEncoding.encode([
                ("startDateTime", Timestamp.string(from: window.start)),
                ("endDateTime", Timestamp.string(from: window.end)),
                ("$select", Self.instanceProperties.joined(separator: ",")),
            ])
    }

    /// What `GraphMapping.instances` reads of an instance: its id and kind, its series,
    /// its start (an occurrence's) or original start (an exception's) and what reads them.
    /// A whole event is ~1.5 kB of JSON, this ~0.3 kB: an `/instances` listing per series
    /// was half of a Graph full sync's CPU, most of it reading members never used
    /// (docs/benchmarks.md). The instances listed are compared, never stored.
    static let instanceProperties = [
        "id", "type", "seriesMasterId", "start", "end", "isAllDay", "originalStart", "originalStartTimeZone",
    ]
}
