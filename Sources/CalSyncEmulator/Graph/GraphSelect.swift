import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// OData `$select` on Graph's event collections (`/instances`): each item keeps its
/// `@odata.type`, `@odata.etag` and `id` and only the properties named, as Graph answers.
/// A name that is not a property of `microsoft.graph.event` is a 400, as on Graph.
enum GraphSelect {
    /// The properties of `microsoft.graph.event` (v1.0) that `$select` accepts.
    static let eventProperties: Set<String> = [
        "allowNewTimeProposals", "attachments", "attendees", "body", "bodyPreview", "calendar",
        "cancelledOccurrences", "categories", "changeKey", "createdDateTime", "end", "exceptionOccurrences",
        "extensions", "hasAttachments", "hideAttendees", "iCalUId", "id", "importance", "instances", "isAllDay",
        "isCancelled", "isDraft", "isOnlineMeeting", "isOrganizer", "isReminderOn", "lastModifiedDateTime",
        "location", "locations", "onlineMeeting", "onlineMeetingProvider", "onlineMeetingUrl", "organizer",
        "originalEndTimeZone", "originalStart", "originalStartTimeZone", "recurrence",
        "reminderMinutesBeforeStart", "responseRequested", "responseStatus", "sensitivity", "seriesMasterId",
        "showAs", "start", "subject", "transactionId", "type", "webLink",
    ]

    /// Kept whatever `$select` names.
    static let alwaysKept: Set<String> = ["@odata.type", "@odata.etag", "id"]

    enum Selection: Equatable {
        /// No `$select`: whole items.
        case everything
        case only(Set<String>)
        /// A name that is not an event property (Graph's 400 names it).
        case unknown(String)
    }

    static func selection(_ request: EmulatorRequest) -> Selection {
        guard let text = request.parameter("$select") else { return .everything }
        var names: Set<String> = []
        for part in text.splitting(",") {
            let name = part.trimmingSpacesAndTabs
            guard eventProperties.contains(name) else { return .unknown(name) }
            names.insert(name)
        }
        return .only(names)
    }

    /// `item` with only the selected members (objects only; anything else as it is).
    static func apply(_ item: JSONValue, keeping names: Set<String>) -> JSONValue {
        guard case .object(let members) = item else { return item }
        return .object(members.filter { alwaysKept.contains($0.0) || names.contains($0.0) })
    }

    /// Graph's answer to a `$select` naming something an event does not have.
    static func unknownPropertyResponse(_ name: String) -> EmulatorResponse {
        GraphErrorBody.response(
            400, code: "RequestBroker--ParseUri",
            message: "Could not find a property named '\(name)' on type 'microsoft.graph.event'.")
    }
}
