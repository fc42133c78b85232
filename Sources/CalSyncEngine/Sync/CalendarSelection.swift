import CalSyncAuth
/// Which of an account's calendars the configuration selects.
public import CalSyncModel
import CalSyncStore

public enum CalendarSelection {
    /// The enabled calendar ids, and configured entries that matched nothing.
    /// `primary` selects the primary calendar; other entries match an id, or a name.
    public static func select(
        _ listed: [RemoteCalendar], configured: [String]?
    ) -> (enabled: Set<String>, missing: [String]) {
        guard let configured else { return (Set(listed.map(\.id)), []) }
        var enabled = Set<String>()
        var missing: [String] = []
        for entry in configured {
            let matches = listed.filter { calendar in
                entry == "primary" ? calendar.isPrimary : calendar.id == entry || calendar.name == entry
            }
            if matches.isEmpty { missing.append(entry) }
            enabled.formUnion(matches.map(\.id))
        }
        return (enabled, missing)
    }
}
