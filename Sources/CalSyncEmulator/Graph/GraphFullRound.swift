import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
package import Foundation

/// The items of a full calendarView delta round (no `$deltatoken`), each kept as what it
/// is made of (``GraphRound``) and rendered straight into bytes page by page.
///
/// A full round of a big calendar is mostly occurrence stubs (a 100,000-event mailbox
/// has about two million in a year's window). Building each as a `JSONValue` tree, then
/// a dictionary of all of them, then serializing, took seconds per round; here a series
/// writes the members its stubs share once and each stub adds its id and times. The
/// items equal the general path's (`graphViewItems`, which increments still take); a
/// test compares the two for a generated calendar.
extension EmulatorState {
    func graphFullRound(
        of calendar: GraphCalendarRecord, window: (start: Date, end: Date), output: GraphEventResource.Output
    ) -> GraphRound {
        var items: [GraphRound.Item] = []
        items.reserveCapacity(calendar.records.count * 4)
        var stubWriters: [GraphOccurrenceStubWriter] = []
        let floatingZone = calendar.zone
        // Records are read in place: looking each id up copied the record (and retained
        // its members) once per event.
        for record in calendar.records where !record.isDeleted {
            let id = record.id
            if record.isSeriesMaster {
                let stubs = GraphOccurrenceStubWriter(master: record, output: output)
                let series = stubWriters.count
                stubWriters.append(stubs)
                let exceptions = calendar.exceptionIDs(of: id)
                for occurrence in GraphEventResource.occurrences(
                    of: record, floatingZone: floatingZone, from: window.start, to: window.end)
                {
                    let occurrenceID = stubs.occurrenceID(occurrence)
                    // An exception (or cancellation) stands for its occurrence.
                    if !exceptions.isEmpty, exceptions.contains(occurrenceID) { continue }
                    items.append(
                        GraphRound.Item(id: occurrenceID, content: .occurrence(series: series, occurrence: occurrence)))
                }
            } else if graphIsLive(record, in: calendar, window: window) {
                items.append(GraphRound.Item(id: id, content: .event(record.resource)))
            }
        }
        // Ids are unique here (an occurrence with an exception was skipped), so any sort
        // gives the general path's id order.
        GraphRoundOrder.sortByID(&items)
        return GraphRound(items: items, stubs: stubWriters, output: output, floatingZone: floatingZone)
    }

    /// Both renderings of a full round of `calendarID` over `[start, end)` in UTC, for the
    /// test that keeps them equal.
    package func graphFullRoundRenderings(
        calendarID: String, start: Date, end: Date
    ) -> (fast: [(id: String, bytes: [UInt8])], general: [(id: String, bytes: [UInt8])]) {
        let calendar = graph.calendars[calendarID]!
        let window = (start: start, end: end)
        var items: [String: JSONValue] = [:]
        for id in calendar.eventIDs {
            graphViewItems(of: id, in: calendar, window: window, output: .utc, since: nil, into: &items)
        }
        let general = items.keys.sorted().map { (id: $0, bytes: items[$0]!.bytes) }
        let round = graphFullRound(of: calendar, window: window, output: .utc)
        return (round.items.map { (id: $0.id, bytes: round.bytes(of: $0)) }, general)
    }
}

/// Writes the occurrence stubs of one series master:
/// `{"@odata.type","@odata.etag","id","seriesMasterId","type","start","end"}`, the members
/// and order of ``GraphEventResource/stub(_:master:floatingZone:output:)``.
struct GraphOccurrenceStubWriter {
    let master: GraphEventRecord
    let output: GraphEventResource.Output
    /// The master's id, all-day flag and duration, read once: each is a member lookup.
    private let masterID: String
    private let isAllDay: Bool
    private let duration: TimeInterval
    /// The master's id in base64, the tail of every occurrence id of the series.
    private let encodedMasterID: String
    /// `{"@odata.type":…,"@odata.etag":…,"id":`
    private let head: [UInt8]
    /// `,"seriesMasterId":…,"type":"occurrence","start":{"dateTime":`
    private let middle: [UInt8]
    /// `","timeZone":…},"end":{"dateTime":"` from the start's time to the end's.
    private let startToEnd: [UInt8]
    /// `","timeZone":…}}` after the end's time.
    private let tail: [UInt8]

    init(master: GraphEventRecord, output: GraphEventResource.Output) {
        self.master = master
        self.output = output
        masterID = master.id
        isAllDay = master.isAllDay
        duration = master.duration
        encodedMasterID = GraphIDs.base64URL(Array(masterID.utf8))
        var writer = JSONWriter()
        writer.append("{\"@odata.type\":\"#microsoft.graph.event\",\"@odata.etag\":")
        writer.write(master.resource["@odata.etag"] ?? .null)
        writer.append(",\"id\":")
        head = writer.output
        writer = JSONWriter()
        writer.append(",\"seriesMasterId\":")
        writer.writeString(masterID)
        writer.append(",\"type\":\"occurrence\",\"start\":{\"dateTime\":")
        middle = writer.output
        writer = JSONWriter()
        writer.append("\",\"timeZone\":")
        writer.writeString(output.name)
        writer.append("}")
        let zoneTail = writer.output
        startToEnd = zoneTail + Array(",\"end\":{\"dateTime\":\"".utf8)
        tail = zoneTail + [UInt8(ascii: "}")]
    }

    func occurrenceID(_ occurrence: GraphRecurrence.Occurrence) -> String {
        GraphIDs.occurrenceID(masterID: masterID, encodedMasterID: encodedMasterID, dayKey: occurrence.dayKey)
    }

    /// The stub's bytes, appended without `JSONWriter`: the id (base64 the emulator
    /// made) and the times (digits) never need escaping.
    func stub(_ occurrence: GraphRecurrence.Occurrence, id: String, floatingZone: TimeZone) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(head.count + middle.count + startToEnd.count + tail.count + id.utf8.count + 60)
        bytes.append(contentsOf: head)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: id.utf8)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: middle)
        bytes.append(UInt8(ascii: "\""))
        if isAllDay {
            // All-day series are few; they keep the general path's calendar arithmetic.
            let times = GraphEventResource.times(
                occurrence, master: master, floatingZone: floatingZone, output: output)
            bytes.append(contentsOf: (times.start["dateTime"]?.stringValue ?? "").utf8)
            bytes.append(contentsOf: startToEnd)
            bytes.append(contentsOf: (times.end["dateTime"]?.stringValue ?? "").utf8)
        } else {
            EmulatorClock.appendGraphDateTime(occurrence.start, in: output.zone, to: &bytes)
            bytes.append(contentsOf: startToEnd)
            EmulatorClock.appendGraphDateTime(
                occurrence.start.addingTimeInterval(duration), in: output.zone, to: &bytes)
        }
        bytes.append(contentsOf: tail)
        return bytes
    }
}

extension GraphEventResource {
    /// `deltaItem(resource, in: output).bytes`, written member by member: the resource's
    /// members are not copied twice over for `start` and `end` (`render`) and once more
    /// for `@odata.type`, which made a single event cost as much as a hundred stubs.
    static func deltaItemBytes(_ resource: JSONValue, in output: Output) -> [UInt8] {
        guard case .object(let members) = resource else { return deltaItem(resource, in: output).bytes }
        let isAllDay = resource["isAllDay"]?.boolValue == true
        /// The value `render` gives `key`, or nil where it keeps the stored one.
        func rendered(_ key: String, _ value: JSONValue?) -> JSONValue? {
            if isAllDay { return GraphTime.floating(value, named: output.name) }
            return GraphTime.instant(value).map { GraphTime.value($0, in: output.zone, named: output.name) }
        }
        var writer = JSONWriter(reservingCapacity: 2048)
        writer.append("{\"@odata.type\":\"#microsoft.graph.event\"")
        var seen = (start: false, end: false)
        for (key, value) in members {
            writer.append(",")
            writer.writeString(key)
            writer.append(":")
            if key == "start" || key == "end" {
                if key == "start" { seen.start = true } else { seen.end = true }
                writer.write(rendered(key, value) ?? value)
            } else if key == "body" {
                writer.write(body(value, in: output) ?? value)
            } else {
                writer.write(value)
            }
        }
        // `render` appends an all-day event's missing times at the end.
        for (key, present) in [("start", seen.start), ("end", seen.end)] where !present {
            guard let value = rendered(key, nil) else { continue }
            writer.append(",")
            writer.writeString(key)
            writer.append(":")
            writer.write(value)
        }
        writer.append("}")
        return writer.output
    }
}
