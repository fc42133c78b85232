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
    /// The occurrence stubs, page by page as they came: appended, not copied one by one
    /// (a stub holds seven strings; copying and releasing them was 3 % of a first sync).
    private(set) var stubPages: [[GraphMapping.Stub]] = []
    /// For each stub of ``stubPages``, in the same order, the index of its series in
    /// ``namedSeries``: each stub's series id is hashed once, when its page is merged, and
    /// the provider finds its master by index (three look-ups by a 100-byte id per stub
    /// were 5 % of a first sync).
    private(set) var stubSeries: [Int] = []
    /// The cursor after the last page merged.
    private(set) var next: SyncCursor
    private(set) var pages = 1
    /// The series the pages name (by their stubs and exceptions). Kept as pages come: the
    /// provider weighs the masters to read after each.
    private(set) var namedSeries = NamedSeries()
    /// How often ``namedSeries`` was named afresh (a page listed an id again): between
    /// two, its ids only grow.
    private(set) var seriesResets = 0
    /// The hash of every id the pages name (listed, removed, unreadable), to find a later
    /// page's repeats without walking the earlier pages. Hashes, not the ids: each id of a
    /// round (Graph's are some 150 bytes) was hashed three times into sets of strings, 4 %
    /// of a first sync. A hash met again is only a hint: the repeat is then looked for by
    /// the ids themselves.
    private var idHashesSeen: Set<Int> = []

    init(_ page: GraphMapping.DecodedPage, next: SyncCursor) {
        // The first page's other members as they are; its items go through `append`.
        changes = page.changes
        changes.upserts = []
        changes.deletions = []
        changes.quarantined = []
        self.next = next
        pages = 0
        append(page, next: next)
    }

    /// Every stub, in page order.
    var stubs: [GraphMapping.Stub] { stubPages.flatMap { $0 } }

    /// How many stubs the pages hold (each has its series in ``stubSeries``).
    var stubCount: Int { stubSeries.count }

    /// Series in first-seen order, each under one index: its id, the change key its
    /// occurrences carry (nil for a series named only by exceptions), and its mailbox key
    /// (worked out once a store page, where the provider asks the mailbox of each series
    /// three times).
    struct NamedSeries {
        private(set) var ids: [String] = []
        fileprivate(set) var changeKeys: [String?] = []
        private(set) var keys: [GraphMailbox.SeriesKey] = []
        private var indexes: [String: Int] = [:]

        /// The index of `id`, named now if it was not.
        fileprivate mutating func index(of id: String) -> Int {
            if let index = indexes[id] { return index }
            let index = ids.count
            indexes[id] = index
            ids.append(id)
            changeKeys.append(nil)
            keys.append(GraphMailbox.SeriesKey(id))
            return index
        }
    }

    /// What the pages merged so far weigh, in occurrence stubs: a stub (an id, a series id
    /// and two times) counts one, any other item ten. An event is held whole until the
    /// page commits (its columns and raw JSON, in the page and in the store's plan), several
    /// times a stub's memory: a round's pages of events (Graph lists them together) are
    /// then merged less, which keeps the daemon's peak memory where 1,000-item pages put it.
    /// The provider adds the masters the pages need read, at an event's weight each.
    var weight: Int {
        stubCount + Self.eventWeight * (changes.upserts.count + changes.deletions.count + changes.quarantined.count)
    }

    static let eventWeight = 10

    /// Appends the round's next page (the one `next` led to), and the cursor after it.
    mutating func append(_ page: GraphMapping.DecodedPage, next: SyncCursor) {
        var hashes: [Int] = []
        hashes.reserveCapacity(page.stubs.count + page.changes.upserts.count)
        Self.forEachID(of: page) { hashes.append($0.hashValue) }
        if hashes.contains(where: idHashesSeen.contains) {
            // Rare: an item the round listed again (or two ids of the same hash, where
            // nothing below matches). The earlier word on it goes.
            let named = Self.ids(of: page)
            changes.upserts.removeAll { named.contains($0.id) }
            changes.deletions.removeAll { named.contains($0) }
            changes.quarantined.removeAll { $0.eventID.map(named.contains) ?? false }
            let kept = stubs.filter { !named.contains($0.id) }
            stubPages = []
            stubSeries = []
            namedSeries = NamedSeries()
            seriesResets += 1
            nameSeries(stubs: kept, upserts: changes.upserts)
            appendStubs(kept)
        }
        idHashesSeen.formUnion(hashes)
        nameSeries(stubs: page.stubs, upserts: page.changes.upserts)
        changes.upserts += page.changes.upserts
        changes.deletions += page.changes.deletions
        changes.quarantined += page.changes.quarantined
        appendStubs(page.stubs)
        self.next = next
        pages += 1
    }

    private mutating func appendStubs(_ stubs: [GraphMapping.Stub]) {
        guard !stubs.isEmpty else { return }
        stubPages.append(stubs)
    }

    /// Names the series of `stubs` (in ``stubSeries``, which they are appended to) and of
    /// the exceptions among `upserts`.
    private mutating func nameSeries(stubs: [GraphMapping.Stub], upserts: [CalendarEvent]) {
        stubSeries.reserveCapacity(stubSeries.count + stubs.count)
        for stub in stubs {
            let index = namedSeries.index(of: stub.seriesID)
            stubSeries.append(index)
            if let key = stub.changeKey { namedSeries.changeKeys[index] = key }
        }
        for event in upserts where event.kind == .exception {
            if let series = event.seriesID { _ = namedSeries.index(of: series) }
        }
    }

    /// Calls `body` with each stub and the index of its series in ``namedSeries``, in page order.
    func forEachStub(_ body: (GraphMapping.Stub, Int) throws -> Void) rethrows {
        var position = 0
        for page in stubPages {
            for stub in page {
                try body(stub, stubSeries[position])
                position += 1
            }
        }
    }

    /// The ids a page names: its stubs', its events', its removals and its unreadable items'.
    private static func ids(of page: GraphMapping.DecodedPage) -> Set<String> {
        var ids = Set<String>(minimumCapacity: page.stubs.count + page.changes.upserts.count)
        forEachID(of: page) { ids.insert($0) }
        return ids
    }

    private static func forEachID(of page: GraphMapping.DecodedPage, _ body: (String) -> Void) {
        for stub in page.stubs { body(stub.id) }
        for event in page.changes.upserts { body(event.id) }
        for id in page.changes.deletions { body(id) }
        for item in page.changes.quarantined { if let id = item.eventID { body(id) } }
    }
}
