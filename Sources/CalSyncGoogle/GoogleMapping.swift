import CalSyncModel
import Foundation

/// Google's JSON → calsync's domain model (docs/store.md "events", docs/providers-google.md "Applying items").
enum GoogleMapping {
    /// Decodes one events page item by item; unreadable items are quarantined, not fatal.
    static func page(_ bytes: [UInt8]) throws -> (envelope: GoogleWire.EventsPage, changes: ChangePage) {
        // A body that is not JSON at all is a `.transport` error (ResponseBody).
        let scanned: JSONItemScanner
        do {
            scanned = try JSONItemScanner(page: bytes, arrayKey: "items")
        } catch let error as CalSyncError {
            throw ResponseBody.classify(error, body: bytes)
        }
        let envelope: GoogleWire.EventsPage
        do {
            envelope = try JSONDecoder().decode(GoogleWire.EventsPage.self, from: Data(scanned.envelope))
        } catch {
            throw ResponseBody.classify(
                CalSyncError(.decoding, "an events page is not readable: \(error)"), body: bytes)
        }
        var changes = ChangePage(calendarTimeZone: envelope.timeZone)
        let decoder = JSONDecoder()
        for itemBytes in scanned.items {
            if let oversize = ItemLimits.oversizeItem(itemBytes) {
                changes.quarantined.append(oversize)
                continue
            }
            let raw = String(decoding: itemBytes, as: UTF8.self)
            // What JSONDecoder forgives (a trailing comma, a raw control character) would
            // be stored in events.raw, where readers' JSON parsers refuse it.
            guard StrictJSON.isValid(itemBytes) else {
                changes.quarantined.append(QuarantinedItem(eventID: nil, reason: "not valid JSON", raw: raw))
                continue
            }
            let wire: GoogleWire.Event
            do {
                wire = try decoder.decode(GoogleWire.Event.self, from: Data(itemBytes))
            } catch {
                changes.quarantined.append(
                    QuarantinedItem(eventID: nil, reason: "not a readable event object", raw: raw))
                continue
            }
            switch item(wire, raw: raw, calendarZone: envelope.timeZone) {
            case .upsert(let event):
                if let reason = ItemLimits.oversizeField(event) {
                    changes.quarantined.append(QuarantinedItem(eventID: event.id, reason: reason, raw: raw))
                } else {
                    changes.upserts.append(event)
                }
            case .delete(let id): changes.deletions.append(id)
            case .quarantine(let reason):
                changes.quarantined.append(QuarantinedItem(eventID: wire.id, reason: reason, raw: raw))
            }
        }
        return (envelope, changes)
    }

    enum Item {
        case upsert(CalendarEvent)
        case delete(String)
        case quarantine(String)
    }

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
