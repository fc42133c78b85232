import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// One Google event as the emulator stores it: the resource's encoded JSON (so a
/// 2,500-item page is a concatenation, not 2,500 encodings, and 100,000 events take
/// bytes rather than trees), and the facts the list filters need. Writes, which are rare,
/// parse the bytes back.
struct GoogleEventRecord {
    /// The whole resource, as `GET` returns it.
    private(set) var resourceBytes: [UInt8]
    /// The JSON that lists return: the whole resource, or the tombstone form of a
    /// cancelled event (`kind`, `etag`, `id`, `status`, plus `recurringEventId` and
    /// `originalStartTime` for a cancelled instance), as Google sends them.
    private(set) var listBytes: [UInt8]
    /// The change number of the last write; a sync token is "everything after N".
    var changeNumber: Int
    private(set) var span: (start: Date, end: Date)
    private(set) var id: String
    private(set) var etag: String
    private(set) var isCancelled: Bool
    private(set) var recurringEventID: String?
    private(set) var isSeriesMaster: Bool
    private(set) var eventType: String

    init(resource: JSONValue, changeNumber: Int, calendarZone: TimeZone) {
        self.changeNumber = changeNumber
        self.resourceBytes = []
        self.listBytes = []
        self.span = (.distantPast, .distantFuture)
        self.id = ""
        self.etag = ""
        self.isCancelled = false
        self.isSeriesMaster = false
        self.eventType = "default"
        refresh(resource, calendarZone: calendarZone)
    }

    /// The resource as a JSON tree (parsed from the stored bytes).
    var resource: JSONValue {
        // The bytes were written by JSONWriter from a tree: they always parse.
        (try? JSONValue.parse(Data(resourceBytes))) ?? .object([])
    }

    mutating func replace(_ resource: JSONValue, changeNumber: Int, calendarZone: TimeZone) {
        self.changeNumber = changeNumber
        refresh(resource, calendarZone: calendarZone)
    }

    private mutating func refresh(_ resource: JSONValue, calendarZone: TimeZone) {
        id = resource["id"]?.stringValue ?? ""
        etag = resource["etag"]?.stringValue ?? ""
        isCancelled = resource["status"]?.stringValue == "cancelled"
        recurringEventID = resource["recurringEventId"]?.stringValue
        isSeriesMaster = resource["recurrence"]?.arrayValue?.isEmpty == false
        eventType = resource["eventType"]?.stringValue ?? "default"
        resourceBytes = resource.bytes
        if isCancelled {
            var tombstone: JSONValue = .object([
                ("kind", "calendar#event"), ("etag", .string(etag)), ("id", .string(id)), ("status", "cancelled"),
            ])
            if let recurringEventID {
                tombstone.set("recurringEventId", .string(recurringEventID))
                tombstone.set("originalStartTime", resource["originalStartTime"])
            }
            listBytes = tombstone.bytes
        } else {
            listBytes = resourceBytes
        }
        span = Self.span(of: resource, calendarZone: calendarZone)
    }

    /// When the event (or, for a series, the whole series) happens, for `timeMin`/`timeMax`.
    /// A series without `UNTIL` runs forever; one with `COUNT` is treated as unbounded
    /// too (the emulator does not expand rules: documented in docs/emulator.md).
    static func span(of resource: JSONValue, calendarZone: TimeZone) -> (start: Date, end: Date) {
        let anchor = resource["originalStartTime"] ?? resource["start"]
        let start = anchor.flatMap { GoogleTime.instant($0, calendarZone: calendarZone) } ?? .distantPast
        var end = resource["end"].flatMap { GoogleTime.instant($0, calendarZone: calendarZone) } ?? start
        if let rules = resource["recurrence"]?.arrayValue, !rules.isEmpty {
            end = .distantFuture
            for line in rules.compactMap(\.stringValue) where line.uppercased().contains("UNTIL=") {
                let until = line.uppercased().components(separatedBy: "UNTIL=")[1].prefix { $0 != ";" }
                let digits = until.filter(\.isNumber)
                if digits.count >= 8, let year = Int(digits.prefix(4)),
                    let month = Int(digits.dropFirst(4).prefix(2)), let day = Int(digits.dropFirst(6).prefix(2)),
                    let date = Calendar.gregorian(in: calendarZone).date(
                        from: DateComponents(year: year, month: month, day: day + 2))
                {
                    end = date
                }
            }
        }
        return (start, max(start, end))
    }
}
