public import CalSyncModel

/// The human view of `calsyncctl calendars`.
public enum CalendarListing {
    /// One line per calendar, `work/primary  Work (primary)`; control characters in names
    /// and ids (provider text) are escaped (``TerminalText``).
    public static func text(_ calendars: [(accountID: String, calendar: RemoteCalendar, syncEnabled: Bool)]) -> String {
        guard !calendars.isEmpty else { return "No calendars in the store yet: they appear after the first sync." }
        return calendars.map { entry in
            let flags = [entry.calendar.isPrimary ? "primary" : nil, entry.syncEnabled ? nil : "not synced"]
                .compactMap { $0 }
            let suffix = flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))"
            return TerminalText.line("\(entry.accountID)/\(entry.calendar.id)  \(entry.calendar.name)\(suffix)")
        }.joined(separator: "\n")
    }
}
