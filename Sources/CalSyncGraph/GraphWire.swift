/// Microsoft Graph v1.0 JSON, named as in the API. Only this folder sees these types.
///
/// Decoding is lenient (docs/providers-graph.md "Items"): unknown keys are ignored, every field
/// is optional, and `dateTimeTimeZone` also accepts the PascalCase keys (`DateTime`,
/// `TimeZone`) some endpoints return.
import CalSyncModel
import CalSyncRecurrence

enum GraphWire {
    /// `@odata.nextLink` / `@odata.deltaLink` of a collection page (`value` is scanned apart).
    struct Page: Decodable {
        var nextLink: String?
        var deltaLink: String?
        enum CodingKeys: String, CodingKey {
            case nextLink = "@odata.nextLink"
            case deltaLink = "@odata.deltaLink"
        }
    }

    /// `dateTimeTimeZone`: wall-clock text (seven fractional digits, no offset) and the
    /// zone it is in (Windows or IANA name).
    struct DateTimeTimeZone: Decodable, Equatable {
        var dateTime: String?
        var timeZone: String?

        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(dateTime: String?, timeZone: String?) {
            self.dateTime = dateTime
            self.timeZone = timeZone
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            func value(_ names: [String]) throws -> String? {
                for name in names {
                    if let text = try container.decodeIfPresent(String.self, forKey: AnyKey(stringValue: name)) {
                        return text
                    }
                }
                return nil
            }
            dateTime = try value(["dateTime", "DateTime"])
            timeZone = try value(["timeZone", "TimeZone"])
        }
    }

    struct Body: Decodable, Equatable {
        var contentType: String?
        var content: String?
    }

    struct EmailAddress: Decodable, Equatable {
        var name: String?
        var address: String?
    }

    /// `recipient`: organizer.
    struct Recipient: Decodable, Equatable {
        var emailAddress: EmailAddress?
    }

    struct ResponseStatus: Decodable, Equatable {
        var response: String?
        var time: String?
    }

    struct Attendee: Decodable, Equatable {
        /// `required`, `optional` or `resource`.
        var type: String?
        var status: ResponseStatus?
        var emailAddress: EmailAddress?
    }

    struct Location: Decodable, Equatable {
        var displayName: String?
    }

    struct OnlineMeeting: Decodable, Equatable {
        var joinUrl: String?
    }

    struct Removed: Decodable, Equatable {
        var reason: String?
    }

    /// `recurrencePattern`.
    struct Pattern: Decodable, Equatable {
        var type: String?
        var interval: Int?
        var month: Int?
        var dayOfMonth: Int?
        var daysOfWeek: [String]?
        var firstDayOfWeek: String?
        var index: String?
    }

    /// `recurrenceRange`. Dates stay text: `0000-01-01` is a real server default.
    struct Range: Decodable, Equatable {
        var type: String?
        var startDate: String?
        var endDate: String?
        var recurrenceTimeZone: String?
        var numberOfOccurrences: Int?
    }

    /// `patternedRecurrence`.
    struct Recurrence: Decodable, Equatable {
        var pattern: Pattern?
        var range: Range?
    }

    struct Event: Decodable, Equatable {
        var id: String?
        var etag: String?
        var removed: Removed?
        var changeKey: String?
        var iCalUId: String?
        var subject: String?
        var body: Body?
        var bodyPreview: String?
        var start: DateTimeTimeZone?
        var end: DateTimeTimeZone?
        var originalStart: String?
        var originalStartTimeZone: String?
        var originalEndTimeZone: String?
        var isAllDay: Bool?
        var isCancelled: Bool?
        var showAs: String?
        var sensitivity: String?
        /// `singleInstance`, `occurrence`, `exception`, `seriesMaster`.
        var type: String?
        var seriesMasterId: String?
        var recurrence: Recurrence?
        var location: Location?
        var organizer: Recipient?
        var attendees: [Attendee]?
        var webLink: String?
        var onlineMeeting: OnlineMeeting?
        var onlineMeetingUrl: String?
        var createdDateTime: String?
        var lastModifiedDateTime: String?

        enum CodingKeys: String, CodingKey {
            case id, changeKey, iCalUId, subject, body, bodyPreview, start, end, originalStart
            case originalStartTimeZone, originalEndTimeZone, isAllDay, isCancelled, showAs, sensitivity, type
            case seriesMasterId, recurrence, location, organizer, attendees, webLink, onlineMeeting
            case onlineMeetingUrl, createdDateTime, lastModifiedDateTime
            case etag = "@odata.etag"
            case removed = "@removed"
        }
    }

    /// The few members an occurrence stub of a delta page is read for: decoding the whole event type for its id and start was most of a
    /// Graph first sync's CPU (docs/benchmarks.md). ``GraphStubReader`` fills it straight
    /// from the bytes; JSONDecoder where that reader cannot be sure.
    ///
    /// Of its `@odata.etag` it keeps only the change key (``GraphMapping/changeKey(etag:)``):
    /// that is all a stub's etag is read for, and the reader cuts it from the bytes in one
    /// copy instead of unescaping the etag and then cutting it.
    struct InstanceStub: Equatable {
        var id: String?
        var changeKey: String?
        var removed: Removed?
        var type: String?
        var seriesMasterId: String?
        var start: DateTimeTimeZone?
        var end: DateTimeTimeZone?
    }

    struct CalendarsPage: Decodable {
        var value: [Calendar]?
        var nextLink: String?
        enum CodingKeys: String, CodingKey {
            case value
            case nextLink = "@odata.nextLink"
        }
    }

    struct Calendar: Decodable {
        var id: String
        var name: String?
        var changeKey: String?
        /// `#rrggbb`, or `""` when the calendar uses a preset `color`.
        var hexColor: String?
        var isDefaultCalendar: Bool?
        var canEdit: Bool?
        var owner: EmailAddress?
    }

    /// `GET /me/mailboxSettings`: the mailbox's zone anchors all-day events.
    struct MailboxSettings: Decodable {
        var timeZone: String?
    }

    /// `{"error":{"code","message","innerError":{…}}}`.
    struct ErrorBody: Decodable {
        struct Inner: Decodable {
            var code: String?
            var message: String?
        }
        var error: Inner
    }
}

extension GraphWire.InstanceStub: Decodable {
    enum CodingKeys: String, CodingKey {
        case id, type, seriesMasterId, start, end
        case etag = "@odata.etag"
        case removed = "@removed"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        changeKey = GraphMapping.changeKey(etag: try container.decodeIfPresent(String.self, forKey: .etag))
        removed = try container.decodeIfPresent(GraphWire.Removed.self, forKey: .removed)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        seriesMasterId = try container.decodeIfPresent(String.self, forKey: .seriesMasterId)
        start = try container.decodeIfPresent(GraphWire.DateTimeTimeZone.self, forKey: .start)
        end = try container.decodeIfPresent(GraphWire.DateTimeTimeZone.self, forKey: .end)
    }
}
