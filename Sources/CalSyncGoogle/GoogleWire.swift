/// Google Calendar API v3 JSON, named as in the API. Only this folder sees these types.
import CalSyncModel

enum GoogleWire {
    struct EventsPage: Decodable {
        var timeZone: String?
        var nextPageToken: String?
        var nextSyncToken: String?
    }

    struct Time: Decodable, Equatable {
        var date: String?
        var dateTime: String?
        var timeZone: String?
    }

    struct Person: Decodable, Equatable {
        var email: String?
        var displayName: String?
        var isSelf: Bool?
        enum CodingKeys: String, CodingKey {
            case email, displayName
            case isSelf = "self"
        }
    }

    struct Attendee: Decodable, Equatable {
        var email: String?
        var displayName: String?
        var responseStatus: String?
        var optional: Bool?
        var organizer: Bool?
        var resource: Bool?
        var isSelf: Bool?
        enum CodingKeys: String, CodingKey {
            case email, displayName, responseStatus, optional, organizer, resource
            case isSelf = "self"
        }
    }

    struct EntryPoint: Decodable, Equatable {
        var entryPointType: String?
        var uri: String?
    }

    struct ConferenceData: Decodable, Equatable {
        var entryPoints: [EntryPoint]?
    }

    struct Event: Decodable, Equatable {
        var id: String?
        var etag: String?
        var status: String?
        var htmlLink: String?
        var created: String?
        var updated: String?
        var summary: String?
        var description: String?
        var location: String?
        var organizer: Person?
        var start: Time?
        var end: Time?
        var recurrence: [String]?
        var recurringEventId: String?
        var originalStartTime: Time?
        var transparency: String?
        var visibility: String?
        var iCalUID: String?
        var attendees: [Attendee]?
        var hangoutLink: String?
        var conferenceData: ConferenceData?
        var eventType: String?
    }

    struct CalendarListPage: Decodable {
        var nextPageToken: String?
        var nextSyncToken: String?
        var items: [CalendarListEntry]?
    }

    struct CalendarListEntry: Decodable {
        var id: String
        var etag: String?
        var summary: String?
        var summaryOverride: String?
        var description: String?
        var timeZone: String?
        var backgroundColor: String?
        var accessRole: String?
        var primary: Bool?
        var deleted: Bool?
    }

    /// `GET calendars/{id}`: what an API key can read of a public calendar.
    struct Calendar: Decodable {
        var id: String
        var etag: String?
        var summary: String?
        var description: String?
        var timeZone: String?
    }

    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            var domain: String?
            var reason: String?
            var message: String?
        }
        struct Inner: Decodable {
            var code: Int?
            var message: String?
            var errors: [Detail]?
            var status: String?
            /// The newer shape's `google.rpc.ErrorInfo` entries (their `reason`).
            var details: [Detail]?
        }
        var error: Inner
    }
}
