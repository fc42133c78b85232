import CalSyncModel
import CalSyncRecurrence
import Foundation

/// Which instances of a series Graph no longer lists (docs/providers-graph.md "Instances a
/// rule produces that Graph no longer lists": whenever a master is read, its /instances
/// over the window are read too, and an instance of the rule they do not list is cancelled).
///
/// The store derives a series' instances from its rule, so an instance deleted in Outlook
/// would come back from the rule unless it is cancelled explicitly: each instance the rule
/// produces inside the round's window that `/instances` does not list (by original start)
/// becomes a cancelled exception with the expander's own instance id. Instances crossing
/// the window's edges are left alone (Graph and the expander may disagree about overlap).
enum GraphReconciliation {
    enum Outcome: Equatable {
        case cancelled([CalendarEvent])
        /// An occurrence Graph lists that the converted rule does not produce: the rule and
        /// Outlook disagree, so nothing is cancelled for this series.
        case ruleMismatch(EventTime)
    }

    static func cancelledInstances(
        of master: CalendarEvent, listed: [GraphMapping.Instance], window: SyncWindow, calendarZone: String?,
        expander: RecurrenceExpander = RecurrenceExpander()
    ) throws -> Outcome {
        let zone =
            master.timeZone.flatMap(TimeZone.init(identifier:)) ?? calendarZone.flatMap(TimeZone.init(identifier:))
            ?? TimeZone(identifier: "UTC")!
        let expanded = try expander.occurrences(
            of: master, exceptions: [], window: window, calendarTimeZone: calendarZone)
        let produced = Set(expanded.occurrences.map(\.start))
        var seen: Set<EventTime> = []
        for instance in listed {
            // Stubs carry no isAllDay: for all-day series their wall-clock date is the day.
            guard let start = instance.start(allDay: master.allDay) else { continue }
            if !instance.isException, !produced.contains(start) { return .ruleMismatch(start) }
            seen.insert(start)
        }
        let windowStart = Int64(window.start.timeIntervalSince1970.rounded(.down))
        let windowEnd = Int64(window.end.timeIntervalSince1970.rounded(.down))
        let missing = expanded.occurrences.filter { occurrence in
            !seen.contains(occurrence.start) && occurrence.start.unixSeconds(allDayZone: zone) >= windowStart
                && occurrence.end.unixSeconds(allDayZone: zone) <= windowEnd
        }
        return .cancelled(
            missing.map { occurrence in
                CalendarEvent(
                    id: RecurrenceExpander.instanceID(master: master.id, start: occurrence.start), kind: .exception,
                    seriesID: master.id, originalStart: occurrence.start, status: .cancelled, start: occurrence.start,
                    end: occurrence.end, timeZone: master.timeZone,
                    raw: raw(
                        RecurrenceExpander.instanceID(master: master.id, start: occurrence.start), master: master.id))
            })
    }

    /// No object was received for a synthesised cancellation: `raw` says where it came from.
    static func raw(_ id: String, master: String) -> String {
        let object: [String: Any] = [
            "id": id, "seriesMasterId": master, "@removed": ["reason": "notListedByInstances"],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
