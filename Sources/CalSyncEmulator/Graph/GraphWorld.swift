import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// Everything the Graph emulator knows: the signed-in user's calendars, their events,
/// the change counter behind delta links, and `transactionId`s of created events.
struct GraphWorld {
    /// A calendar keeps honouring this many of its most recent delta links; older ones are
    /// "superseded" and answer 410 `SyncStateNotFound` (Graph evicts old delta tokens
    /// from a cache; the emulator makes the limit a number).
    static let retainedDeltaLinks = 100

    var calendars: [String: GraphCalendarRecord] = [:]
    /// Calendar ids in creation order (the order of `me/calendars`).
    var calendarOrder: [String] = []
    /// One counter for every write to every calendar.
    private(set) var lastChangeNumber = 0
    /// `transactionId` → (calendar, event id) of the event its first POST created.
    var transactions: [String: (calendarID: String, eventID: String)] = [:]
    /// Rendered delta rounds, so paging through a round does not expand every series again
    /// for every page (see `GraphRoundCache`).
    var roundCache = GraphRoundCache()

    /// The default calendar every mailbox starts with (`me/calendar`).
    static let defaultCalendarID = "AAMkAGNhbHN5bmMtZGVmYXVsdC1jYWxlbmRhcgAuAAA="

    mutating func addCalendar(id: String, name: String, timeZone: String, owner: String, isDefault: Bool = true) {
        let colors = [("lightBlue", "#a6d1f5"), ("lightGreen", "#87d28e"), ("lightOrange", "#fcab73"), ("auto", "")]
        let color = colors[calendarOrder.count % colors.count]
        if isDefault {
            for other in calendarOrder { calendars[other]?.isDefault = false }
        }
        let local = owner.split(separator: "@").first.map(String.init) ?? owner
        calendars[id] = GraphCalendarRecord(
            id: id, name: name, timeZoneName: timeZone, color: color.0, hexColor: color.1, isDefault: isDefault,
            ownerName: local.prefix(1).uppercased() + local.dropFirst(), ownerAddress: owner)
        calendarOrder.append(id)
    }

    mutating func nextChangeNumber() -> Int {
        lastChangeNumber += 1
        return lastChangeNumber
    }

    var defaultCalendarID: String? { calendarOrder.first { calendars[$0]?.isDefault == true } }

    /// The calendar holding an event id (or the master of an occurrence id).
    func calendarID(holding eventID: String) -> String? {
        if let id = calendarOrder.first(where: { calendars[$0]?.event(eventID) != nil }) { return id }
        guard let (masterID, _) = GraphIDs.occurrenceParts(eventID) else { return nil }
        return calendarOrder.first { calendars[$0]?.event(masterID) != nil }
    }
}

/// Ids the emulator makes: Graph-looking base64 for events, and occurrence ids that name
/// their series and date (`<masterId>_<yyyyMMdd>`), as Graph's ids encode the original date.
enum GraphIDs {
    static func occurrenceID(masterID: String, dayKey: String) -> String {
        masterID + "_" + dayKey
    }

    static func occurrenceParts(_ id: String) -> (masterID: String, dayKey: String)? {
        guard let separator = id.lastIndex(of: "_") else { return nil }
        let day = id[id.index(after: separator)...]
        guard day.count == 8, day.allSatisfy(\.isNumber) else { return nil }
        return (String(id[..<separator]), String(day))
    }

    static func changeKey(_ number: Int) -> String {
        Data("calsync-event-change-\(number)".utf8).base64EncodedString()
    }
}
