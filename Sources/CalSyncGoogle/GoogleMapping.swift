import CalSyncModel
import Foundation

/// Google's JSON → calsync's domain model (docs/store.md "events", docs/providers-google.md "Applying items").
enum GoogleMapping {
    /// Decodes one events page item by item (``PageDecoder``); unreadable items are
    /// quarantined, not fatal. Each item is read in one pass by ``GoogleEventReader``; what
    /// it leaves undecided (damaged or hostile items only) goes the Codable way.
    static func page(_ bytes: [UInt8]) throws -> (envelope: GoogleWire.EventsPage, changes: ChangePage) {
        try page(bytes, singlePass: true)
    }

    /// The same page through `JSONDecoder` and the `Codable` wire types alone: what the
    /// single pass must agree with (GoogleEventReaderEquivalenceTests).
    static func codablePage(_ bytes: [UInt8]) throws -> (envelope: GoogleWire.EventsPage, changes: ChangePage) {
        try page(bytes, singlePass: false)
    }

    private static func page(
        _ bytes: [UInt8], singlePass: Bool
    ) throws -> (envelope: GoogleWire.EventsPage, changes: ChangePage) {
        let decoder = JSONDecoder()
        return try PageDecoder.decode(
            bytes, arrayKey: "items", envelope: GoogleWire.EventsPage.self, naming: "an events page",
            changes: { ChangePage(calendarTimeZone: $0.timeZone) },
            fastRead: !singlePass
                ? nil
                : { itemBytes, raw, envelope -> PageDecoder.Read<Never>? in
                    guard let wire = GoogleEventReader.event(itemBytes) else { return nil }
                    return (wire.id, item(wire, raw: raw, calendarZone: envelope.timeZone))
                },
            read: { itemBytes, raw, envelope -> PageDecoder.Read<Never>? in
                guard let wire = try? decoder.decode(GoogleWire.Event.self, from: Data(itemBytes)) else { return nil }
                return (wire.id, item(wire, raw: raw, calendarZone: envelope.timeZone))
            })
    }

    /// Google has no items of its own kind beyond upserts, deletions and quarantine.
    typealias Item = PageItem<Never>

    static func item(_ wire: GoogleWire.Event, raw: String, calendarZone: String?) -> Item {
        guard let id = wire.id, !id.isEmpty else { return .quarantine("the event has no id") }
        let originalStart = wire.originalStartTime.flatMap(time)
        if wire.status == "cancelled" {
            // A cancelled instance of a series is kept: it removes that instance. Any other
            // cancelled item is a deletion (docs/providers-google.md "Applying items").
            guard let seriesID = wire.recurringEventId else { return .delete(id) }
            guard let originalStart else { return .quarantine("a cancelled instance without originalStartTime") }
            // The tombstone carries no times: the instance's original start, twice (the store
            // adds the series' duration when it knows the master).
            return .upsert(
                CalendarEvent(
                    id: id, icalUID: wire.iCalUID, etag: wire.etag, kind: .exception, seriesID: seriesID,
                    originalStart: originalStart, status: .cancelled, start: originalStart, end: originalStart,
                    timeZone: wire.originalStartTime?.timeZone ?? calendarZone, raw: raw))
        }
        guard let start = wire.start.flatMap(time) else {
            return .quarantine("the start is missing or not a date or time")
        }
        guard let end = wire.end.flatMap(time) else { return .quarantine("the end is missing or not a date or time") }
        guard start.isAllDay == end.isAllDay else { return .quarantine("the start and end mix a date and a time") }
        let kind: CalendarEvent.Kind =
            wire.recurrence?.isEmpty == false ? .series : wire.recurringEventId != nil ? .exception : .single
        return .upsert(
            CalendarEvent(
                id: id, icalUID: wire.iCalUID, etag: wire.etag, kind: kind,
                seriesID: kind == .exception ? wire.recurringEventId : nil,
                originalStart: kind == .exception ? originalStart : nil,
                status: CalendarEvent.Status(rawValue: wire.status ?? "confirmed") ?? .confirmed, summary: wire.summary,
                description: wire.description, location: wire.location, start: start, end: end,
                timeZone: wire.start?.timeZone ?? calendarZone,
                recurrence: kind == .series ? wire.recurrence.map(normalizedRecurrence) : nil,
                transparency: wire.transparency == "transparent" ? .transparent : .opaque,
                visibility: CalendarEvent.Visibility(rawValue: wire.visibility ?? "default") ?? .default,
                organizer: wire.organizer.map { .init(email: $0.email, name: $0.displayName) },
                attendees: (wire.attendees ?? []).map(attendee), url: wire.htmlLink,
                conferenceURL: wire.hangoutLink
                    ?? wire.conferenceData?.entryPoints?.first { $0.entryPointType == "video" }?.uri,
                eventType: wire.eventType, created: wire.created.flatMap { Timestamp.parse($0) },
                updated: wire.updated.flatMap { Timestamp.parse($0) }, raw: raw))
    }

    static func time(_ wire: GoogleWire.Time) -> EventTime? {
        if let date = wire.date { return CalendarDate(date).map(EventTime.date) }
        if let dateTime = wire.dateTime { return Timestamp.parse(dateTime).map(EventTime.instant) }
        return nil
    }

    static func attendee(_ wire: GoogleWire.Attendee) -> CalendarEvent.Attendee {
        let response: CalendarEvent.Attendee.Response =
            switch wire.responseStatus {
            case "accepted": .accepted
            case "declined": .declined
            case "tentative": .tentative
            default: .needsAction
            }
        return .init(
            email: wire.email, name: wire.displayName, response: response, optional: wire.optional ?? false,
            organizer: wire.organizer ?? false)
    }

    /// RFC 5545 lines as the store keeps them: the property name upper-cased and `RRULE:`
    /// added where Google (or a client that wrote the event) left it out.
    static func normalizedRecurrence(_ lines: [String]) -> [String] {
        lines.map { line in
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let separator = trimmed.firstIndex(where: { $0 == ":" || $0 == ";" }) else {
                return "RRULE:" + trimmed.uppercased()
            }
            let name = trimmed[..<separator].uppercased()
            if ["RRULE", "EXRULE", "RDATE", "EXDATE"].contains(name) {
                return name + trimmed[separator...]
            }
            // `FREQ=WEEKLY;…` without a property name is a rule.
            return trimmed.uppercased().hasPrefix("FREQ=") ? "RRULE:" + trimmed : trimmed
        }
    }

    static func calendar(_ entry: GoogleWire.CalendarListEntry) -> RemoteCalendar {
        RemoteCalendar(
            id: entry.id, name: entry.summaryOverride ?? entry.summary ?? entry.id,
            description: entry.description.flatMap { $0.isEmpty ? nil : $0 }, timeZone: entry.timeZone,
            color: entry.backgroundColor.flatMap { $0.count == 7 && $0.hasPrefix("#") ? $0.lowercased() : nil },
            access: access(entry.accessRole), isPrimary: entry.primary ?? false, etag: entry.etag)
    }

    static func access(_ role: String?) -> RemoteCalendar.Access {
        switch role {
        case "owner": .owner
        case "writer": .writer
        case "freeBusyReader": .freebusy
        default: .reader
        }
    }
}
