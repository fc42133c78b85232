import CalSyncModel

/// What applying one page does to a calendar, worked out without a database: the writes,
/// deletions, marks of a full re-sync, quarantine entries and log lines, in the order the
/// executor (``PageWriter``) runs them in the page's transaction, and the counts it
/// reports. Everything the plan needs to know about the store is in ``PagePlan/Known``
/// and ``PagePlan/FullSync``; the sweep at the end of a full re-sync, which needs the
/// whole calendar, is decided by ``SafetyValve`` once the page's steps have run.
struct PagePlan: Equatable {
    /// An event as the store holds it, as far as a plan needs it.
    struct KnownEvent: Equatable {
        var etag: String?
        /// The provider's object, compared when the event has no etag.
        var raw: String?
        var kind: CalendarEvent.Kind?
        var seriesID: String?
    }

    /// The events of the calendar the page names (its upserts and deletions) and the
    /// exceptions of every series it may delete, by id; ids not here are not in the store.
    struct Known: Equatable {
        private(set) var events: [String: KnownEvent] = [:]
        /// The exceptions among `events`, by series: a sweep deletes thousands of series.
        private var exceptionIDs: [String: Set<String>] = [:]

        init(_ events: [String: KnownEvent] = [:]) {
            for (id, event) in events { self[id] = event }
        }

        subscript(id: String) -> KnownEvent? {
            get { events[id] }
            set {
                if let old = events[id], old.kind == .exception, let series = old.seriesID {
                    exceptionIDs[series]?.remove(id)
                }
                events[id] = newValue
                if let newValue, newValue.kind == .exception, let series = newValue.seriesID {
                    exceptionIDs[series, default: []].insert(id)
                }
            }
        }

        /// The exceptions of `seriesID` in the store (as the page has left it), by id.
        func exceptions(of seriesID: String) -> [String] { (exceptionIDs[seriesID] ?? []).sorted() }
    }

    /// The calendar's full re-sync, as ``CalendarStore/beginFullSync(accountID:calendarID:now:)``
    /// recorded it; nil on an incremental page.
    struct FullSync: Equatable {
        /// The calendar had events when the re-sync began: what the re-sync lists is
        /// marked seen, and its last page sweeps the rest. An empty calendar has nothing to
        /// sweep, and its deletions apply at once.
        var marking: Bool
        /// A first listing: occurrences wait for the last page, which loads them in bulk.
        var occurrencesDeferred: Bool
    }

    enum Step: Equatable {
        /// Records that the running full re-sync listed this event.
        case markSeen(String)
        /// A tombstone in a full re-sync: not seen, so the sweep deletes it.
        case unmarkSeen(String)
        /// A readable event is no longer quarantined.
        case clearQuarantine(String)
        /// Inserts or replaces the event, with an `upsert` row in `changes`.
        case write(CalendarEvent)
        /// Deletes the event and its quarantine entry, with a `delete` row in `changes`.
        case delete(String)
        /// Sets the item aside with its reason.
        case quarantine(id: String, reason: String, raw: String?)
    }

    /// What becomes of the cursor that follows the page.
    enum CursorAction: Equatable {
        /// The end of a round: saved with its fingerprint.
        case save(String)
        /// A listing without incremental support ended: no cursor is kept.
        case forget
        /// A full re-sync goes on from this page after a restart.
        case resumeFrom(String)
        /// Mid-chain in an increment: nothing is saved (a restart goes on from the delta).
        case none
    }

    /// How the page's occurrences are written.
    enum Occurrences: Equatable {
        /// Those of the singles and series the page (and a sweep) touched are rebuilt.
        case rebuildTouched
        /// A first listing's page: none yet, the last page loads them all.
        case deferred
        /// A first listing's last page: the whole calendar, in bulk.
        case loadAll
    }

    /// A warning the executor logs (static message, data in metadata).
    enum LogEntry: Equatable {
        case quarantined(id: String, reason: String)
    }

    var steps: [Step] = []
    var outcome = PageOutcome()
    var touchedSeries = Set<String>()
    var touchedSingles = Set<String>()
    var cursor = CursorAction.none
    var occurrences = Occurrences.rebuildTouched
    var logs: [LogEntry] = []
    /// The end of a full re-sync: the sweep (with the safety valve) runs after the steps.
    var sweep: (maxDeleteRatio: Double, force: Bool)?

    static func == (lhs: PagePlan, rhs: PagePlan) -> Bool {
        lhs.steps == rhs.steps && lhs.outcome == rhs.outcome && lhs.touchedSeries == rhs.touchedSeries
            && lhs.touchedSingles == rhs.touchedSingles && lhs.cursor == rhs.cursor
            && lhs.occurrences == rhs.occurrences && lhs.logs == rhs.logs
            && lhs.sweep?.maxDeleteRatio == rhs.sweep?.maxDeleteRatio && lhs.sweep?.force == rhs.sweep?.force
    }

    /// Whether a page marks what it lists as seen: the pages of a full re-sync of a
    /// calendar that had events (with no re-sync recorded, the safe answer is yes).
    static func marks(_ mode: PageMode, _ fullSync: FullSync?) -> Bool {
        mode != .incremental && (fullSync?.marking ?? true)
    }

    /// The id a quarantined item is kept under: its own, or one made from its text.
    static func quarantineID(_ item: QuarantinedItem) -> String {
        item.eventID ?? "unidentified-" + SHA256.hexDigest(item.raw).prefix(16)
    }

    /// Plans `page` applied in `mode` to a calendar whose relevant events are `known`.
    init(_ page: ChangePage, mode: PageMode, cursor: SyncCursor, fullSync: FullSync?, known: Known) {
        var known = known
        let marking = Self.marks(mode, fullSync)
        for event in page.upserts {
            if marking { steps.append(.markSeen(event.id)) }
            steps.append(.clearQuarantine(event.id))
            if let previous = known[event.id] {
                let unchanged = event.etag != nil ? previous.etag == event.etag : previous.raw == event.raw
                if unchanged {
                    outcome.unchanged += 1
                    continue
                }
                touch(kind: previous.kind, id: event.id, seriesID: previous.seriesID)
                outcome.updated += 1
            } else {
                outcome.inserted += 1
            }
            steps.append(.write(event))
            known[event.id] = KnownEvent(
                etag: event.etag, raw: event.raw, kind: event.kind, seriesID: event.seriesID)
            touch(kind: event.kind, id: event.id, seriesID: event.seriesID)
        }
        // In a full re-sync a tombstone only means "not seen": the sweep on the last page
        // deletes it with everything else that is gone, so the safety valve weighs every
        // deletion of the re-sync (Google lists recent tombstones in full listings) and a
        // reader never sees the calendar shrink page by page.
        for id in page.deletions {
            if marking {
                steps.append(.unmarkSeen(id))
            } else if delete(id, known: &known) {
                outcome.deleted += 1
            }
        }
        for item in page.quarantined {
            let id = Self.quarantineID(item)
            if marking { steps.append(.markSeen(id)) }
            steps.append(.quarantine(id: id, reason: item.reason, raw: item.raw))
            outcome.quarantined += 1
            logs.append(.quarantined(id: id, reason: item.reason))
        }
        if case .fullSyncEnd(let ratio, let force) = mode { sweep = (ratio, force) }
        if fullSync?.occurrencesDeferred == true, mode != .incremental {
            occurrences = sweep != nil ? .loadAll : .deferred
        }
        switch cursor {
        case .delta(let token): self.cursor = .save(token)
        case .initial: self.cursor = .forget
        // Mid-chain cursors matter only to a full re-sync, which can go on from here
        // after a restart; an increment restarts from its saved delta instead.
        case .page(let token): self.cursor = mode == .fullSync ? .resumeFrom(token) : .none
        }
    }

    /// A plan of deletions only: the sweep's, once the safety valve let it through, and the
    /// orphaned cancelled exceptions a full listing leaves. `outcome.deleted` counts the
    /// ids deleted (a series' exceptions go with it, uncounted).
    init(deleting ids: [String], known: Known) {
        var known = known
        for id in ids where delete(id, known: &known) { outcome.deleted += 1 }
    }

    /// Plans the deletion of an event, a series master with its exceptions; false when it
    /// is not in the store (unknown ids are not an error).
    private mutating func delete(_ id: String, known: inout Known) -> Bool {
        guard let event = known[id] else { return false }
        touch(kind: event.kind, id: id, seriesID: event.seriesID)
        var ids = [id]
        if event.kind == .series { ids += known.exceptions(of: id) }
        for eventID in ids {
            steps.append(.delete(eventID))
            known[eventID] = nil
        }
        return true
    }

    /// Notes whose occurrences the page changes: a series is rebuilt whole, an exception
    /// rebuilds its series.
    private mutating func touch(kind: CalendarEvent.Kind?, id: String, seriesID: String?) {
        switch kind {
        case .series: touchedSeries.insert(id)
        case .exception: if let seriesID { touchedSeries.insert(seriesID) }
        case .single, nil: touchedSingles.insert(id)
        }
    }
}
