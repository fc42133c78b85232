import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// `GET calendars/{calendarId}/events`: full listings, pages and sync-token increments.
extension EmulatorState {
    /// Parameters Google refuses together with `syncToken` (400).
    static let parametersForbiddenWithSyncToken: Set<String> = [
        "iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty", "timeMin", "timeMax",
        "updatedMin",
    ]

    func listGoogleEvents(_ request: EmulatorRequest, calendarID: String) -> EmulatorResponse {
        guard let calendar = google.calendars[calendarID], !calendar.isDeleted else {
            return GoogleErrorBody.notFound()
        }
        let maxResults: Int
        if let text = request.parameter("maxResults") {
            guard let value = Int(text), value > 0 else { return GoogleErrorBody.invalidValue("maxResults") }
            maxResults = min(value, 2500, options.googleMaximumPageSize)
        } else {
            maxResults = min(250, options.googleMaximumPageSize)
        }
        if request.parameter("singleEvents") == "true" {
            // The emulator stores series and exceptions, as singleEvents=false lists them;
            // it does not expand rules into instances (docs/emulator.md).
            return GoogleErrorBody.badRequest("The emulator does not expand recurring events: use singleEvents=false.")
        }
        let showDeleted = request.parameter("showDeleted") == "true"
        let eventTypes = Set(request.parameters("eventTypes"))
        let timeMin = request.parameter("timeMin")
        let timeMax = request.parameter("timeMax")
        let minInstant = timeMin.flatMap(EmulatorClock.parseInstant)
        let maxInstant = timeMax.flatMap(EmulatorClock.parseInstant)
        if (timeMin != nil && minInstant == nil) || (timeMax != nil && maxInstant == nil) {
            return GoogleErrorBody.badRequest("Bad Request")
        }

        // Where this page starts.
        var listing: GoogleListToken
        if let syncToken = request.parameter("syncToken") {
            if let forbidden = request.query.first(where: { Self.parametersForbiddenWithSyncToken.contains($0.name) }) {
                return GoogleErrorBody.badRequest(
                    "Sync token cannot be used with the parameter \(forbidden.name).")
            }
            guard let token = GoogleListToken(decoding: syncToken), token.kind == .sync, token.scope == calendarID
            else { return GoogleErrorBody.invalidValue() }
            guard token.generation == calendar.tokenGeneration else { return GoogleErrorBody.fullSyncRequired() }
            listing = GoogleListToken(
                kind: .incrementPage, scope: calendarID, generation: token.generation,
                changeNumber: google.lastChangeNumber,
                position: String(calendar.changeLogIndex(after: token.changeNumber)),
                base: token.changeNumber)
        } else {
            listing = GoogleListToken(
                kind: .fullPage, scope: calendarID, generation: calendar.tokenGeneration,
                changeNumber: google.lastChangeNumber)
        }
        if let pageToken = request.parameter("pageToken") {
            guard let token = GoogleListToken(decoding: pageToken), token.kind != .sync, token.scope == calendarID
            else { return GoogleErrorBody.invalidValue("pageToken") }
            guard token.generation == calendar.tokenGeneration else { return GoogleErrorBody.fullSyncRequired() }
            listing = token
        }

        func wanted(_ event: GoogleEventRecord) -> Bool {
            if !eventTypes.isEmpty, !eventTypes.contains(event.eventType) { return false }
            if let minInstant, event.span.end <= minInstant { return false }
            if let maxInstant, event.span.start >= maxInstant { return false }
            return true
        }

        var items: [[UInt8]] = []
        var nextPosition: String?
        switch listing.kind {
        case .fullPage, .sync:
            // Cancelled exceptions are listed even without showDeleted when
            // singleEvents=false (they remove an instance of a live series).
            var index = calendar.insertionIndex(of: listing.position)
            while index < calendar.sortedIDs.count, items.count < maxResults {
                let event = calendar.event(calendar.sortedIDs[index])!
                index += 1
                guard wanted(event) else { continue }
                if event.isCancelled, !showDeleted, event.recurringEventID == nil { continue }
                items.append(event.listBytes)
            }
            if index < calendar.sortedIDs.count { nextPosition = calendar.sortedIDs[index] }
        case .incrementPage:
            var index = Int(listing.position) ?? 0
            while index < calendar.changeLog.count, items.count < maxResults {
                let entry = calendar.changeLog[index]
                index += 1
                // A later write of the same id has its own, later entry.
                guard let event = calendar.event(entry.id), event.changeNumber == entry.number, wanted(event) else {
                    continue
                }
                items.append(event.listBytes)
            }
            if index < calendar.changeLog.count { nextPosition = String(index) }
        }

        var writer = JSONWriter(reservingCapacity: items.reduce(1024) { $0 + $1.count + 1 })
        writer.append("{\"kind\":\"calendar#events\",\"etag\":")
        writer.writeString("\"\(listing.changeNumber)\"")
        writer.append(",\"summary\":")
        writer.writeString(calendar.summary)
        writer.append(",\"description\":")
        writer.writeString(calendar.description)
        writer.append(",\"updated\":")
        writer.writeString(EmulatorClock.rfc3339(calendar.updated))
        writer.append(",\"timeZone\":")
        writer.writeString(calendar.timeZone.name)
        writer.append(",\"accessRole\":")
        writer.writeString(calendar.accessRole)
        writer.append(",\"defaultReminders\":[{\"method\":\"popup\",\"minutes\":10}]")
        if let nextPosition {
            var next = listing
            next.position = nextPosition
            writer.append(",\"nextPageToken\":")
            writer.writeString(next.encoded)
        } else {
            let sync = GoogleListToken(
                kind: .sync, scope: calendarID, generation: calendar.tokenGeneration,
                changeNumber: listing.changeNumber)
            writer.append(",\"nextSyncToken\":")
            writer.writeString(sync.encoded)
        }
        writer.append(",\"items\":[")
        for (index, item) in items.enumerated() {
            if index > 0 { writer.append(",") }
            writer.writeRaw(item)
        }
        writer.append("]}")
        return .json(200, bytes: writer.output, headers: [(name: "Cache-Control", value: "private, max-age=0")])
    }
}
