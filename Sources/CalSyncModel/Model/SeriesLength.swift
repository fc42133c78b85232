import Foundation

/// How long each instance of a series lasts: whole days for all-day series (at least one:
/// providers do send an end before the start), seconds otherwise (never negative). The
/// expander, a cancelled instance's end and the store's fill-in of Google's time-less
/// cancelled instances all take it from here.
package enum SeriesLength: Equatable, Sendable {
    case days(Int)
    case seconds(Double)

    /// The length of `start`…`end`; nil when one is a date and the other an instant.
    package init?(start: EventTime, end: EventTime) {
        switch (start, end) {
        case (.date(let first), .date(let last)):
            self = .days(max(1, last.daysSinceEpoch - first.daysSinceEpoch))
        case (.instant(let first), .instant(let last)):
            self = .seconds(max(0, last.timeIntervalSince(first)))
        default:
            return nil
        }
    }

    /// The series' length (``init(start:end:)`` of its start and end).
    package init?(of series: CalendarEvent) {
        self.init(start: series.start, end: series.end)
    }

    /// The end of an instance starting at `start`, when `start` is of the series' kind (a
    /// date for an all-day series); nil otherwise.
    package func end(ofInstanceAt start: EventTime) -> EventTime? {
        switch (self, start) {
        case (.days(let days), .date(let date)): .date(date.adding(days: days))
        case (.seconds(let seconds), .instant(let instant)): .instant(instant.addingTimeInterval(seconds))
        default: nil
        }
    }

    /// The end of an instance starting at `start` of either kind: an instant start of an
    /// all-day series lasts its days in seconds, a date start of a timed series one day.
    package func end(after start: EventTime) -> EventTime {
        switch (self, start) {
        case (.days, .date), (.seconds, .instant): end(ofInstanceAt: start) ?? start
        case (.days(let days), .instant(let instant)): .instant(instant.addingTimeInterval(Double(days) * 86_400))
        case (.seconds, .date(let date)): .date(date.adding(days: 1))
        }
    }

    /// The length in seconds (a day as 86,400).
    package var seconds: Double {
        switch self {
        case .days(let days): Double(days) * 86_400
        case .seconds(let seconds): seconds
        }
    }
}
