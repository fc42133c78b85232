import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// One stored Graph event: a `singleInstance`, a `seriesMaster`, or an `exception` (a
/// modified occurrence, whose id is the occurrence's id). A deleted event stays as a
/// tombstone so delta increments can report it as `@removed`; a deleted exception is a
/// cancelled occurrence (the series skips that date).
struct GraphEventRecord {
    /// The event as Graph returns it from `GET …/events/{id}` (times in their own zones).
    private(set) var resource: JSONValue
    /// The change number of the last write; a delta token is "everything after N".
    private(set) var changeNumber: Int
    private(set) var isDeleted: Bool
    /// When the event happens (all-day events read in the calendar's zone); for a series
    /// master, its first occurrence.
    private(set) var span: (start: Date, end: Date)
    /// Earlier versions of a series master (change number, resource), so an increment can
    /// tell which occurrences the client saw and must now remove.
    private(set) var history: [(number: Int, resource: JSONValue)] = []

    init(resource: JSONValue, changeNumber: Int, floatingZone: TimeZone) {
        self.resource = resource
        self.changeNumber = changeNumber
        self.isDeleted = false
        self.span = Self.span(of: resource, floatingZone: floatingZone)
    }

    var id: String { resource["id"]?.stringValue ?? "" }
    var type: String { resource["type"]?.stringValue ?? "singleInstance" }
    var isSeriesMaster: Bool { type == "seriesMaster" }
    var seriesMasterID: String? { resource["seriesMasterId"]?.stringValue }
    var isAllDay: Bool { resource["isAllDay"]?.boolValue == true }
    var duration: TimeInterval { span.end.timeIntervalSince(span.start) }

    mutating func replace(_ resource: JSONValue, changeNumber: Int, floatingZone: TimeZone) {
        if isSeriesMaster || resource["type"]?.stringValue == "seriesMaster" {
            history.append((self.changeNumber, self.resource))
        }
        self.resource = resource
        self.changeNumber = changeNumber
        self.isDeleted = false
        self.span = Self.span(of: resource, floatingZone: floatingZone)
    }

    mutating func delete(changeNumber: Int) {
        if isSeriesMaster { history.append((self.changeNumber, resource)) }
        self.changeNumber = changeNumber
        isDeleted = true
    }

    /// The master as it was right after change `number` (nil: it did not exist yet).
    func version(asOf number: Int) -> JSONValue? {
        if changeNumber <= number { return isDeleted ? nil : resource }
        return history.last { $0.number <= number }?.resource
    }

    /// Start and end instants; all-day dates are midnights in `floatingZone`.
    static func span(of resource: JSONValue, floatingZone: TimeZone) -> (start: Date, end: Date) {
        let start: Date?
        let end: Date?
        if resource["isAllDay"]?.boolValue == true {
            start = resource["start"]?["dateTime"]?.stringValue.flatMap {
                EmulatorClock.parseDate(String($0.prefix(10)), in: floatingZone)
            }
            end = resource["end"]?["dateTime"]?.stringValue.flatMap {
                EmulatorClock.parseDate(String($0.prefix(10)), in: floatingZone)
            }
        } else {
            start = GraphTime.instant(resource["start"])
            end = GraphTime.instant(resource["end"])
        }
        let first = start ?? .distantPast
        return (first, max(first, end ?? first))
    }
}
