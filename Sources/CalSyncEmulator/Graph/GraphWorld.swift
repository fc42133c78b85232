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

/// Ids the emulator makes: Graph-looking base64 for events, and occurrence ids that are
/// opaque to clients as Graph's are (`AAMkAGOc` + URL-safe base64 of the original date
/// and the series' id): stable for an occurrence, never the master's id with something
/// appended, and read back only by the emulator (``occurrenceParts(_:)``).
enum GraphIDs {
    static let occurrencePrefix = "AAMkAGOc"

    static func occurrenceID(masterID: String, dayKey: String) -> String {
        occurrencePrefix + base64URL(Array(dayKey.utf8) + [UInt8(ascii: "|")] + Array(masterID.utf8))
    }

    /// The same id from the master's id already in base64: the day key and `|` are nine
    /// bytes, whole base64 groups, so the master's part never depends on the day and a
    /// round encodes each series once instead of once per occurrence.
    static func occurrenceID(masterID: String, encodedMasterID: String, dayKey: String) -> String {
        guard dayKey.utf8.count == 8 else { return occurrenceID(masterID: masterID, dayKey: dayKey) }
        var id: [UInt8] = []
        id.reserveCapacity(20 + encodedMasterID.utf8.count)
        id.append(contentsOf: occurrencePrefix.utf8)
        appendBase64URL(Array(dayKey.utf8) + [UInt8(ascii: "|")], to: &id)
        id.append(contentsOf: encodedMasterID.utf8)
        return String(decoding: id, as: UTF8.self)
    }

    static func occurrenceParts(_ id: String) -> (masterID: String, dayKey: String)? {
        guard id.hasPrefix(occurrencePrefix), let bytes = decodeBase64URL(id.dropFirst(occurrencePrefix.count)),
            bytes.count > 9, bytes[8] == UInt8(ascii: "|"), bytes[..<8].allSatisfy({ (0x30...0x39).contains($0) })
        else { return nil }
        return (String(decoding: bytes[9...], as: UTF8.self), String(decoding: bytes[..<8], as: UTF8.self))
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Base64 with `-` and `_` for `+` and `/` (Graph's ids travel in URL paths) and `=`
    /// padding; written by hand, as a 100,000-event round makes two million of them.
    static func base64URL(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        appendBase64URL(bytes, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    static func appendBase64URL(_ bytes: [UInt8], to output: inout [UInt8]) {
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
    }

    /// Byte by byte: Foundation's `replacingOccurrences` bridges to NSString, and the
    /// generator reads back the id of every occurrence it edits.
    static func decodeBase64URL(_ text: Substring) -> [UInt8]? {
        var standard = text.utf8.map { byte in
            switch byte {
            case UInt8(ascii: "-"): UInt8(ascii: "+")
            case UInt8(ascii: "_"): UInt8(ascii: "/")
            default: byte
            }
        }
        while standard.count % 4 != 0 { standard.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(standard)).map(Array.init)
    }

    static func changeKey(_ number: Int) -> String {
        Data("calsync-event-change-\(number)".utf8).base64EncodedString()
    }
}
