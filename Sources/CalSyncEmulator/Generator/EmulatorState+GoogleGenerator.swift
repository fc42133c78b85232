import CalSyncEmulatorCalendars
public import CalSyncEmulatorServer
import Foundation

extension EmulatorState {
    /// Adds `count` generated events to a Google calendar; returns how many were added.
    @discardableResult
    public func generateGoogleEvents(calendarID: String, count: Int, seed: UInt64? = nil) throws(EmulatorError) -> Int {
        try checkedCalendar(calendarID)
        guard (1...5_000_000).contains(count) else { throw EmulatorError("count must be between 1 and 5,000,000") }
        let now = clock()
        var generator = GoogleCalendarGenerator(
            seed: seed ?? (options.seed &+ UInt64(google.calendars[calendarID]!.sortedIDs.count)),
            calendarZone: google.calendars[calendarID]!.timeZone, around: now)
        let inputs = generator.events(count: count)
        let first = google.reserveChangeNumbers(inputs.count)
        let nowText = EmulatorClock.rfc3339(now)
        let resources = inputs.enumerated().map { index, input in
            Self.googleResource(
                from: input, calendarID: calendarID, previous: nil, changeNumber: first + index, now: now,
                nowText: nowText)
        }
        google.calendars[calendarID]!.storeBulk(resources, firstChangeNumber: first)
        return resources.count
    }
}
