import CalSyncICal
import Foundation

/// Converts between instants and wall-clock times in one zone, with the system's zone
/// database (tzdata): the DST-correct step between libical's floating iteration and the
/// store's UTC instants.
struct ZoneClock {
    let zone: TimeZone
    private let calendar: Calendar

    init(zone: TimeZone) {
        self.zone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    func wallClock(of instant: Date, isDate: Bool = false) -> WallClock {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        return WallClock(
            year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1, hour: isDate ? 0 : parts.hour ?? 0,
            minute: isDate ? 0 : parts.minute ?? 0, second: isDate ? 0 : parts.second ?? 0, isDate: isDate)
    }

    /// A wall-clock instance as the store's value. A time that does not exist (skipped by
    /// a spring-forward change) moves forward by the gap, as calendar programs do.
    func eventTime(_ wallClock: WallClock) -> EventTime {
        if wallClock.isDate {
            return .date(CalendarDate(year: wallClock.year, month: wallClock.month, day: wallClock.day))
        }
        let parts = DateComponents(
            year: wallClock.year, month: wallClock.month, day: wallClock.day, hour: wallClock.hour,
            minute: wallClock.minute, second: wallClock.second)
        let instant = calendar.date(from: parts) ?? Date(timeIntervalSince1970: 0)
        return .instant(instant)
    }

    /// An EXDATE/RDATE value as the store's value, for a series of dates or times.
    func eventTime(_ value: RecurrenceLines.Value, isDate: Bool) -> EventTime {
        if value.value.isDate || isDate {
            if !value.value.isDate, let valueZone = value.zone {
                // A time in another zone: the day it falls on here.
                let instant = ZoneClock(zone: valueZone).eventTime(value.value)
                if case .instant(let date) = instant {
                    let local = wallClock(of: date, isDate: true)
                    return .date(CalendarDate(year: local.year, month: local.month, day: local.day))
                }
            }
            return .date(CalendarDate(year: value.value.year, month: value.value.month, day: value.value.day))
        }
        if let valueZone = value.zone, valueZone.identifier != zone.identifier {
            return ZoneClock(zone: valueZone).eventTime(value.value)
        }
        return eventTime(value.value)
    }

    /// `UNTIL` in this zone's wall-clock time (a date for all-day series).
    func convertUntil(_ until: WallClock, isUTC: Bool, forDates: Bool) -> WallClock {
        var local = until
        if isUTC, !until.isDate,
            case .instant(let instant) = ZoneClock(zone: TimeZone(identifier: "UTC")!).eventTime(until)
        {
            local = wallClock(of: instant)
        }
        if forDates {
            return WallClock(year: local.year, month: local.month, day: local.day, isDate: true)
        }
        if local.isDate {
            // A date UNTIL on a timed series includes that whole day.
            return WallClock(year: local.year, month: local.month, day: local.day, hour: 23, minute: 59, second: 59)
        }
        return local
    }
}
