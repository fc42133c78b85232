import Foundation

/// One Google event as the emulator stores it: the full JSON resource, its encoded
/// bytes (cached, so a 2,500-item page is a concatenation, not 2,500 encodings), and the
/// facts the list filters need.
struct GoogleEventRecord {
    private(set) var resource: JSONValue
    /// The JSON that lists return: the whole resource, or the tombstone form of a
    /// cancelled event (`kind`, `etag`, `id`, `status`, plus `recurringEventId` and
    /// `originalStartTime` for a cancelled instance), as Google sends them.
    private(set) var listBytes: [UInt8]
    /// The change number of the last write; a sync token is "everything after N".
    var changeNumber: Int
    private(set) var span: (start: Date, end: Date)

    init(resource: JSONValue, changeNumber: Int, calendarZone: TimeZone) {
        self.resource = resource
        self.changeNumber = changeNumber
        self.listBytes = []
        self.span = (.distantPast, .distantFuture)
        refresh(calendarZone: calendarZone)
    }

    var id: String { resource["id"]?.stringValue ?? "" }
    var etag: String { resource["etag"]?.stringValue ?? "" }
    var isCancelled: Bool { resource["status"]?.stringValue == "cancelled" }
    var recurringEventID: String? { resource["recurringEventId"]?.stringValue }
    var isSeriesMaster: Bool { resource["recurrence"]?.arrayValue?.isEmpty == false }
    var eventType: String { resource["eventType"]?.stringValue ?? "default" }

    mutating func replace(_ resource: JSONValue, changeNumber: Int, calendarZone: TimeZone) {
        self.resource = resource
        self.changeNumber = changeNumber
        refresh(calendarZone: calendarZone)
    }

    private mutating func refresh(calendarZone: TimeZone) {
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
            listBytes = resource.bytes
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

/// Google's `{date}` / `{dateTime, timeZone}` values.
enum GoogleTime {
    static func instant(_ value: JSONValue, calendarZone: TimeZone) -> Date? {
        if let dateTime = value["dateTime"]?.stringValue {
            if let instant = EmulatorClock.parseInstant(dateTime) { return instant }
            // A dateTime without an offset is read in its own timeZone (Google accepts it).
            let zone = value["timeZone"]?.stringValue.flatMap(TimeZone.init(identifier:)) ?? calendarZone
            return EmulatorClock.parseLocal(dateTime, in: zone)
        }
        if let date = value["date"]?.stringValue {
            return EmulatorClock.parseDate(date, in: calendarZone)
        }
        return nil
    }

    static func isAllDay(_ value: JSONValue?) -> Bool {
        value?["date"] != nil
    }
}
