import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// `me/calendars`, `me/calendars/{id}` and `me/mailboxSettings`.
extension EmulatorState {
    func graphCalendarJSON(_ calendar: GraphCalendarRecord) -> JSONValue {
        .object([
            ("id", .string(calendar.id)), ("name", .string(calendar.name)), ("color", .string(calendar.color)),
            ("hexColor", .string(calendar.hexColor)), ("isDefaultCalendar", .bool(calendar.isDefault)),
            ("changeKey", .string(calendar.changeKey)), ("canShare", .bool(calendar.isDefault)),
            ("canViewPrivateItems", true), ("canEdit", .bool(calendar.canEdit)),
            ("allowedOnlineMeetingProviders", ["teamsForBusiness"]),
            ("defaultOnlineMeetingProvider", "teamsForBusiness"),
            ("isTallyingResponses", .bool(calendar.isDefault)), ("isRemovable", .bool(!calendar.isDefault)),
            ("owner", .object([("name", .string(calendar.ownerName)), ("address", .string(calendar.ownerAddress))])),
        ])
    }

    func listGraphCalendars(user: String) -> EmulatorResponse {
        let calendars = graph.calendarOrder.compactMap { graph.calendars[$0] }
        return .json(
            200,
            .object([
                ("@odata.context", .string("\(graphRoot)/$metadata#users('\(user)')/calendars")),
                ("value", .array(calendars.map(graphCalendarJSON))),
            ]))
    }

    func getGraphCalendar(_ calendarID: String, user: String) -> EmulatorResponse {
        guard case .object(let members) = graphCalendarJSON(graph.calendars[calendarID]!) else {
            return GraphErrorBody.notFound()
        }
        return .json(
            200,
            .object(
                [("@odata.context", .string("\(graphRoot)/$metadata#users('\(user)')/calendars/$entity"))] + members))
    }

    /// The mailbox's zone is the default calendar's.
    func graphMailboxSettings(user: String) -> EmulatorResponse {
        let zoneName = graph.defaultCalendarID.flatMap { graph.calendars[$0]?.timeZoneName } ?? "UTC"
        return .json(
            200,
            .object([
                ("@odata.context", .string("\(graphRoot)/$metadata#users('\(user)')/mailboxSettings")),
                ("archiveFolder", "AAMkAGArchive"), ("timeZone", .string(zoneName)),
                ("delegateMeetingMessageDeliveryOptions", "sendToDelegateOnly"), ("dateFormat", "dd.MM.yyyy"),
                ("timeFormat", "HH:mm"), ("userPurpose", "user"),
                ("language", .object([("locale", "en-US"), ("displayName", "English (United States)")])),
                (
                    "workingHours",
                    .object([
                        ("daysOfWeek", ["monday", "tuesday", "wednesday", "thursday", "friday"]),
                        ("startTime", "08:00:00.0000000"), ("endTime", "17:00:00.0000000"),
                        ("timeZone", .object([("name", .string(zoneName))])),
                    ])
                ),
            ]))
    }
}
