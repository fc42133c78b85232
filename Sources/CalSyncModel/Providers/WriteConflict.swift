/// The one line a ``WriteOutcome/conflict(reason:current:)`` says, the same for every
/// provider: what happened to the event at the provider since the etag a write was based
/// on, and how the provider's version differs from what the write would set.
package enum WriteConflict {
    /// - Parameters:
    ///   - provider: "Google", "Microsoft Graph".
    ///   - etag: the etag (Graph: change key) the write was based on.
    ///   - current: the provider's version now; nil when it could not be read or is gone.
    ///   - changes: what an update would set; nil for a delete.
    package static func reason(
        provider: String, basedOn etag: String, current: CalendarEvent?, changes: EventDraft?
    ) -> String {
        guard let current else { return "the event is gone at \(provider) (it was at etag \(etag))" }
        if current.status == .cancelled { return "the event was deleted at \(provider) since etag \(etag)" }
        var line = "the event changed at \(provider) since etag \(etag) (now \(current.etag ?? "unknown"))"
        let differences = self.differences(current: current, changes: changes)
        if !differences.isEmpty { line += "; at \(provider) now: " + differences.joined(separator: ", ") }
        return line
    }

    /// The members the write names (every one shown for a delete) whose value at the
    /// provider is not the one the write sets, as `name "value at the provider"`.
    static func differences(current: CalendarEvent, changes: EventDraft?) -> [String] {
        func quoted(_ text: String?) -> String { text.map { "\"\($0)\"" } ?? "none" }
        let shown: [(name: String, now: String?, wanted: String?, isSet: Bool)] = [
            ("summary", current.summary, changes?.summary, changes?.summary != nil),
            ("start", current.start.description, changes?.start?.description, changes?.start != nil),
            ("end", current.end.description, changes?.end?.description, changes?.end != nil),
            ("location", current.location, changes?.location, changes?.location != nil),
            (
                "recurrence", current.recurrence?.joined(separator: " "), changes?.recurrence?.joined(separator: " "),
                changes?.recurrence != nil
            ),
        ]
        var lines: [String] = []
        for member in shown where changes == nil ? member.now != nil : member.isSet && member.wanted != member.now {
            lines.append("\(member.name) \(quoted(member.now))")
        }
        if let wanted = changes?.description, wanted != current.description { lines.append("description differs") }
        if let wanted = changes?.transparency, wanted != current.transparency {
            lines.append("transparency \(current.transparency.rawValue)")
        }
        return lines
    }
}
