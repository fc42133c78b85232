public import CalSyncModel
public import Foundation
public import Logging

/// Microsoft Graph v1.0 as a ``CalendarProvider`` (docs/providers-graph.md).
///
/// One `calendarView/delta` round per calendar and window: `.initial` starts it with the
/// window's bounds, `.page` follows `@odata.nextLink`, `.delta` is the stored
/// `@odata.deltaLink` of the last round. The window is frozen into the link, so it is part
/// of the cursor's fingerprint: a moved window starts a new round. Every occurrence,
/// exception and single the listing names is stored as Graph lists it (``OccurrenceSource/listed``);
/// series masters are read for their details in `$batch`es, once per round. Every request
/// carries the `Prefer` headers and holds one of the mailbox's permits (at most 4 in
/// flight); a 401 refreshes the token once and retries once.
public struct GraphProvider: CalendarProvider {
    public struct Configuration: Sendable {
        /// `{graph_url}/v1.0`, no trailing slash.
        public var apiBaseURL: String
        /// `Prefer: odata.maxpagesize`: Graph's largest page for `calendarView/delta` (1,000)
        /// by default, so a full sync takes as few requests (and store transactions) as it can.
        public var pageSize: Int
        /// How much the delta pages handed to the store at once may weigh: a round's pages
        /// are fetched and merged (``GraphMergedPages``) until they weigh this many
        /// occurrence stubs (an event, or a master to read, weighs ten), reach
        /// ``pagesPerStorePage``, or the round ends. 4,000: four of Graph's largest pages of
        /// occurrences make one transaction and share their `$batch`es; a round cut short
        /// redoes at most that much. (5,000 saved a little more CPU, but put a 100,000-event
        /// first sync's peak memory within a MiB of its 64 MB goal: docs/benchmarks.md.)
        public var itemsPerStorePage: Int
        /// The most delta pages merged into one page for the store, however light: Graph may
        /// send pages with few or no items, and a chain of them must still commit progress.
        public var pagesPerStorePage: Int
        /// The account's configured `time_zone`, for when the mailbox's cannot be read.
        public var timeZone: String?
        /// `[sync] window_slide`: how long a round's frozen window lasts (see ``deltaWindow(_:)``).
        public var windowSlide: Duration
        /// Whether a round's next delta page is asked for as soon as the page before it names
        /// it (``GraphReadAhead``). Off only in tests that script their answers in the order
        /// of the requests: the page read ahead races the page's `$batch`.
        public var readsAhead: Bool

        public init(
            apiBaseURL: String, pageSize: Int = 1000, itemsPerStorePage: Int = 4000, pagesPerStorePage: Int = 10,
            timeZone: String? = nil, windowSlide: Duration = .seconds(7 * 86_400), readsAhead: Bool = true
        ) {
            self.apiBaseURL = apiBaseURL
            self.pageSize = pageSize
            self.itemsPerStorePage = itemsPerStorePage
            self.pagesPerStorePage = pagesPerStorePage
            self.timeZone = timeZone
            self.windowSlide = windowSlide
            self.readsAhead = readsAhead
        }
    }

    let configuration: Configuration
    let tokens: any AccessTokenProviding
    let transport: any HTTPTransport
    let mailbox: GraphMailbox
    let now: @Sendable () -> Date
    let sleep: @Sendable (Duration) async throws -> Void
    /// `graph_url`'s endpoints, worked out once: every page and `$batch` names them, and
    /// parsing the URL each time was 0.4 % of a first sync.
    let endpoints: GraphEndpoints

    /// `graph_url` as the API base: without trailing slashes, and with `/v1.0` added when
    /// it names only a host (`https://graph.microsoft.us`, as national clouds are quoted).
    static func versionedBase(_ url: String) -> String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        if let components = URLComponents(string: base), components.host != nil, components.path.isEmpty {
            base += "/v1.0"
        }
        return base
    }

    public init(
        configuration: Configuration, tokens: any AccessTokenProviding, transport: any HTTPTransport,
        mailbox: GraphMailbox = GraphMailbox(), now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.configuration = configuration
        endpoints = GraphEndpoints(base: Self.versionedBase(configuration.apiBaseURL))
        self.tokens = tokens
        self.transport = transport
        self.mailbox = mailbox
        self.now = now
        self.sleep = sleep
    }

    /// The zone for all-day anchoring and unmappable zone names: the mailbox's, else the
    /// configured one, else the machine's.
    var fallbackZone: String {
        mailbox.timeZone ?? configuration.timeZone ?? TimeZone.current.identifier
    }

    public func listCalendars(logger: Logger) async throws -> [RemoteCalendar] {
        let zone = try await mailboxTimeZone(logger: logger)
        var calendars: [RemoteCalendar] = []
        var url: String? = endpoints.calendars
        while let next = url {
            let response = try await send(next, storedLink: false)
            let page = try JSONBody.decode(GraphWire.CalendarsPage.self, response.body, what: "the calendar list")
            calendars += (page.value ?? []).map { GraphMapping.calendar($0, timeZone: zone) }
            url = try page.nextLink.map { try follow($0, "the calendar list's @odata.nextLink") }
        }
        return calendars
    }

    /// Reads the mailbox's zone (`MailboxSettings.Read`) and remembers it; a mailbox that
    /// will not tell (no scope, no mailbox) falls back to the configured zone.
    func mailboxTimeZone(logger: Logger) async throws -> String {
        do {
            let response = try await send(endpoints.mailboxSettings, storedLink: false)
            let settings = try JSONBody.decode(
                GraphWire.MailboxSettings.self, response.body, what: "the mailbox settings")
            if let zone = GraphTimes.ianaName(settings.timeZone) {
                mailbox.timeZone = zone
                return zone
            }
        } catch let error as CalSyncError where [.http, .notFound, .decoding].contains(error.code) {
            logger.info("Mailbox time zone not readable", metadata: ["calsync.error": "\(error.message)"])
        }
        return fallbackZone
    }

    /// Graph's listing is the authority for occurrences: the store writes the ones each
    /// page lists and expands nothing.
    public var occurrenceSource: OccurrenceSource { .listed }

    /// Occurrences are kept from the occurrence window's start to the round's end
    /// (``deltaWindow(_:)``): the round listed them, and the daily slide drops only what
    /// fell behind, so `sync_state.window_end` is the round's end.
    public func occurrenceWindow(for window: SyncWindow) -> SyncWindow {
        SyncWindow(start: window.start, end: deltaWindow(window).end)
    }

    /// One page for the store, made of one or more delta pages of the round
    /// (``GraphMergedPages``): its singles and exceptions as events, every occurrence,
    /// exception and single it lists as an occurrence under Graph's id, its `@removed` ids
    /// as removed occurrences (and deletions of the events we may hold under them), and the
    /// masters of its series read in `$batch`es where the round needs them
    /// (``masters(_:calendarID:logger:)``).
    public func changes(
        calendarID: String, cursor: SyncCursor, window: SyncWindow, logger: Logger
    ) async throws -> ProviderPage {
        do {
            return try await mergedPage(calendarID: calendarID, cursor: cursor, window: window, logger: logger)
        } catch {
            // The engine asks for this page again, or gives up: a page read after it would
            // only take memory until then.
            mailbox.readAhead.cancel(calendarID: calendarID)
            throw error
        }
    }

    private func mergedPage(
        calendarID: String, cursor: SyncCursor, window: SyncWindow, logger: Logger
    ) async throws -> ProviderPage {
        let url: String
        var clearNotes = false
        mailbox.beginPage(calendarID: calendarID, cursor: cursor)
        switch cursor {
        case .initial:
            // Notes of earlier versions (instance notes) are forgotten with a new round.
            clearNotes = true
            url = endpoints.calendarViewDelta(calendarID, window: deltaWindow(window))
        case .delta(let link), .page(let link):
            url = try storedLink(link)
        }
        let zone = fallbackZone
        let first = try await deltaPage(url, storedLink: cursor != .initial, calendarID: calendarID, zone: zone)
        var merged = GraphMergedPages(first.decoded, next: first.next)
        // The masters to read weigh as events: a round's first pages name most of its series.
        // Only the series a page adds are looked at after it (asking again for every series
        // named so far after each page was 2.4 % of a 100,000-event first sync): a later
        // stub's new change key for a series already weighed is missed here, and only here;
        // the masters read below are decided over all of them.
        var weighed = (series: 0, masters: 0, resets: 0)
        func weight(_ merged: GraphMergedPages) -> Int {
            let series = merged.namedSeries
            if merged.seriesResets != weighed.resets { weighed = (0, 0, merged.seriesResets) }
            weighed.masters +=
                mailbox.mastersToRead(
                    series.keys[weighed.series...], changeKeys: series.changeKeys[weighed.series...],
                    calendarID: calendarID
                ).count
            weighed.series = series.keys.count
            return merged.weight + GraphMergedPages.eventWeight * weighed.masters
        }
        while case .page(let link) = merged.next, merged.pages < configuration.pagesPerStorePage,
            weight(merged) < configuration.itemsPerStorePage
        {
            // A link of this round, checked by ``follow(_:_:)`` as it was read.
            let page = try await deltaPage(link, storedLink: true, calendarID: calendarID, zone: zone)
            merged.append(page.decoded, next: page.next)
        }
        let next = merged.next
        var changes = merged.changes
        let series = merged.namedSeries
        let wanted = mailbox.mastersToRead(series.keys[...], changeKeys: series.changeKeys[...], calendarID: calendarID)
        let read = try await masters(wanted.map { series.ids[$0] }, calendarID: calendarID, logger: logger)
        // What is known of each series named, by its index in `series`.
        var known = mailbox.masters(series.keys, calendarID: calendarID)
        var learned: [GraphMailbox.SeriesKey: GraphMailbox.KnownMaster] = [:]
        var readMasters: [CalendarEvent] = []
        for index in wanted {
            let id = series.ids[index]
            // Not answered at all: taken as gone, as a 404 is.
            guard let item = read[id] else {
                changes.deletions.append(id)
                continue
            }
            switch item {
            case .upsert(let event): readMasters.append(event)
            case .quarantine(let reason):
                changes.quarantined.append(QuarantinedItem(eventID: id, reason: reason, raw: "{}"))
            // Gone (404): the series was deleted; what we hold of it goes.
            case .delete: changes.deletions.append(id)
            case .extra: break
            }
            // Anything but a master read is gone: its stubs add nothing.
            if case .upsert(let event) = item {
                known[index] = .init(changeKey: event.etag, allDay: event.allDay)
            } else {
                known[index] = .init(changeKey: nil, allDay: false, gone: true)
            }
            learned[series.keys[index]] = known[index]
        }
        mailbox.endPage(calendarID: calendarID, read: learned, next: next)
        var occurrences: [Occurrence] = []
        occurrences.reserveCapacity(merged.stubCount + changes.upserts.count)
        merged.forEachStub { stub, series in
            // A stub of a series whose master is gone or unreadable adds nothing.
            guard let master = known[series], !master.gone,
                let occurrence = stub.occurrence(allDay: master.allDay, fallbackZone: zone)
            else { return }
            occurrences.append(occurrence)
        }
        for event in changes.upserts {
            switch event.kind {
            case .single:
                occurrences.append(
                    Occurrence(
                        instanceID: event.id, eventID: event.id, seriesID: nil, start: event.start, end: event.end))
            case .exception:
                occurrences.append(
                    Occurrence(
                        instanceID: event.id, eventID: event.id, seriesID: event.seriesID, start: event.start,
                        end: event.end))
            case .series:
                break
            }
        }
        // Masters first: the page's exceptions name them.
        changes.upserts = readMasters + changes.upserts
        changes.listedOccurrences = occurrences
        changes.removedOccurrences = merged.changes.deletions
        changes.calendarTimeZone = mailbox.timeZone
        changes.notes = ProviderNotes(clearFirst: clearNotes)
        logger.debug(
            "Fetched a delta page",
            metadata: [
                "calsync.calendar": "\(calendarID)", "calsync.upserts": "\(changes.upserts.count)",
                "calsync.deletions": "\(changes.deletions.count)", "calsync.occurrences": "\(occurrences.count)",
                "calsync.masters": "\(wanted.count)", "calsync.pages": "\(merged.pages)",
            ])
        return ProviderPage(changes: changes, next: next)
    }

    /// One `calendarView/delta` page, decoded, and the cursor its links lead to. The links
    /// are read first: a page that names another origin fails before any request it causes.
    ///
    /// The page comes from the mailbox's read-ahead when it was asked for early, and the
    /// page after it is asked for as soon as its link is read (``GraphReadAhead``): Graph
    /// prepares it while this one is decoded, its masters read and the store writes it.
    /// A page read ahead that failed fails here, as its request would have.
    func deltaPage(
        _ url: String, storedLink: Bool, calendarID: String, zone: String
    ) async throws -> (decoded: GraphMapping.DecodedPage, next: SyncCursor) {
        let response: HTTPResponse
        if let early = mailbox.readAhead.take(calendarID: calendarID, url: url) {
            // Cancelling this poll cancels the request it waits on.
            response = try await withTaskCancellationHandler {
                try await early.value
            } onCancel: {
                early.cancel()
            }
        } else {
            response = try await send(url, storedLink: storedLink)
        }
        // The links are checked once, as soon as they are read: the page after this one is
        // asked for at once, and a link that fails the check fails the page once decoded.
        var next: Result<SyncCursor, CalSyncError>?
        let decoded = try GraphMapping.page(Array(response.body), fallbackZone: zone) { links in
            let cursor = Result { () throws(CalSyncError) in try self.cursor(after: links, calendarID: calendarID) }
            next = cursor
            if configuration.readsAhead, case .success(.page(let link)) = cursor {
                mailbox.readAhead.start(calendarID: calendarID, url: link) {
                    try await send(link, storedLink: true)
                }
            }
        }
        return (decoded, try next?.get() ?? cursor(after: decoded.links, calendarID: calendarID))
    }

    /// The cursor a delta page's links lead to, each link checked by ``follow(_:_:)``.
    func cursor(after links: GraphWire.Page, calendarID: String) throws(CalSyncError) -> SyncCursor {
        if let nextLink = links.nextLink {
            return .page(try follow(nextLink, "the @odata.nextLink of \(calendarID)'s delta page"))
        }
        if let deltaLink = links.deltaLink {
            return .delta(try follow(deltaLink, "the @odata.deltaLink of \(calendarID)'s delta page"))
        }
        throw CalSyncError(
            .decoding, "the delta page of \(calendarID) has neither @odata.nextLink nor @odata.deltaLink")
    }

    /// How often a batch's throttled requests are sent again (after the `Retry-After` it
    /// gave) before the page fails as `.rateLimited`, to be retried by the engine.
    static let batchRetries = 3

    /// Reads the series masters `ids` in `$batch`es of up to 20 (``GraphBatch``), the
    /// batches side by side under the mailbox's permits (each batch is one request in
    /// flight). Per answer: 200 → the master (or quarantine when unreadable), 404 → gone
    /// (`.delete`), 429/503/504 → sent again in a later batch once the mailbox's pause
    /// has passed; anything else fails the page with its mapped error.
    func masters(_ ids: [String], calendarID: String, logger: Logger) async throws -> [String: GraphMapping.Item] {
        var results: [String: GraphMapping.Item] = [:]
        var pending = ids
        var attempt = 0
        while !pending.isEmpty {
            let chunks = stride(from: 0, to: pending.count, by: GraphBatch.maximumRequests).map {
                Array(pending[$0..<min(pending.count, $0 + GraphBatch.maximumRequests)])
            }
            var throttled: [String] = []
            var lastThrottle: CalSyncError?
            try await withThrowingTaskGroup(of: [(String, Result<GraphMapping.Item, CalSyncError>)].self) { group in
                for chunk in chunks {
                    group.addTask { try await batch(chunk, calendarID: calendarID) }
                }
                for try await answers in group {
                    for (id, result) in answers {
                        switch result {
                        case .success(let item): results[id] = item
                        case .failure(let error) where error.code == .rateLimited:
                            throttled.append(id)
                            lastThrottle = error
                        case .failure(let error): throw error
                        }
                    }
                }
            }
            if !throttled.isEmpty {
                attempt += 1
                logger.info(
                    "Series masters throttled in a batch",
                    metadata: ["calsync.calendar": "\(calendarID)", "calsync.masters": "\(throttled.count)"])
                if attempt > Self.batchRetries, let lastThrottle { throw lastThrottle }
            }
            pending = throttled
        }
        return results
    }

    /// One `$batch` of masters; each id's outcome (a throttled answer pauses the mailbox).
    func batch(
        _ ids: [String], calendarID: String
    ) async throws -> [(String, Result<GraphMapping.Item, CalSyncError>)] {
        let requests = ids.enumerated().map {
            GraphBatch.Request(
                id: String($0.offset + 1), url: GraphEndpoints.master($0.element, calendarID: calendarID))
        }
        let body = GraphBatch.body(requests, prefer: preferences.joined(separator: ", "))
        let response = try await send(endpoints.batch, storedLink: false, method: .POST, body: body)
        let answers = try GraphBatch.answers(Array(response.body))
        var byID: [String: HTTPResponse] = [:]
        for answer in answers { byID[answer.id] = answer.response }
        var outcomes: [(String, Result<GraphMapping.Item, CalSyncError>)] = []
        for (request, id) in zip(requests, ids) {
            guard let answer = byID[request.id] else {
                throw CalSyncError(.decoding, "a $batch response has no answer for one of its requests")
            }
            if (200..<300).contains(answer.status) {
                outcomes.append(
                    (id, .success(try GraphMapping.master(Array(answer.body)[...], fallbackZone: fallbackZone))))
                continue
            }
            let error = mappedError(answer, storedLink: false)
            switch error.code {
            case .notFound: outcomes.append((id, .success(.delete(id))))
            case .rateLimited: outcomes.append((id, .failure(error)))
            default: throw error
            }
        }
        return outcomes
    }

    /// What the rounds of this version store: raised when stored calendars must be
    /// listed again. `listed-occurrences`: occurrences come from Graph's listing under
    /// Graph's ids, so every calendar a former version stored (expanded instances under
    /// `<master>_<time>` ids, synthesised cancelled exceptions) is re-synced once by mark
    /// and sweep (docs/providers-graph.md "Upgrading a store").
    static let cursorVersion = "listed-occurrences"

    /// The version, the round's window and the Graph base: a new bucket of
    /// ``deltaWindow(_:)``, another `graph_url` or a stored cursor of an earlier version
    /// makes the stored deltaLink unusable, and a new round starts.
    public func cursorFingerprint(calendarID: String, window: SyncWindow) -> String {
        let frozen = deltaWindow(window)
        return SHA256.hexDigest(
            [
                Self.cursorVersion, endpoints.base, calendarID, Timestamp.string(from: frozen.start),
                Timestamp.string(from: frozen.end),
            ].joined(separator: "\n"))
    }

    /// The window frozen into a delta round: the occurrence window's start rounded down to
    /// a whole `windowSlide` period (counted from 1970-01-01), and its length plus one
    /// period. It covers the occurrence window, which slides daily without requests, until
    /// the period changes; only then does a new round (a full re-sync by mark and sweep)
    /// start, so the configured future span is always kept.
    public func deltaWindow(_ window: SyncWindow) -> SyncWindow {
        let period = max(86_400, Double(configuration.windowSlide.components.seconds))
        let start = Date(timeIntervalSince1970: (window.start.timeIntervalSince1970 / period).rounded(.down) * period)
        return SyncWindow(
            start: start, end: start.addingTimeInterval(window.end.timeIntervalSince(window.start) + period))
    }

    /// `link`, a link Graph sent, when it lies on `graph_url`'s origin (``GraphLinkOrigin``);
    /// else the page that carried it is not readable (`.decoding`), and no request goes there.
    func follow(_ link: String, _ what: String) throws(CalSyncError) -> String {
        try GraphLinkOrigin.checked(link, base: endpoints.base, what: what)
    }

    /// A stored cursor's link, checked as when it arrived: one saved before links were
    /// checked, or under another `graph_url`, starts a new round instead of being followed.
    func storedLink(_ link: String) throws(CalSyncError) -> String {
        do {
            return try follow(link, "the stored delta link")
        } catch {
            throw CalSyncError(.cursorExpired, error.message)
        }
    }

    /// The headers of every request (docs/providers-graph.md "Requests"), without the token.
    ///
    /// The preferences travel in one `Prefer` field, comma-separated (RFC 7240 §2; RFC 9110
    /// §5.3 makes it the same as separate lines): some servers and proxies keep only the
    /// last of repeated header lines (FlyingFox, which calsync-emulator first ran on, did),
    /// which would silently drop the page size or the time zone.
    var preferHeaders: [(name: String, value: String)] {
        [
            (name: "Accept", value: "application/json"),
            (
                name: "Prefer",
                value: (["odata.maxpagesize=\(configuration.pageSize)"] + preferences).joined(separator: ", ")
            ),
        ]
    }

    /// The preferences every read asks for (a `$batch` gives them to each of its requests).
    var preferences: [String] {
        ["outlook.timezone=\"UTC\"", "IdType=\"ImmutableId\"", "outlook.body-content-type=\"text\""]
    }

    /// GET with the access token under one of the mailbox's permits, after any pause Graph
    /// asked of the mailbox; one refresh-and-retry on 401 (``AuthorizedSend``); errors
    /// mapped. A throttled answer pauses the whole mailbox (every calendar of the account)
    /// for its `Retry-After`.
    func send(
        _ url: String, storedLink: Bool, method: HTTPRequest.Method = .GET, body: Data? = nil
    ) async throws -> HTTPResponse {
        try await AuthorizedSend.send(
            tokens: tokens,
            beforeAttempt: {
                if let wait = mailbox.pauseRemaining(now: now()) { try await sleep(wait) }
            },
            perform: { authorization in
                var headers = preferHeaders + authorization
                if body != nil { headers.append((name: "Content-Type", value: "application/json")) }
                let request = HTTPRequest(method: method, url: url, headers: headers, body: body)
                return try await mailbox.permits.withPermit { try await transport.perform(request) }
            },
            failure: { mappedError($0, storedLink: storedLink) })
    }

    /// A failed answer (a whole response, or one of a `$batch`) as its error; a throttled
    /// one pauses the whole mailbox for its `Retry-After`.
    func mappedError(_ response: HTTPResponse, storedLink: Bool) -> CalSyncError {
        let error = GraphErrors.error(response, storedLink: storedLink, now: now())
        if error.code == .rateLimited, let retryAfter = error.retryAfter {
            // Capped again here, whoever made the error: a pause of the mailbox holds
            // every request of the account, so a year-long one would stop it for good.
            let wait = min(max(retryAfter, .zero), RetryAfter.maximum)
            mailbox.pause(until: now().addingTimeInterval(wait / .seconds(1)))
        }
        return error
    }
}
