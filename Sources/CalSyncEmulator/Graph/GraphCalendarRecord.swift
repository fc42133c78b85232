import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// One Graph calendar: its metadata and its events, with a change log from which delta
/// links answer without rescanning the calendar.
struct GraphCalendarRecord {
    var id: String
    var name: String
    /// The calendar's zone as named by whoever created it (Windows or IANA name); all-day
    /// events float in it, and the default calendar's zone is the mailbox's.
    var timeZoneName: String
    var color: String
    var hexColor: String
    var isDefault: Bool
    var canEdit = true
    var ownerName: String
    var ownerAddress: String
    /// Bumped by every change to the calendar's own properties (its `changeKey`).
    var version = 1
    /// Bumped to invalidate every delta and next link of this calendar (→ 410).
    var tokenGeneration = 0
    /// How many delta links this calendar has issued; links older than
    /// `GraphWorld.retainedDeltaLinks` issues are superseded (→ 410).
    var deltaLinksIssued = 0

    private(set) var events: [String: GraphEventRecord] = [:]
    /// (change number, id) in the order of writes; an id written again has a later entry.
    private(set) var changeLog: [(number: Int, id: String)] = []
    /// Exception and cancellation records of each series master.
    private(set) var exceptionIDs: [String: Set<String>] = [:]
    /// The change number of the last write to an event of this calendar.
    private(set) var lastChangeNumber = 0

    var zone: TimeZone { GraphTime.zone(named: timeZoneName) ?? TimeZone(identifier: "UTC")! }

    var changeKey: String { Data("calsync-calendar-\(id)-\(version)".utf8).base64EncodedString() }

    func event(_ id: String) -> GraphEventRecord? { events[id] }

    /// Every stored event (tombstones included), in no particular order.
    var records: Dictionary<String, GraphEventRecord>.Values { events.values }

    /// Every stored id (tombstones included).
    var eventIDs: Dictionary<String, GraphEventRecord>.Keys { events.keys }

    mutating func store(_ resource: JSONValue, changeNumber: Int) {
        let eventID = resource["id"]?.stringValue ?? ""
        if var existing = events[eventID] {
            existing.replace(resource, changeNumber: changeNumber, floatingZone: zone)
            events[eventID] = existing
        } else {
            events[eventID] = GraphEventRecord(resource: resource, changeNumber: changeNumber, floatingZone: zone)
        }
        if let master = resource["seriesMasterId"]?.stringValue {
            exceptionIDs[master, default: []].insert(eventID)
        }
        changeLog.append((changeNumber, eventID))
        lastChangeNumber = changeNumber
    }

    mutating func delete(_ eventID: String, changeNumber: Int) {
        events[eventID]?.delete(changeNumber: changeNumber)
        changeLog.append((changeNumber, eventID))
        lastChangeNumber = changeNumber
    }

    /// A cancelled occurrence: a deleted exception record (created if needed).
    mutating func cancelOccurrence(_ occurrence: JSONValue, changeNumber: Int) {
        store(occurrence, changeNumber: changeNumber)
        delete(occurrence["id"]?.stringValue ?? "", changeNumber: changeNumber)
    }

    /// Ids changed after change `number` (each once, in no particular order).
    func changedIDs(after number: Int) -> Set<String> {
        var low = 0
        var high = changeLog.count
        while low < high {
            let middle = (low + high) / 2
            if changeLog[middle].number <= number { low = middle + 1 } else { high = middle }
        }
        return Set(changeLog[low...].map(\.id))
    }

    /// The ids of a series' exceptions (live and cancelled).
    func exceptionIDs(of masterID: String) -> Set<String> {
        exceptionIDs[masterID] ?? []
    }

    /// The exceptions (live and cancelled) of a series, by id.
    func exceptions(of masterID: String) -> [String: GraphEventRecord] {
        var result: [String: GraphEventRecord] = [:]
        for id in exceptionIDs[masterID] ?? [] { result[id] = events[id] }
        return result
    }
}
