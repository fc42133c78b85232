public import Foundation

/// One provider event object as the store keeps it: a single event, a series master or an
/// exception (a changed, moved or cancelled instance of a series). Field by field this is
/// the `events` table of the store contract (docs/store.md); providers map their wire
/// types to it and nothing else leaves a provider's folder.
public struct CalendarEvent: Hashable, Sendable {
    public enum Kind: String, Sendable, Codable { case single, series, exception }
    public enum Status: String, Sendable, Codable { case confirmed, tentative, cancelled }
    public enum Transparency: String, Sendable, Codable { case opaque, transparent }
    public enum Visibility: String, Sendable, Codable { case `default`, `public`, `private`, confidential }

    public var id: String
    public var icalUID: String?
    public var etag: String?
    public var kind: Kind
    /// For exceptions: the series master's id.
    public var seriesID: String?
    /// For exceptions: the start the instance had in the series.
    public var originalStart: EventTime?
    public var status: Status
    public var summary: String?
    public var description: String?
    public var location: String?
    public var start: EventTime
    public var end: EventTime
    /// The event's IANA zone (Google `start.timeZone`, Graph `originalStartTimeZone` mapped).
    public var timeZone: String?
    /// Series only: RFC 5545 lines (`RRULE:…`, `EXDATE…`, `RDATE…`), normalised.
    public var recurrence: [String]?
    public var transparency: Transparency
    public var visibility: Visibility
    public var organizer: Person?
    public var attendees: [Attendee]
    public var url: String?
    public var conferenceURL: String?
    public var eventType: String?
    public var created: Date?
    public var updated: Date?
    /// The provider's JSON object as received (compact JSON text).
    public var raw: String

    public var allDay: Bool { start.isAllDay }

    public init(
        id: String, icalUID: String? = nil, etag: String? = nil, kind: Kind = .single, seriesID: String? = nil,
        originalStart: EventTime? = nil, status: Status = .confirmed, summary: String? = nil,
        description: String? = nil, location: String? = nil, start: EventTime, end: EventTime,
        timeZone: String? = nil, recurrence: [String]? = nil, transparency: Transparency = .opaque,
        visibility: Visibility = .default, organizer: Person? = nil, attendees: [Attendee] = [],
        url: String? = nil, conferenceURL: String? = nil, eventType: String? = nil, created: Date? = nil,
        updated: Date? = nil, raw: String = "{}"
    ) {
        self.id = id
        self.icalUID = icalUID
        self.etag = etag
        self.kind = kind
        self.seriesID = seriesID
        self.originalStart = originalStart
        self.status = status
        self.summary = summary
        self.description = description
        self.location = location
        self.start = start
        self.end = end
        self.timeZone = timeZone
        self.recurrence = recurrence
        self.transparency = transparency
        self.visibility = visibility
        self.organizer = organizer
        self.attendees = attendees
        self.url = url
        self.conferenceURL = conferenceURL
        self.eventType = eventType
        self.created = created
        self.updated = updated
        self.raw = raw
    }

    /// A person in `organizer` (`{"email","name"}` in the store).
    public struct Person: Hashable, Sendable, Codable {
        public var email: String?
        public var name: String?
        public init(email: String?, name: String?) {
            self.email = email
            self.name = name
        }
    }

    /// An attendee (`{"email","name","response","optional","organizer"}` in the store).
    public struct Attendee: Hashable, Sendable, Codable {
        public enum Response: String, Sendable, Codable {
            case accepted, declined, tentative
            case needsAction = "needs_action"
        }
        public var email: String?
        public var name: String?
        public var response: Response
        public var optional: Bool
        public var organizer: Bool
        public init(email: String?, name: String?, response: Response, optional: Bool, organizer: Bool) {
            self.email = email
            self.name = name
            self.response = response
            self.optional = optional
            self.organizer = organizer
        }
    }
}
