public import CalSyncModel
import CalSyncRecurrence
public import Foundation
public import Logging

/// Microsoft Graph v1.0 as a ``CalendarProvider`` (docs/providers-graph.md).
///
/// One `calendarView/delta` round per calendar and window: `.initial` starts it with the
/// window's bounds, `.page` follows `@odata.nextLink`, `.delta` is the stored
/// `@odata.deltaLink` of the last round. The window is frozen into the link, so it is part
/// of the cursor's fingerprint: a moved window starts a new round. Occurrence stubs are
/// replaced by their series master (fetched once per round, calendar-scoped), whose rule
/// the store expands. Every request carries the `Prefer` headers and holds one of the
/// mailbox's permits (at most 4 in flight); a 401 refreshes the token once and retries once.
public struct GraphProvider: CalendarProvider {
    public struct Configuration: Sendable {
        /// `{graph_url}/v1.0`, no trailing slash.
        public var apiBaseURL: String
        /// `Prefer: odata.maxpagesize`: Graph's largest page for `calendarView/delta` (1,000)
        /// by default, so a full sync takes as few requests (and store transactions) as it can.
        public var pageSize: Int
        /// The account's configured `time_zone`, for when the mailbox's cannot be read.
        public var timeZone: String?
        /// `[sync] window_slide`: how long a round's frozen window lasts (see ``deltaWindow(_:)``).
        public var windowSlide: Duration

        public init(
            apiBaseURL: String, pageSize: Int = 1000, timeZone: String? = nil,
            windowSlide: Duration = .seconds(7 * 86_400)
        ) {
            self.apiBaseURL = apiBaseURL
            self.pageSize = pageSize
            self.timeZone = timeZone
            self.windowSlide = windowSlide
        }
    }

    let configuration: Configuration
    let tokens: any AccessTokenProviding
    let transport: any HTTPTransport
    let mailbox: GraphMailbox
    let now: @Sendable () -> Date
    let sleep: @Sendable (Duration) async throws -> Void
    var endpoints: GraphEndpoints { GraphEndpoints(base: Self.versionedBase(configuration.apiBaseURL)) }

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

    public func changes(
        calendarID: String, cursor: SyncCursor, window: SyncWindow, logger: Logger
    ) async throws -> ProviderPage {
        try await changes(calendarID: calendarID, cursor: cursor, window: window, notes: { _ in nil }, logger: logger)
    }

    /// One delta page. The instances of series seen (stubs, exceptions, `/instances`) are
    /// kept in the mailbox for the process and as notes in the store for the next one, so
    /// that a later `@removed` of one of their ids cancels that instance even after a
    /// restart (`calsyncd --once` is a new process every time).
    public func changes(
        calendarID: String, cursor: SyncCursor, window: SyncWindow, notes: ProviderNoteReader, logger: Logger
    ) async throws -> ProviderPage {
        let url: String
        let frozen = deltaWindow(window)
        var pageNotes = ProviderNotes()
        switch cursor {
        case .initial:
            mailbox.startRound(calendarID: calendarID)
            mailbox.forgetInstances(calendarID: calendarID)
            pageNotes.clearFirst = true
            url = endpoints.calendarViewDelta(calendarID, window: frozen)
        case .delta(let link):
            mailbox.startRound(calendarID: calendarID)
            url = try storedLink(link)
        case .page(let link):
            url = try storedLink(link)
        }
        let response = try await send(url, storedLink: cursor != .initial)
        let zone = fallbackZone
        var decoded = try GraphMapping.page(Array(response.body), fallbackZone: zone)
        // The links first: a page that names another origin fails before any request it causes.
        let next: SyncCursor
        if let nextLink = decoded.links.nextLink {
            next = .page(try follow(nextLink, "the @odata.nextLink of \(calendarID)'s delta page"))
        } else if let deltaLink = decoded.links.deltaLink {
            next = .delta(try follow(deltaLink, "the @odata.deltaLink of \(calendarID)'s delta page"))
        } else {
            throw CalSyncError(
                .decoding, "the delta page of \(calendarID) has neither @odata.nextLink nor @odata.deltaLink")
        }
        mailbox.record(decoded.instances, calendarID: calendarID)
        var seen = decoded.instances
        var masterIDs = decoded.mastersNeeded
        // `@removed` of an instance we saw: if its series lives on, the instance was
        // deleted (a cancelled exception removes it from the expansion); if the series is
        // gone, so is its master.
        let removedIDs = decoded.changes.deletions
        var removed: [(id: String, instance: GraphMapping.Instance?)] = []
        for id in removedIDs {
            var instance = mailbox.instance(id, calendarID: calendarID)
            if instance == nil, let note = try await notes(Self.instanceNoteKey(id)) {
                instance = Self.instance(id, note: note)
            }
            removed.append((id, instance))
        }
        var wanted = masterIDs
        for case let (_, instance?) in removed where !wanted.contains(instance.seriesID) {
            wanted.append(instance.seriesID)
        }
        let hydrated = try await masters(wanted, calendarID: calendarID, window: frozen, logger: logger)
        var cancelled = wanted.flatMap { hydrated[$0]?.cancelled ?? [] }
        seen += wanted.flatMap { hydrated[$0]?.listed ?? [] }
        var deletions: [String] = []
        for (id, instance) in removed {
            guard let instance else {
                deletions.append(id)
                continue
            }
            if case .upsert(let series) = hydrated[instance.seriesID]?.item,
                let original = instance.start(allDay: series.allDay)
            {
                cancelled.append(Self.cancelledInstance(id, of: series, originalStart: original))
                if !masterIDs.contains(series.id) { masterIDs.append(series.id) }
            } else {
                deletions.append(id)
                if !deletions.contains(instance.seriesID) { deletions.append(instance.seriesID) }
            }
        }
        var masters: [CalendarEvent] = []
        for masterID in masterIDs {
            switch hydrated[masterID]?.item {
            case .upsert(let event):
                masters.append(event)
            case .quarantine(let reason):
                decoded.changes.quarantined.append(QuarantinedItem(eventID: masterID, reason: reason, raw: "{}"))
            case .delete, .extra, nil:
                break
            }
        }
        // Masters first: the page's exceptions replace their instances once their master is in.
        decoded.changes.upserts = masters + decoded.changes.upserts + cancelled
        decoded.changes.deletions = deletions
        decoded.changes.calendarTimeZone = mailbox.timeZone
        // Only now: a page that fails half-way is read again with the same memory.
        mailbox.forgetInstances(removedIDs, calendarID: calendarID)
        for instance in seen { pageNotes.set[Self.instanceNoteKey(instance.id)] = Self.note(instance) }
        pageNotes.removed = removedIDs.map(Self.instanceNoteKey)
        decoded.changes.notes = pageNotes
        logger.debug(
            "Fetched a delta page",
            metadata: [
                "calsync.calendar": "\(calendarID)", "calsync.upserts": "\(decoded.changes.upserts.count)",
                "calsync.deletions": "\(decoded.changes.deletions.count)",
                "calsync.occurrences": "\(decoded.occurrences)",
            ])
        return ProviderPage(changes: decoded.changes, next: next)
    }

    /// A series master and the instances of it Graph no longer lists.
    struct Hydrated {
        var item: GraphMapping.Item?
        /// Cancelled exceptions (GraphReconciliation), only when the master was just read.
        var cancelled: [CalendarEvent] = []
        /// The instances `/instances` listed, only when the master was just read.
        var listed: [GraphMapping.Instance] = []
    }

    /// Hydrations run side by side: a page naming many series waits for the slowest few
    /// masters, not for all of them in turn. The mailbox's permits, not this number, bound
    /// the requests in flight.
    static let parallelHydrations = 8

    /// The series masters `ids` (``master(_:calendarID:window:logger:)``), read side by side.
    func masters(
        _ ids: [String], calendarID: String, window: SyncWindow, logger: Logger
    ) async throws -> [String: Hydrated] {
        try await withThrowingTaskGroup(of: (String, Hydrated).self) { group in
            var results: [String: Hydrated] = [:]
            var next = 0
            func start() {
                let id = ids[next]
                next += 1
                group.addTask { (id, try await master(id, calendarID: calendarID, window: window, logger: logger)) }
            }
            while next < min(Self.parallelHydrations, ids.count) { start() }
            while let (id, hydrated) = try await group.next() {
                results[id] = hydrated
                if next < ids.count { start() }
            }
            return results
        }
    }

    /// The series master of occurrence stubs and exceptions, read once per round of a
    /// calendar (calendar-scoped: `/me/events/{id}` fails for shared calendars), with its
    /// `/instances` over the round's window; item nil when it is gone (404: the series was
    /// deleted).
    func master(_ id: String, calendarID: String, window: SyncWindow, logger: Logger) async throws -> Hydrated {
        if let cached = mailbox.master(id, calendarID: calendarID) {
            if case .delete = cached.item { return Hydrated(item: nil) }
            return Hydrated(item: cached.item)
        }
        let response: HTTPResponse
        do {
            response = try await send(endpoints.event(id, calendarID: calendarID), storedLink: false)
        } catch let error as CalSyncError where error.code == .notFound {
            logger.debug("Series master is gone", metadata: ["calsync.calendar": "\(calendarID)"])
            mailbox.remember(.init(changeKey: nil, item: .delete(id)), id: id, calendarID: calendarID)
            return Hydrated(item: nil)
        }
        let item = try GraphMapping.master(Array(response.body), fallbackZone: fallbackZone)
        var hydrated = Hydrated(item: item)
        if case .upsert(let event) = item {
            // Remembered once its instances were read: a throttled /instances is read again
            // when the page is.
            (hydrated.cancelled, hydrated.listed) = try await unlistedInstances(
                of: event, calendarID: calendarID, window: window, logger: logger)
            mailbox.remember(.init(changeKey: event.etag, item: item), id: id, calendarID: calendarID)
        } else {
            mailbox.remember(.init(changeKey: nil, item: item), id: id, calendarID: calendarID)
        }
        return hydrated
    }

    /// Reads `/instances` of a series over the round's window and cancels the instances
    /// its rule produces that Graph no longer lists (GraphReconciliation). A series whose
    /// instances cannot be read or do not match its rule is left as it is. Returns the
    /// cancellations and the instances listed.
    func unlistedInstances(
        of master: CalendarEvent, calendarID: String, window: SyncWindow, logger: Logger
    ) async throws -> (cancelled: [CalendarEvent], listed: [GraphMapping.Instance]) {
        var listed: [GraphMapping.Instance] = []
        var url: String? = endpoints.instances(master.id, calendarID: calendarID, window: window)
        let metadata: Logger.Metadata = ["calsync.calendar": "\(calendarID)"]
        do {
            while let next = url {
                let response = try await send(next, storedLink: false)
                let page = try GraphMapping.instances(Array(response.body), fallbackZone: fallbackZone)
                listed += page.instances
                url = try page.nextLink.map { try follow($0, "the @odata.nextLink of a series' instances") }
            }
        } catch let error as CalSyncError where [.notFound, .http, .decoding, .server].contains(error.code) {
            logger.info(
                "Series instances not readable",
                metadata: metadata.merging(["calsync.error": "\(error.message)"]) { $1 })
            return ([], [])
        }
        mailbox.record(listed, calendarID: calendarID)
        do {
            switch try GraphReconciliation.cancelledInstances(
                of: master, listed: listed, window: window, calendarZone: fallbackZone)
            {
            case .cancelled(let cancelled):
                // An exception we hold already takes its slot (even when /instances was
                // read without originalStart).
                let exceptions = mailbox.exceptionStarts(seriesID: master.id, calendarID: calendarID)
                return (cancelled.filter { $0.originalStart.map { !exceptions.contains($0) } ?? true }, listed)
            case .ruleMismatch(let start):
                logger.warning(
                    "Series rule does not match its instances",
                    metadata: metadata.merging(["calsync.instance": "\(start)"]) { $1 })
                return ([], listed)
            }
        } catch {
            return ([], listed)
        }
    }

    /// The note an instance of a series is remembered by (``ProviderNotes``).
    static func instanceNoteKey(_ id: String) -> String { "instance/" + id }

    /// `{"series":…,"start":…,"exception":true,"day":…}` (start and day as the store writes them).
    static func note(_ instance: GraphMapping.Instance) -> String {
        // Written by hand, keys sorted as JSONSerialization's `.sortedKeys` wrote them: one
        // note per instance made JSONSerialization a fifth of a Graph full sync's CPU
        // (docs/benchmarks.md). ``instance(_:note:)`` reads both spellings.
        var json = "{"
        if let day = instance.day { json += #""day":"# + CompactJSON.string(day.description) + "," }
        if instance.isException { json += #""exception":true,"# }
        json += #""series":"# + CompactJSON.string(instance.seriesID)
        if let start = instance.originalStart { json += #","start":"# + CompactJSON.string(start.description) }
        return json + "}"
    }

    /// The instance a note remembers; nil when the note is not readable.
    static func instance(_ id: String, note: String) -> GraphMapping.Instance? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(note.utf8))) as? [String: Any],
            let series = object["series"] as? String
        else { return nil }
        return GraphMapping.Instance(
            id: id, seriesID: series, originalStart: (object["start"] as? String).flatMap(EventTime.init(storeText:)),
            isException: object["exception"] as? Bool ?? false,
            day: (object["day"] as? String).flatMap(CalendarDate.init))
    }

    /// A deleted instance of a live series, as the store keeps it: a cancelled exception at
    /// its original start (a date for all-day series), lasting as long as the series' events.
    static func cancelledInstance(_ id: String, of master: CalendarEvent, originalStart: EventTime) -> CalendarEvent {
        let start = originalStart
        let end = SeriesLength(of: master)?.end(ofInstanceAt: originalStart) ?? originalStart
        return CalendarEvent(
            id: id, kind: .exception, seriesID: master.id, originalStart: start, status: .cancelled, start: start,
            end: end, timeZone: master.timeZone, raw: removedRaw(id))
    }

    /// What Graph sent for the instance: `{"@removed":{"reason":"deleted"},"id":…}`.
    static func removedRaw(_ id: String) -> String {
        let object: [String: Any] = ["id": id, "@removed": ["reason": "deleted"]]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The round's window and the Graph base: a new bucket of ``deltaWindow(_:)`` or
    /// another `graph_url` makes the stored deltaLink unusable, and a new round starts.
    public func cursorFingerprint(calendarID: String, window: SyncWindow) -> String {
        let frozen = deltaWindow(window)
        return SHA256.hexDigest(
            [
                endpoints.base, calendarID, Timestamp.string(from: frozen.start),
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
        let preferences = [
            "odata.maxpagesize=\(configuration.pageSize)", "outlook.timezone=\"UTC\"", "IdType=\"ImmutableId\"",
            "outlook.body-content-type=\"text\"",
        ]
        return [
            (name: "Accept", value: "application/json"),
            (name: "Prefer", value: preferences.joined(separator: ", ")),
        ]
    }

    /// GET with the access token under one of the mailbox's permits, after any pause Graph
    /// asked of the mailbox; one refresh-and-retry on 401 (``AuthorizedSend``); errors
    /// mapped. A throttled answer pauses the whole mailbox (every calendar of the account)
    /// for its `Retry-After`.
    func send(_ url: String, storedLink: Bool) async throws -> HTTPResponse {
        try await AuthorizedSend.send(
            tokens: tokens,
            beforeAttempt: {
                if let wait = mailbox.pauseRemaining(now: now()) { try await sleep(wait) }
            },
            perform: { authorization in
                let request = HTTPRequest(url: url, headers: preferHeaders + authorization)
                return try await mailbox.permits.withPermit { try await transport.perform(request) }
            },
            failure: { response in
                let error = GraphErrors.error(response, storedLink: storedLink, now: now())
                if error.code == .rateLimited, let retryAfter = error.retryAfter {
                    // Capped again here, whoever made the error: a pause of the mailbox holds
                    // every request of the account, so a year-long one would stop it for good.
                    let wait = min(max(retryAfter, .zero), RetryAfter.maximum)
                    mailbox.pause(until: now().addingTimeInterval(wait / .seconds(1)))
                }
                return error
            })
    }
}
