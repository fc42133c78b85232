import CalSyncModel

/// Delta pages of one round fetched back to back and handed to the store as one page
/// (``GraphProvider/Configuration/itemsPerStorePage``).
///
/// Graph pages `calendarView/delta` by 1,000 items at most. Applying each in its own
/// transaction, a first sync of 30,000 events took 27.1 s of CPU; merged, 18.5 s (each
/// commit rewrites the pages of the occurrence tables it touched, and a page's masters
/// filled a `$batch` of their own, mostly partly): docs/benchmarks.md, issue 18. The
/// pages are merged as the store would have applied them one after another: whatever a
/// later page says of an id (listed, removed, unreadable) replaces what earlier pages said
/// of it, since Graph may list an item again later in a round when it changed meanwhile.
struct GraphMergedPages {
    private(set) var changes: ChangePage
    /// The occurrence stubs, in page order.
    private(set) var stubs: [GraphMapping.Stub]
    /// The cursor after the last page merged.
    private(set) var next: SyncCursor
    private(set) var pages = 1

    init(_ page: GraphMapping.DecodedPage, next: SyncCursor) {
        changes = page.changes
        stubs = page.stubs
        self.next = next
    }

    /// What the pages merged so far weigh, in occurrence stubs: a stub (an id, a series id
    /// and two times) counts one, any other item ten. An event is held whole until the
    /// page commits (its columns and raw JSON, in the page and in the store's plan), several
    /// times a stub's memory: a round's pages of events (Graph lists them together) are
    /// then merged less, which keeps the daemon's peak memory where 1,000-item pages put it.
    /// The provider adds the masters the pages need read, at an event's weight each.
    var weight: Int {
        stubs.count + Self.eventWeight * (changes.upserts.count + changes.deletions.count + changes.quarantined.count)
    }

    static let eventWeight = 10

    /// The series the pages name (by their stubs and exceptions), in first-seen order, and
    /// the change key their occurrences carry (absent for a series named only by exceptions).
    var namedSeries: (ids: [String], changeKeys: [String: String]) {
        var ids: [String] = []
        var named: Set<String> = []
        var changeKeys: [String: String] = [:]
        for stub in stubs {
            if named.insert(stub.seriesID).inserted { ids.append(stub.seriesID) }
            if let key = stub.changeKey { changeKeys[stub.seriesID] = key }
        }
        for event in changes.upserts where event.kind == .exception {
            if let series = event.seriesID, named.insert(series).inserted { ids.append(series) }
        }
        return (ids, changeKeys)
    }

    /// Appends the round's next page (the one `next` led to), and the cursor after it.
    mutating func append(_ page: GraphMapping.DecodedPage, next: SyncCursor) {
        var named = Set<String>(minimumCapacity: page.stubs.count + page.changes.upserts.count)
        for stub in page.stubs { named.insert(stub.id) }
        for event in page.changes.upserts { named.insert(event.id) }
        named.formUnion(page.changes.deletions)
        for item in page.changes.quarantined { if let id = item.eventID { named.insert(id) } }
        if mentionsAny(of: named) {
            changes.upserts.removeAll { named.contains($0.id) }
            changes.deletions.removeAll { named.contains($0) }
            changes.quarantined.removeAll { $0.eventID.map(named.contains) ?? false }
            stubs.removeAll { named.contains($0.id) }
        }
        changes.upserts += page.changes.upserts
        changes.deletions += page.changes.deletions
        changes.quarantined += page.changes.quarantined
        stubs += page.stubs
        self.next = next
        pages += 1
    }

    /// Whether the pages merged so far name any of `ids` (the common case is not: a round
    /// lists each item once).
    private func mentionsAny(of ids: Set<String>) -> Bool {
        guard !ids.isEmpty else { return false }
        return stubs.contains { ids.contains($0.id) } || changes.upserts.contains { ids.contains($0.id) }
            || changes.deletions.contains(where: ids.contains)
            || changes.quarantined.contains { $0.eventID.map(ids.contains) ?? false }
    }
}
