import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// One Google calendar: its metadata and events, indexed for the two ways lists read
/// them: by id (full listings page through ids in order) and by change number
/// (incremental listings read the change log from a sync token's number on).
struct GoogleCalendarRecord {
    var id: String
    var owner: String
    var summary: String
    var description: String
    var timeZone: TimeZone
    /// Readable with an API key (`key=`) and no sign-in.
    var isPublic: Bool
    var accessRole: String
    var colorID: String
    /// The calendar-list change number of the last change to this entry.
    var listChangeNumber: Int
    /// Removed from the user's calendar list (listed as `deleted: true` in increments).
    var isDeleted = false
    /// Bumped to invalidate every sync token issued for this calendar (→ 410).
    var tokenGeneration = 0
    var updated: Date

    private(set) var events: [String: GoogleEventRecord] = [:]
    /// Every id ever stored (tombstones stay), sorted.
    private(set) var sortedIDs: [String] = []
    /// (change number, id) in the order of writes; entries for ids written again later
    /// are stale and skipped.
    private(set) var changeLog: [(number: Int, id: String)] = []

    init(
        id: String, owner: String, summary: String, timeZone: TimeZone, isPublic: Bool = false,
        accessRole: String = "owner", description: String = "", listChangeNumber: Int, now: Date
    ) {
        self.id = id
        self.owner = owner
        self.summary = summary
        self.description = description
        self.timeZone = timeZone
        self.isPublic = isPublic
        self.accessRole = accessRole
        self.colorID = String(1 + abs(id.hashValue % 24))
        self.listChangeNumber = listChangeNumber
        self.updated = now
    }

    var isPrimary: Bool { id == owner }

    func event(_ id: String) -> GoogleEventRecord? { events[id] }

    /// Stores `resource` as the new state of its event, recording the change.
    mutating func store(_ resource: JSONValue, changeNumber: Int, now: Date) {
        let eventID = resource["id"]?.stringValue ?? ""
        if var existing = events[eventID] {
            existing.replace(resource, changeNumber: changeNumber, calendarZone: timeZone)
            events[eventID] = existing
        } else {
            events[eventID] = GoogleEventRecord(resource: resource, changeNumber: changeNumber, calendarZone: timeZone)
            let index = insertionIndex(of: eventID)
            sortedIDs.insert(eventID, at: index)
        }
        changeLog.append((changeNumber, eventID))
        updated = now
    }

    /// Loads many events at once (generator, data files): one sort instead of one
    /// insertion each.
    mutating func storeBulk(_ resources: [JSONValue], firstChangeNumber: Int) {
        var number = firstChangeNumber
        for resource in resources {
            let eventID = resource["id"]?.stringValue ?? ""
            if events[eventID] == nil { sortedIDs.append(eventID) }
            events[eventID] = GoogleEventRecord(resource: resource, changeNumber: number, calendarZone: timeZone)
            changeLog.append((number, eventID))
            number += 1
        }
        sortedIDs = Array(Set(sortedIDs)).sorted()
    }

    /// The first index in `sortedIDs` whose id is greater than `id` (or equal, when
    /// `inclusive`).
    func insertionIndex(of id: String, inclusive: Bool = true) -> Int {
        var low = 0
        var high = sortedIDs.count
        while low < high {
            let middle = (low + high) / 2
            if sortedIDs[middle] < id || (!inclusive && sortedIDs[middle] == id) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    /// The first change-log index whose number is greater than `number`.
    func changeLogIndex(after number: Int) -> Int {
        var low = 0
        var high = changeLog.count
        while low < high {
            let middle = (low + high) / 2
            if changeLog[middle].number <= number { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Ids of the exceptions of a series.
    func exceptionIDs(of masterID: String) -> [String] {
        let prefix = masterID + "_"
        var ids: [String] = []
        var index = insertionIndex(of: prefix)
        while index < sortedIDs.count, sortedIDs[index].hasPrefix(prefix) {
            if events[sortedIDs[index]]?.recurringEventID == masterID { ids.append(sortedIDs[index]) }
            index += 1
        }
        return ids
    }

}
