import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// Rounds, keyed by everything that decides their items, so the pages of one round
/// expand the calendar once. Any write to the calendar changes the key.
struct GraphRoundCache {
    var entries: [(key: String, round: GraphRound)] = []

    func round(for key: String) -> GraphRound? {
        entries.first { $0.key == key }?.round
    }

    mutating func store(_ round: GraphRound, for key: String) {
        entries.append((key, round))
        if entries.count > 8 { entries.removeFirst() }
    }
}

/// A request the delta endpoint refuses, with the answer to send.
struct GraphRefusal: Error {
    let response: EmulatorResponse
}

/// `GET me/calendars/{id}/calendarView/delta`: full rounds, `$skiptoken` pages and
/// `$deltatoken` increments.
extension EmulatorState {
    func graphCalendarViewDelta(_ request: EmulatorRequest, calendarID: String) -> EmulatorResponse {
        let token: GraphDeltaToken
        do {
            token = try graphRoundPosition(request, calendarID: calendarID)
        } catch {
            return error.response
        }

        let (output, applied) = graphOutput(request)
        let pageSize = graphPageSize(request)
        let round = graphRound(calendarID: calendarID, token: token, output: output)
        let items = round.items
        var index = 0
        if !token.position.isEmpty {
            // Items are in id order: continue after the last id delivered.
            var high = items.count
            while index < high {
                let middle = (index + high) / 2
                if items[middle].id <= token.position { index = middle + 1 } else { high = middle }
            }
        }
        let page = items[index..<min(items.count, index + pageSize.size)]
        let link: String
        let linkBase = "\(graphRoot)/me/calendars/\(Self.percentEncodedSegment(calendarID))/calendarView/delta"
        if index + page.count < items.count, let last = page.last {
            var next = token
            next.position = last.id
            link =
                ",\"@odata.nextLink\":"
                + String(decoding: JSONValue.string("\(linkBase)?$skiptoken=\(next.encoded)").bytes, as: UTF8.self)
        } else {
            graph.calendars[calendarID]!.deltaLinksIssued += 1
            let delta = GraphDeltaToken(
                kind: .delta, calendarID: calendarID, generation: token.generation, windowStart: token.windowStart,
                windowEnd: token.windowEnd, base: token.snapshot,
                snapshot: graph.calendars[calendarID]!.deltaLinksIssued)
            link =
                ",\"@odata.deltaLink\":"
                + String(decoding: JSONValue.string("\(linkBase)?$deltatoken=\(delta.encoded)").bytes, as: UTF8.self)
        }
        let rendered = page.map { round.bytes(of: $0) }
        var writer = JSONWriter(reservingCapacity: rendered.reduce(512) { $0 + $1.count + 1 })
        writer.append("{\"@odata.context\":")
        writer.writeString("\(graphRoot)/$metadata#Collection(event)")
        writer.append(link)
        writer.append(",\"value\":[")
        for (offset, bytes) in rendered.enumerated() {
            if offset > 0 { writer.append(",") }
            writer.writeRaw(bytes)
        }
        writer.append("]}")
        var headers: [(name: String, value: String)] = [(name: "Cache-Control", value: "private")]
        let preferences = ["odata.track-changes"] + [pageSize.applied, applied].compactMap { $0 }
        headers.append((name: "Preference-Applied", value: preferences.joined(separator: ", ")))
        return .json(200, bytes: writer.output, headers: headers)
    }

    /// Where a request's page starts: a new round (window parameters), a page of a round
    /// (`$skiptoken`) or a new increment (`$deltatoken`, 410 when expired or superseded).
    func graphRoundPosition(
        _ request: EmulatorRequest, calendarID: String
    ) throws(GraphRefusal) -> GraphDeltaToken {
        let generation = graph.calendars[calendarID]!.tokenGeneration
        let linksIssued = graph.calendars[calendarID]!.deltaLinksIssued
        let names = Set(request.query.map(\.name))
        let windowNames: Set<String> = ["startDateTime", "endDateTime"]
        guard let text = request.parameter("$skiptoken") ?? request.parameter("$deltatoken") else {
            guard names.isSubset(of: windowNames) else {
                let extra = names.subtracting(windowNames).sorted().joined(separator: ", ")
                throw GraphRefusal(
                    response: GraphErrorBody.badRequest(
                        "The query parameter \(extra) is not supported with calendarView delta."))
            }
            guard let startText = request.parameter("startDateTime"), let endText = request.parameter("endDateTime")
            else {
                throw GraphRefusal(
                    response: GraphErrorBody.response(
                        400, code: "ErrorInvalidParameter",
                        message: "This request requires a time window specified by the query string parameters "
                            + "StartDateTime and EndDateTime."))
            }
            guard let start = GraphTime.queryInstant(startText), let end = GraphTime.queryInstant(endText), start < end
            else {
                throw GraphRefusal(
                    response: GraphErrorBody.badRequest("The startDateTime or endDateTime value is invalid."))
            }
            return GraphDeltaToken(
                kind: .skip, calendarID: calendarID, generation: generation, windowStart: start, windowEnd: end,
                base: -1, snapshot: graph.lastChangeNumber)
        }
        guard names.count == 1 else {
            throw GraphRefusal(
                response: GraphErrorBody.badRequest("Only $skiptoken or $deltatoken may be given with a delta link."))
        }
        let expected: GraphDeltaToken.Kind = request.parameter("$skiptoken") != nil ? .skip : .delta
        guard var token = GraphDeltaToken(decoding: text), token.kind == expected, token.calendarID == calendarID
        else {
            throw GraphRefusal(
                response: GraphErrorBody.response(
                    400, code: "ErrorInvalidUrlQuery", message: "The delta token is malformed."))
        }
        guard token.generation == generation else { throw GraphRefusal(response: GraphErrorBody.syncStateNotFound()) }
        if token.kind == .delta {
            guard linksIssued - token.snapshot < GraphWorld.retainedDeltaLinks else {
                throw GraphRefusal(response: GraphErrorBody.syncStateNotFound())
            }
            // An increment starts: a round over the changes after the link's base.
            token.kind = .skip
            token.snapshot = graph.lastChangeNumber
        }
        return token
    }

    /// `Prefer: odata.maxpagesize=N`, lowered to the largest page the emulator serves.
    func graphPageSize(_ request: EmulatorRequest) -> (size: Int, applied: String?) {
        for preference in request.headerValues("Prefer") {
            let parts = preference.splitting("=", maxSplits: 1).map {
                $0.trimmingSpacesAndTabs
            }
            if parts.count == 2, parts[0].lowercased() == "odata.maxpagesize", let size = Int(parts[1]), size > 0 {
                let granted = min(size, options.graphMaximumPageSize)
                return (granted, "odata.maxpagesize=\(granted)")
            }
        }
        return (max(1, options.graphDefaultPageSize), nil)
    }

    /// Every item of a round in id order: the whole window (full round) or what changed
    /// after the token's base (increment). Cached until the calendar changes.
    func graphRound(
        calendarID: String, token: GraphDeltaToken, output: GraphEventResource.Output
    ) -> GraphRound {
        let calendar = graph.calendars[calendarID]!
        let key = [
            calendarID, String(token.generation), String(token.windowStart.timeIntervalSince1970),
            String(token.windowEnd.timeIntervalSince1970), String(token.base), output.key,
            String(calendar.lastChangeNumber),
        ].joined(separator: "|")
        if let cached = graph.roundCache.round(for: key) { return cached }
        let window = (start: token.windowStart, end: token.windowEnd)
        let round: GraphRound
        if token.base < 0 {
            round = graphFullRound(of: calendar, window: window, output: output)
        } else {
            var items: [String: JSONValue] = [:]
            for id in calendar.changedIDs(after: token.base) {
                graphViewItems(of: id, in: calendar, window: window, output: output, since: token.base, into: &items)
            }
            round = GraphRound(
                items: items.keys.sorted().map { GraphRound.Item(id: $0, content: .rendered(items[$0]!.bytes)) },
                stubs: [], output: output, floatingZone: calendar.zone)
        }
        graph.roundCache.store(round, for: key)
        return round
    }

    /// Whether a single instance or exception is in a round over `window`: not deleted,
    /// overlapping it, and (an exception) of a live series.
    func graphIsLive(
        _ record: GraphEventRecord, in calendar: GraphCalendarRecord, window: (start: Date, end: Date)
    ) -> Bool {
        guard !record.isDeleted, Self.graphOverlaps(record.span, window) else { return false }
        guard let masterID = record.seriesMasterID else { return true }
        return calendar.event(masterID).map { !$0.isDeleted } == true
    }

    /// Overlap as calendarView has it: an instant event counts at the window's start.
    static func graphOverlaps(_ span: (start: Date, end: Date), _ window: (start: Date, end: Date)) -> Bool {
        span.start < window.end && (span.end > window.start || (span.start == span.end && span.start >= window.start))
    }

    /// The delta items one stored event contributes. A full round (`since == nil`) lists
    /// live items in the window; an increment also lists `@removed` for items that were
    /// deleted or left the window, and for a changed series every occurrence in the window
    /// plus `@removed` for occurrences it no longer has.
    func graphViewItems(
        of id: String, in calendar: GraphCalendarRecord, window: (start: Date, end: Date),
        output: GraphEventResource.Output, since: Int?, into items: inout [String: JSONValue]
    ) {
        guard let record = calendar.event(id) else { return }
        if !record.isSeriesMaster {
            if graphIsLive(record, in: calendar, window: window) {
                items[id] = GraphEventResource.deltaItem(record.resource, in: output)
            } else if since != nil, items[id] == nil {
                items[id] = GraphEventResource.removed(id)
            }
            return
        }
        let exceptions = calendar.exceptions(of: id)
        var current: Set<String> = []
        if !record.isDeleted {
            for occurrence in GraphEventResource.occurrences(
                of: record, floatingZone: calendar.zone, from: window.start, to: window.end)
            {
                let occurrenceID = GraphIDs.occurrenceID(masterID: id, dayKey: occurrence.dayKey)
                current.insert(occurrenceID)
                if exceptions[occurrenceID] != nil { continue }
                items[occurrenceID] = GraphEventResource.stub(
                    occurrence, master: record, floatingZone: calendar.zone, output: output)
            }
        }
        guard let since, let before = record.version(asOf: since) else { return }
        for occurrence in GraphEventResource.occurrences(
            of: record, resource: before, floatingZone: calendar.zone, from: window.start, to: window.end)
        {
            let occurrenceID = GraphIDs.occurrenceID(masterID: id, dayKey: occurrence.dayKey)
            if current.contains(occurrenceID) && exceptions[occurrenceID] == nil { continue }
            if let exception = exceptions[occurrenceID], !exception.isDeleted, !record.isDeleted,
                Self.graphOverlaps(exception.span, window)
            {
                continue
            }
            if items[occurrenceID] == nil { items[occurrenceID] = GraphEventResource.removed(occurrenceID) }
        }
    }
}
