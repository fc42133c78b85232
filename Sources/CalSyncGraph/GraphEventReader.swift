/// Reads a whole Graph event (``GraphWire/Event``: a single, an exception, a series master,
/// an `@removed`) straight from its bytes, in one pass that both checks the item is strict
/// JSON and picks out the members calsync reads.
///
/// It replaces, on the hot path, two passes and a decoder: ``StrictJSON`` over the item,
/// then `JSONDecoder` over the `Codable` wire types (9 % of a 10,000-event Graph first
/// sync's profile; the 8,411 events of that calendar and its masters read in `$batch`es).
///
/// It answers only where it is sure to agree with that path (``JSONWalk``), and returns
/// nil everywhere else, so that the Codable path decides (``GraphMapping``): an item that is
/// not strict JSON or not an object, a known member of the wrong type, a duplicated known
/// key, a key with an escape or a byte beyond ASCII, a string `JSONDecoder` would refuse, a
/// number it might read otherwise. None of these occur in what Graph sends. Members calsync
/// does not read are checked by ``StrictJSON/Reader`` itself. GraphEventReaderEquivalenceTests
/// compare both paths.
import CalSyncModel

enum GraphEventReader {
    /// The item as ``GraphWire/Event``, or nil when the Codable path must decide.
    static func event(_ item: ArraySlice<UInt8>) -> GraphWire.Event? {
        item.withUnsafeBufferPointer { buffer in
            var walk = JSONWalk(buffer: buffer, slice: item)
            var event = GraphWire.Event()
            guard walk.members(depth: 1, read: { (member: Member, walk) in walk.read(member, into: &event) })
            else { return nil }
            walk.skipWhitespace()
            return walk.position == buffer.count ? event : nil
        }
    }

    /// The members of an event calsync reads (``GraphWire/Event``'s coding keys).
    enum Member: UInt8, KeptMember {
        case id, etag, removed, changeKey, iCalUId, subject, body, bodyPreview, start, end, originalStart
        case originalStartTimeZone, originalEndTimeZone, isAllDay, isCancelled, showAs, sensitivity, type
        case seriesMasterId, recurrence, location, organizer, attendees, webLink, onlineMeeting
        case onlineMeetingUrl, createdDateTime, lastModifiedDateTime

        init?(_ key: UnsafeBufferPointer<UInt8>) {
            switch key.count {
            case 2 where key.spells("id"): self = .id
            case 3 where key.spells("end"): self = .end
            case 4 where key.spells("body"): self = .body
            case 4 where key.spells("type"): self = .type
            case 5 where key.spells("start"): self = .start
            case 6 where key.spells("showAs"): self = .showAs
            case 7 where key.spells("iCalUId"): self = .iCalUId
            case 7 where key.spells("subject"): self = .subject
            case 7 where key.spells("webLink"): self = .webLink
            case 8 where key.spells("@removed"): self = .removed
            case 8 where key.spells("isAllDay"): self = .isAllDay
            case 8 where key.spells("location"): self = .location
            case 9 where key.spells("changeKey"): self = .changeKey
            case 9 where key.spells("organizer"): self = .organizer
            case 9 where key.spells("attendees"): self = .attendees
            case 10 where key.spells("recurrence"): self = .recurrence
            case 11 where key.spells("@odata.etag"): self = .etag
            case 11 where key.spells("bodyPreview"): self = .bodyPreview
            case 11 where key.spells("isCancelled"): self = .isCancelled
            case 11 where key.spells("sensitivity"): self = .sensitivity
            case 13 where key.spells("originalStart"): self = .originalStart
            case 13 where key.spells("onlineMeeting"): self = .onlineMeeting
            case 14 where key.spells("seriesMasterId"): self = .seriesMasterId
            case 15 where key.spells("createdDateTime"): self = .createdDateTime
            case 16 where key.spells("onlineMeetingUrl"): self = .onlineMeetingUrl
            case 20 where key.spells("lastModifiedDateTime"): self = .lastModifiedDateTime
            case 21 where key.spells("originalStartTimeZone"): self = .originalStartTimeZone
            case 19 where key.spells("originalEndTimeZone"): self = .originalEndTimeZone
            default: return nil
            }
        }
    }

    /// The members of the objects inside an event calsync reads, in one set: each object
    /// reads its own and skips the others (`body`: `contentType`, `content`; an
    /// `emailAddress`: `name`, `address`; an attendee: `type`, `status`, `emailAddress`, the
    /// organizer only the last; its `status`: `response`, `time`; `@removed`: `reason`;
    /// `location`: `displayName`; `onlineMeeting`: `joinUrl`; `recurrence`: `pattern`,
    /// `range`, and theirs).
    enum NestedMember: UInt8, KeptMember {
        case contentType, content, name, address, type, status, emailAddress, response, time, reason
        case displayName, joinUrl, pattern, range, interval, month, dayOfMonth, daysOfWeek, firstDayOfWeek
        case index, startDate, endDate, recurrenceTimeZone, numberOfOccurrences

        init?(_ key: UnsafeBufferPointer<UInt8>) {
            switch key.count {
            case 4 where key.spells("name"): self = .name
            case 4 where key.spells("type"): self = .type
            case 4 where key.spells("time"): self = .time
            case 5 where key.spells("range"): self = .range
            case 5 where key.spells("month"): self = .month
            case 5 where key.spells("index"): self = .index
            case 6 where key.spells("status"): self = .status
            case 6 where key.spells("reason"): self = .reason
            case 7 where key.spells("content"): self = .content
            case 7 where key.spells("address"): self = .address
            case 7 where key.spells("joinUrl"): self = .joinUrl
            case 7 where key.spells("pattern"): self = .pattern
            case 7 where key.spells("endDate"): self = .endDate
            case 8 where key.spells("response"): self = .response
            case 8 where key.spells("interval"): self = .interval
            case 9 where key.spells("startDate"): self = .startDate
            case 10 where key.spells("dayOfMonth"): self = .dayOfMonth
            case 10 where key.spells("daysOfWeek"): self = .daysOfWeek
            case 11 where key.spells("contentType"): self = .contentType
            case 11 where key.spells("displayName"): self = .displayName
            case 12 where key.spells("emailAddress"): self = .emailAddress
            case 14 where key.spells("firstDayOfWeek"): self = .firstDayOfWeek
            case 18 where key.spells("recurrenceTimeZone"): self = .recurrenceTimeZone
            case 19 where key.spells("numberOfOccurrences"): self = .numberOfOccurrences
            default: return nil
            }
        }
    }
}

extension JSONWalk {
    /// One member of an event into `event`.
    fileprivate mutating func read(_ member: GraphEventReader.Member, into event: inout GraphWire.Event) -> Bool {
        switch member {
        case .id: return string(into: &event.id)
        case .etag: return string(into: &event.etag)
        case .changeKey: return string(into: &event.changeKey)
        case .iCalUId: return string(into: &event.iCalUId)
        case .subject: return string(into: &event.subject)
        case .bodyPreview: return string(into: &event.bodyPreview)
        case .originalStart: return string(into: &event.originalStart)
        case .originalStartTimeZone: return string(into: &event.originalStartTimeZone)
        case .originalEndTimeZone: return string(into: &event.originalEndTimeZone)
        case .showAs: return string(into: &event.showAs)
        case .sensitivity: return string(into: &event.sensitivity)
        case .type: return string(into: &event.type)
        case .seriesMasterId: return string(into: &event.seriesMasterId)
        case .webLink: return string(into: &event.webLink)
        case .onlineMeetingUrl: return string(into: &event.onlineMeetingUrl)
        case .createdDateTime: return string(into: &event.createdDateTime)
        case .lastModifiedDateTime: return string(into: &event.lastModifiedDateTime)
        case .isAllDay: return bool(into: &event.isAllDay)
        case .isCancelled: return bool(into: &event.isCancelled)
        case .start: return optionalTimes(into: &event.start)
        case .end: return optionalTimes(into: &event.end)
        case .removed:
            return optionalObject(&event.removed, depth: 2, empty: GraphWire.Removed()) {
                (member: GraphEventReader.NestedMember, removed, walk) in
                member == .reason ? walk.string(into: &removed.reason) : walk.skipValue(depth: 2)
            }
        case .location:
            return optionalObject(&event.location, depth: 2, empty: GraphWire.Location()) {
                (member: GraphEventReader.NestedMember, location, walk) in
                member == .displayName ? walk.string(into: &location.displayName) : walk.skipValue(depth: 2)
            }
        case .onlineMeeting:
            return optionalObject(&event.onlineMeeting, depth: 2, empty: GraphWire.OnlineMeeting()) {
                (member: GraphEventReader.NestedMember, meeting, walk) in
                member == .joinUrl ? walk.string(into: &meeting.joinUrl) : walk.skipValue(depth: 2)
            }
        case .body:
            return optionalObject(&event.body, depth: 2, empty: GraphWire.Body()) {
                (member: GraphEventReader.NestedMember, body, walk) in
                switch member {
                case .contentType: walk.string(into: &body.contentType)
                case .content: walk.string(into: &body.content)
                default: walk.skipValue(depth: 2)
                }
            }
        case .organizer:
            return optionalObject(&event.organizer, depth: 2, empty: GraphWire.Recipient()) {
                (member: GraphEventReader.NestedMember, recipient, walk) in
                member == .emailAddress
                    ? walk.emailAddress(into: &recipient.emailAddress, depth: 3) : walk.skipValue(depth: 2)
            }
        case .attendees: return attendees(into: &event.attendees)
        case .recurrence: return recurrence(into: &event.recurrence)
        }
    }

    /// `start` or `end`: a `dateTimeTimeZone` or null.
    fileprivate mutating func optionalTimes(into target: inout GraphWire.DateTimeTimeZone?) -> Bool {
        if null() {
            target = nil
            return true
        }
        var times = GraphWire.DateTimeTimeZone(dateTime: nil, timeZone: nil)
        guard self.times(into: &times) else { return false }
        target = times
        return true
    }

    /// `emailAddress` at `depth`: `name`, `address`, or null.
    fileprivate mutating func emailAddress(into target: inout GraphWire.EmailAddress?, depth: Int) -> Bool {
        optionalObject(&target, depth: depth, empty: GraphWire.EmailAddress()) {
            (member: GraphEventReader.NestedMember, email, walk) in
            switch member {
            case .name: walk.string(into: &email.name)
            case .address: walk.string(into: &email.address)
            default: walk.skipValue(depth: depth)
            }
        }
    }

    /// `attendees`: an array of attendee objects (a null element fails the Codable path
    /// too, so it is left to it), or null.
    fileprivate mutating func attendees(into target: inout [GraphWire.Attendee]?) -> Bool {
        if null() {
            target = nil
            return true
        }
        var attendees: [GraphWire.Attendee] = []
        let read = elements { walk in
            var attendee = GraphWire.Attendee()
            let complete = walk.members(depth: 3) { (member: GraphEventReader.NestedMember, walk) in
                switch member {
                case .type: return walk.string(into: &attendee.type)
                case .emailAddress: return walk.emailAddress(into: &attendee.emailAddress, depth: 4)
                case .status:
                    return walk.optionalObject(&attendee.status, depth: 4, empty: GraphWire.ResponseStatus()) {
                        (member: GraphEventReader.NestedMember, status, walk) in
                        switch member {
                        case .response: walk.string(into: &status.response)
                        case .time: walk.string(into: &status.time)
                        default: walk.skipValue(depth: 4)
                        }
                    }
                default: return walk.skipValue(depth: 3)
                }
            }
            attendees.append(attendee)
            return complete
        }
        guard read else { return false }
        target = attendees
        return true
    }

    /// `recurrence`: a `patternedRecurrence` (`pattern`, `range`), or null.
    fileprivate mutating func recurrence(into target: inout GraphWire.Recurrence?) -> Bool {
        optionalObject(&target, depth: 2, empty: GraphWire.Recurrence()) {
            (member: GraphEventReader.NestedMember, recurrence, walk) in
            switch member {
            case .pattern:
                return walk.optionalObject(&recurrence.pattern, depth: 3, empty: GraphWire.Pattern()) {
                    (member: GraphEventReader.NestedMember, pattern, walk) in
                    switch member {
                    case .type: return walk.string(into: &pattern.type)
                    case .interval: return walk.integer(into: &pattern.interval)
                    case .month: return walk.integer(into: &pattern.month)
                    case .dayOfMonth: return walk.integer(into: &pattern.dayOfMonth)
                    case .daysOfWeek: return walk.strings(into: &pattern.daysOfWeek)
                    case .firstDayOfWeek: return walk.string(into: &pattern.firstDayOfWeek)
                    case .index: return walk.string(into: &pattern.index)
                    default: return walk.skipValue(depth: 3)
                    }
                }
            case .range:
                return walk.optionalObject(&recurrence.range, depth: 3, empty: GraphWire.Range()) {
                    (member: GraphEventReader.NestedMember, range, walk) in
                    switch member {
                    case .type: return walk.string(into: &range.type)
                    case .startDate: return walk.string(into: &range.startDate)
                    case .endDate: return walk.string(into: &range.endDate)
                    case .recurrenceTimeZone: return walk.string(into: &range.recurrenceTimeZone)
                    case .numberOfOccurrences: return walk.integer(into: &range.numberOfOccurrences)
                    default: return walk.skipValue(depth: 3)
                    }
                }
            default: return walk.skipValue(depth: 2)
            }
        }
    }

    /// `daysOfWeek`: strings only (a null element fails the Codable path), or null.
    fileprivate mutating func strings(into target: inout [String]?) -> Bool {
        if null() {
            target = nil
            return true
        }
        var strings: [String] = []
        let read = elements { walk in
            var text: String?
            guard walk.peek == UInt8(ascii: "\""), walk.string(into: &text), let text else { return false }
            strings.append(text)
            return true
        }
        guard read else { return false }
        target = strings
        return true
    }
}
