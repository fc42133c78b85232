import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// Everything the Google Calendar emulator knows: calendars, their events and the
/// change counters behind sync tokens.
struct GoogleWorld {
    var calendars: [String: GoogleCalendarRecord] = [:]
    /// Calendar ids in creation order (the calendar list's order).
    var calendarOrder: [String] = []
    /// One counter for every write of every calendar and of the calendar list.
    private(set) var lastChangeNumber = 0
    /// Bumped to invalidate every calendar-list sync token.
    var listGeneration = 0
    /// Keys accepted as `key=` for public calendars.
    var apiKeys: Set<String> = []

    mutating func nextChangeNumber() -> Int {
        lastChangeNumber += 1
        return lastChangeNumber
    }

    mutating func reserveChangeNumbers(_ count: Int) -> Int {
        let first = lastChangeNumber + 1
        lastChangeNumber += count
        return first
    }

    /// `primary` is the caller's own calendar (its id is the user's email).
    func resolve(_ calendarID: String, user: String?) -> String {
        calendarID == "primary" ? (user ?? calendarID) : calendarID
    }

    @discardableResult
    mutating func addCalendar(
        id: String, owner: String, summary: String, timeZone: TimeZone, isPublic: Bool, now: Date
    ) -> Bool {
        if var existing = calendars[id] {
            guard existing.isDeleted else { return false }
            existing.isDeleted = false
            existing.listChangeNumber = nextChangeNumber()
            calendars[id] = existing
            return true
        }
        calendars[id] = GoogleCalendarRecord(
            id: id, owner: owner, summary: summary, timeZone: timeZone, isPublic: isPublic,
            listChangeNumber: nextChangeNumber(), now: now)
        calendarOrder.append(id)
        return true
    }
}
