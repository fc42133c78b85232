public import CalSyncModel
public import Foundation
public import Logging

/// Google Calendar API v3 as a ``CalendarProvider`` (docs/providers-google.md).
///
/// Every events request carries the same parameters — `maxResults=2500`,
/// `singleEvents=false`, `showDeleted=true`, an explicit `eventTypes` list — plus the page
/// or sync token; their fingerprint is stored with the sync token, so changing them
/// forces a full sync. A 401 refreshes the access token once and retries once. Public
/// calendars read with an API key are re-listed from the window's start on every poll
/// (sync tokens are not promised there) and diffed by the engine.
public struct GoogleProvider: CalendarProvider {
    public enum Access: Sendable {
        case oauth(any AccessTokenProviding)
        /// Public calendars: the key travels as `key=` and is never logged.
        case apiKey(String, calendarIDs: [String])
    }

    public struct Configuration: Sendable {
        public var apiBaseURL: String
        public var eventTypes: [String]
        public var pageSize: Int
        public var access: Access
        /// Where the calendar list and its sync token wait between polls, and under
        /// which account; nil lists in full every time.
        package var calendarList: (cache: GoogleCalendarListCache, account: String)?

        public init(apiBaseURL: String, eventTypes: [String], pageSize: Int = 2500, access: Access) {
            self.apiBaseURL = apiBaseURL
            self.eventTypes = eventTypes
            self.pageSize = pageSize
            self.access = access
        }
    }

    let configuration: Configuration
    let transport: any HTTPTransport
    let now: @Sendable () -> Date
    var endpoints: GoogleEndpoints { GoogleEndpoints(base: configuration.apiBaseURL) }

    public init(
        configuration: Configuration, transport: any HTTPTransport, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.transport = transport
        self.now = now
    }

    public func listCalendars(logger: Logger) async throws -> [RemoteCalendar] {
        switch configuration.access {
        case .apiKey(let key, let ids):
            // calendarList needs a signed-in user; public calendars are read one by one.
            var calendars: [RemoteCalendar] = []
            for id in ids {
                let response = try await send(endpoints.calendar(id, key: key), withSyncToken: false)
                let wire = try JSONBody.decode(GoogleWire.Calendar.self, response.body, what: "calendar \(id)")
                calendars.append(
                    RemoteCalendar(
                        id: wire.id, name: wire.summary ?? wire.id, description: wire.description,
                        timeZone: wire.timeZone, access: .reader, isPrimary: false, etag: wire.etag))
            }
            return calendars
        case .oauth:
            if let (cache, account) = configuration.calendarList, let entry = cache.entry(for: account) {
                do {
                    let updated = try await calendarListChanges(since: entry)
                    cache.store(updated, for: account)
                    return updated.calendars
                } catch let error as CalSyncError where error.code == .cursorExpired {
                    // 410 (or an unusable token): list in full below.
                    logger.info("The calendar list's sync token expired; listing it in full")
                    cache.store(nil, for: account)
                }
            }
            var calendars: [RemoteCalendar] = []
            var pageToken: String?
            var syncToken: String?
            repeat {
                let response = try await send(endpoints.calendarList(pageToken: pageToken), withSyncToken: false)
                let page = try JSONBody.decode(
                    GoogleWire.CalendarListPage.self, response.body, what: "the calendar list")
                calendars += (page.items ?? []).filter { $0.deleted != true }.map(GoogleMapping.calendar)
                pageToken = page.nextPageToken
                syncToken = page.nextSyncToken
            } while pageToken != nil
            if let (cache, account) = configuration.calendarList, let syncToken {
                cache.store(.init(syncToken: syncToken, calendars: calendars), for: account)
            }
            return calendars
        }
    }

    /// The calendar list after the changes since `entry`'s sync token: changed entries
    /// replace theirs, new ones are added, `deleted` ones leave.
    func calendarListChanges(
        since entry: GoogleCalendarListCache.Entry
    ) async throws
        -> GoogleCalendarListCache.Entry
    {
        var calendars = entry.calendars
        var pageToken: String?
        var syncToken = entry.syncToken
        repeat {
            let response = try await send(
                endpoints.calendarList(pageToken: pageToken, syncToken: entry.syncToken), withSyncToken: true)
            let page = try JSONBody.decode(GoogleWire.CalendarListPage.self, response.body, what: "the calendar list")
            for item in page.items ?? [] {
                if item.deleted == true {
                    calendars.removeAll { $0.id == item.id }
                } else if let index = calendars.firstIndex(where: { $0.id == item.id }) {
                    calendars[index] = GoogleMapping.calendar(item)
                } else {
                    calendars.append(GoogleMapping.calendar(item))
                }
            }
            pageToken = page.nextPageToken
            if let next = page.nextSyncToken { syncToken = next }
        } while pageToken != nil
        return .init(syncToken: syncToken, calendars: calendars)
    }

    public func changes(
        calendarID: String, cursor: SyncCursor, window: SyncWindow, logger: Logger
    ) async throws -> ProviderPage {
        var parameters = fixedParameters(window: window)
        var withSyncToken = false
        switch cursor {
        case .initial: break
        case .page(let token): parameters.append(("pageToken", token))
        case .delta(let token):
            parameters.append(("syncToken", token))
            withSyncToken = true
        }
        let response = try await send(
            endpoints.events(calendarID, parameters: parameters), withSyncToken: withSyncToken)
        let (envelope, changes) = try GoogleMapping.page(Array(response.body))
        let next: SyncCursor
        if let pageToken = envelope.nextPageToken {
            next = .page(pageToken)
        } else if let syncToken = envelope.nextSyncToken, case .oauth = configuration.access {
            next = .delta(syncToken)
        } else if case .apiKey = configuration.access {
            next = .initial
        } else {
            throw CalSyncError(
                .decoding, "the last events page of \(calendarID) has neither nextPageToken nor nextSyncToken")
        }
        logger.debug(
            "Fetched an events page",
            metadata: [
                "calsync.calendar": "\(calendarID)", "calsync.upserts": "\(changes.upserts.count)",
                "calsync.deletions": "\(changes.deletions.count)",
            ])
        return ProviderPage(changes: changes, next: next)
    }

    public func cursorFingerprint(calendarID: String, window: SyncWindow) -> String {
        let parameters = fixedParameters(window: window).map { "\($0.0)=\($0.1)" }.sorted()
        return SHA256.hexDigest(([configuration.apiBaseURL, calendarID] + parameters).joined(separator: "\n"))
    }

    /// The parameters sent on every events request of a calendar, in order.
    func fixedParameters(window: SyncWindow) -> [(String, String)] {
        var parameters = [
            ("maxResults", String(configuration.pageSize)), ("singleEvents", "false"), ("showDeleted", "true"),
            ("prettyPrint", "false"),
        ]
        parameters += configuration.eventTypes.map { ("eventTypes", $0) }
        if case .apiKey(let key, _) = configuration.access {
            // Without sync tokens every poll re-lists the window. timeMin is part of the
            // request, not of a token, so it may move with the window.
            parameters += [("key", key), ("timeMin", Timestamp.string(from: window.start))]
        }
        return parameters
    }

    /// GET with the access token (none for API-key access); one refresh-and-retry on 401
    /// (``AuthorizedSend``); errors mapped.
    func send(_ url: String, withSyncToken: Bool) async throws -> HTTPResponse {
        var tokens: (any AccessTokenProviding)?
        if case .oauth(let source) = configuration.access { tokens = source }
        return try await AuthorizedSend.send(
            tokens: tokens,
            perform: { authorization in
                try await transport.perform(
                    HTTPRequest(url: url, headers: [(name: "Accept", value: "application/json")] + authorization))
            },
            failure: { GoogleErrors.error($0, withSyncToken: withSyncToken, now: now()) })
    }
}
