import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// Building Graph event resources: completing what a client or the control API writes
/// with the server-set fields (in the order of the recorded fixtures), and rendering
/// stored events, occurrence stubs and full occurrences in the zone a request asks for.
enum GraphEventResource {
    /// How a request wants events rendered: the zone times are returned in (UTC, or
    /// `Prefer: outlook.timezone="…"`), and whether bodies come as text
    /// (`Prefer: outlook.body-content-type="text"`; HTML otherwise, as Graph does).
    struct Output {
        var zone: TimeZone
        var name: String
        var textBodies = false
        static let utc = Output(zone: TimeZone(identifier: "UTC")!, name: "UTC")

        /// Everything above that changes what is rendered, for keys of rendered rounds.
        var key: String { "\(name)|\(textBodies ? "text" : "html")" }
    }

    /// `body` as `output` asks for it: an HTML body turned into text when text is asked
    /// for (the tags dropped, as `bodyPreview` is made); nil when it stays as stored.
    static func body(_ body: JSONValue?, in output: Output) -> JSONValue? {
        guard output.textBodies, let body, body["contentType"]?.stringValue?.lowercased() == "html" else { return nil }
        return .object([
            ("contentType", "text"), ("content", .string(plainText(body["content"]?.stringValue ?? ""))),
        ])
    }

    /// Server-set and defaulted fields, in Graph's order; anything else the input has
    /// follows them.
    static let fieldOrder = [
        "@odata.etag", "id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "transactionId",
        "originalStartTimeZone", "originalEndTimeZone", "iCalUId", "reminderMinutesBeforeStart", "isReminderOn",
        "hasAttachments", "hideAttendees", "subject", "bodyPreview", "importance", "sensitivity", "isAllDay",
        "isCancelled", "isDraft", "isOrganizer", "responseRequested", "seriesMasterId", "showAs", "type", "webLink",
        "onlineMeetingUrl", "isOnlineMeeting", "onlineMeetingProvider", "onlineMeeting", "allowNewTimeProposals",
        "originalStart", "responseStatus", "body", "start", "end", "location", "locations", "recurrence",
        "attendees", "organizer",
    ]

    /// The stored form of an event written with `input` (a whole event, or a previous
    /// version with changes merged in).
    static func complete(
        _ input: JSONValue, id: String, type: String, changeNumber: Int, previous: JSONValue?, now: Date,
        owner: (name: String, address: String)
    ) -> JSONValue {
        let changeKey = GraphIDs.changeKey(changeNumber)
        let nowText = JSONValue.string(GraphTime.timestamp(now))
        let isAllDay = input["isAllDay"]?.boolValue ?? false
        let content = input["body"]?["content"]?.stringValue ?? ""
        let preview = plainText(content)
        let ownerAddress: JSONValue = .object([
            ("emailAddress", .object([("name", .string(owner.name)), ("address", .string(owner.address))]))
        ])
        let defaults: [String: JSONValue] = [
            "categories": .array([]),
            "originalStartTimeZone": input["start"]?["timeZone"] ?? "UTC",
            "originalEndTimeZone": input["end"]?["timeZone"] ?? "UTC",
            "iCalUId": .string("040000008200E00074C5B7101A82E008" + hex(id.utf8.prefix(32))),
            "reminderMinutesBeforeStart": 15, "isReminderOn": .bool(!isAllDay), "hasAttachments": false,
            "hideAttendees": false, "subject": "", "importance": "normal", "sensitivity": "normal",
            "isAllDay": false, "isCancelled": false, "isDraft": false, "isOrganizer": true,
            "responseRequested": true, "seriesMasterId": .null, "showAs": isAllDay ? "free" : "busy",
            "onlineMeetingUrl": .null, "isOnlineMeeting": false, "onlineMeetingProvider": "unknown",
            "onlineMeeting": .null, "allowNewTimeProposals": true,
            "responseStatus": .object([("response", "organizer"), ("time", "0001-01-01T00:00:00Z")]),
            "body": .object([("contentType", "html"), ("content", "")]), "location": .object([("displayName", "")]),
            "locations": .array([]), "recurrence": .null, "attendees": .array([]), "organizer": ownerAddress,
        ]
        let serverSet: [String: JSONValue] = [
            "@odata.etag": .string("W/\"\(changeKey)\""), "id": .string(id),
            "createdDateTime": previous?["createdDateTime"] ?? nowText, "lastModifiedDateTime": nowText,
            "changeKey": .string(changeKey), "type": .string(type), "bodyPreview": .string(String(preview.prefix(255))),
            "webLink": .string(
                "https://outlook.office365.com/owa/?itemid="
                    + (id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id)
                    + "&exvsurl=1&path=/calendar/item"),
            "start": normalized(input["start"]), "end": normalized(input["end"]),
        ]
        var members: [(String, JSONValue)] = []
        for key in fieldOrder {
            if let value = serverSet[key] {
                members.append((key, value))
            } else if let value = input[key] {
                members.append((key, value))
            } else if let value = defaults[key] {
                members.append((key, value))
            }
        }
        let known = Set(fieldOrder)
        if case .object(let inputMembers) = input {
            members += inputMembers.filter {
                !known.contains($0.0) && $0.0 != "@odata.context" && $0.0 != "@odata.type"
            }
        }
        return .object(members)
    }

    /// `bodyPreview`: the body without tags, trimmed.
    static func plainText(_ html: String) -> String {
        guard html.contains("<") else { return html.trimmingCharacters(in: .whitespacesAndNewlines) }
        var text = ""
        var inTag = false
        for character in html {
            if character == "<" {
                inTag = true
            } else if character == ">" {
                inTag = false
            } else if !inTag {
                text.append(character)
            }
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A `dateTimeTimeZone` with seven fractional digits, as Graph stores it.
    static func normalized(_ value: JSONValue?) -> JSONValue {
        guard let value, let instant = GraphTime.instant(value) else { return value ?? .null }
        let name = value["timeZone"]?.stringValue ?? "UTC"
        return GraphTime.value(instant, in: GraphTime.zone(of: value), named: name)
    }

    /// A stored event as a request sees it: times converted to `output` (all-day events
    /// stay midnight to midnight).
    static func render(_ resource: JSONValue, in output: Output) -> JSONValue {
        var rendered = resource
        if let body = body(resource["body"], in: output) { rendered.set("body", body) }
        for key in ["start", "end"] {
            if resource["isAllDay"]?.boolValue == true {
                rendered.set(key, GraphTime.floating(resource[key], named: output.name))
            } else if let instant = GraphTime.instant(resource[key]) {
                rendered.set(key, GraphTime.value(instant, in: output.zone, named: output.name))
            }
        }
        return rendered
    }

    /// A single instance or exception as a delta item: `@odata.type` first, then the
    /// event rendered in `output`.
    static func deltaItem(_ resource: JSONValue, in output: Output) -> JSONValue {
        guard case .object(let members) = render(resource, in: output) else { return .null }
        return .object([("@odata.type", "#microsoft.graph.event")] + members)
    }

    /// The start and end values of an occurrence in `output`.
    static func times(
        _ occurrence: GraphRecurrence.Occurrence, master: GraphEventRecord, floatingZone: TimeZone,
        output: Output
    ) -> (start: JSONValue, end: JSONValue) {
        if master.isAllDay {
            let calendar = Calendar.gregorian(in: floatingZone)
            let days = max(1, calendar.dateComponents([.day], from: master.span.start, to: master.span.end).day ?? 1)
            let end = calendar.date(byAdding: .day, value: days, to: occurrence.start)!
            return (
                GraphTime.value(occurrence.start, in: floatingZone, named: output.name),
                GraphTime.value(end, in: floatingZone, named: output.name)
            )
        }
        return (
            GraphTime.value(occurrence.start, in: output.zone, named: output.name),
            GraphTime.value(occurrence.start.addingTimeInterval(master.duration), in: output.zone, named: output.name)
        )
    }

    /// The bare occurrence of calendarView delta: `@odata.type`, `@odata.etag`, `id`,
    /// `seriesMasterId`, `type`, `start`, `end` and nothing else.
    static func stub(
        _ occurrence: GraphRecurrence.Occurrence, master: GraphEventRecord, floatingZone: TimeZone,
        output: Output
    ) -> JSONValue {
        let times = times(occurrence, master: master, floatingZone: floatingZone, output: output)
        return .object([
            ("@odata.type", "#microsoft.graph.event"), ("@odata.etag", master.resource["@odata.etag"] ?? .null),
            ("id", .string(GraphIDs.occurrenceID(masterID: master.id, dayKey: occurrence.dayKey))),
            ("seriesMasterId", .string(master.id)), ("type", "occurrence"), ("start", times.start),
            ("end", times.end),
        ])
    }

    /// A whole occurrence (`instances`, `GET events/{occurrenceId}`, the base of a new
    /// exception): the master's fields with the occurrence's id, type and times.
    static func occurrence(
        _ occurrence: GraphRecurrence.Occurrence, master: GraphEventRecord, floatingZone: TimeZone,
        output: Output
    ) -> JSONValue {
        let times = times(occurrence, master: master, floatingZone: floatingZone, output: output)
        var resource = master.resource
        resource.set("id", .string(GraphIDs.occurrenceID(masterID: master.id, dayKey: occurrence.dayKey)))
        resource.set("seriesMasterId", .string(master.id))
        resource.set("type", "occurrence")
        resource.set("recurrence", .null)
        resource.set("start", times.start)
        resource.set("end", times.end)
        if let body = body(resource["body"], in: output) { resource.set("body", body) }
        let utc = TimeZone(identifier: "UTC")!
        resource.set(
            "originalStart",
            .string(EmulatorClock.graphDateTime(occurrence.start, in: utc).prefix(19) + "Z"))
        return resource
    }

    /// The occurrences of a live series overlapping `[from, to)`.
    static func occurrences(
        of master: GraphEventRecord, resource: JSONValue? = nil, floatingZone: TimeZone, from: Date, to: Date
    ) -> [GraphRecurrence.Occurrence] {
        guard let recurrence = GraphRecurrence(master: resource ?? master.resource, allDayZone: floatingZone) else {
            return []
        }
        let span = GraphEventRecord.span(of: resource ?? master.resource, floatingZone: floatingZone)
        return recurrence.occurrences(from: from, to: to, duration: span.end.timeIntervalSince(span.start))
    }

    /// `{"@odata.type":"#microsoft.graph.event","id":…,"@removed":{"reason":"deleted"}}`.
    static func removed(_ id: String) -> JSONValue {
        .object([
            ("@odata.type", "#microsoft.graph.event"), ("id", .string(id)),
            ("@removed", .object([("reason", "deleted")])),
        ])
    }
}
