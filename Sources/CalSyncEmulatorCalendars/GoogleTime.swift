package import CalSyncEmulatorServer
package import Foundation

/// Google's `{date}` / `{dateTime, timeZone}` values: `{"date"}` for all-day events,
/// `{"dateTime","timeZone"}` otherwise.
package enum GoogleTime {
    package static func instant(_ value: JSONValue, calendarZone: TimeZone) -> Date? {
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

    package static func isAllDay(_ value: JSONValue?) -> Bool {
        value?["date"] != nil
    }

    package static func value(_ date: Date, allDay: Bool, zone: TimeZone) -> JSONValue {
        allDay
            ? .object([("date", .string(EmulatorClock.dateString(date, in: zone)))])
            : .object([
                ("dateTime", .string(EmulatorClock.googleDateTime(date, in: zone))),
                ("timeZone", .string(zone.name)),
            ])
    }
}
