import CalSyncModel

/// Recognises a write that was applied although its answer was lost (docs/write-back.md
/// "Exactly once"). A row sent before (a `kill -9` while it was `sent`, a connection
/// dropped after the provider applied it) is sent again as it was:
/// - a create carries the same `client_key`: the provider returns the event it made;
/// - a delete of an event already gone meets 404/410, which counts as done;
/// - an update carries the etag it was based on, which the applied first attempt moved:
///   the provider answers with a conflict and its current event. When every member the
///   update sets already has the requested value there, the update is what changed it,
///   and the row is done with that event; otherwise it is a real conflict.
enum WriteRecognition {
    /// Whether `event` already shows every member `draft` sets.
    static func applied(_ draft: EventDraft, to event: CalendarEvent) -> Bool {
        func same(_ wanted: String?, _ actual: String?) -> Bool {
            guard let wanted else { return true }
            // The store keeps empty text as NULL: "" clears.
            return (wanted.isEmpty ? nil : wanted) == actual
        }
        guard same(draft.summary, event.summary), same(draft.description, event.description),
            same(draft.location, event.location)
        else { return false }
        if let start = draft.start, start != event.start { return false }
        if let end = draft.end, end != event.end { return false }
        if let transparency = draft.transparency, transparency != event.transparency { return false }
        if let recurrence = draft.recurrence, recurrence.map({ $0.uppercased() }) != (event.recurrence ?? []) {
            return false
        }
        return true
    }
}
