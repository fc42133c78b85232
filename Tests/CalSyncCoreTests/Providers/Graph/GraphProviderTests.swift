import Foundation
import Logging
import Synchronization
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel

/// GraphProvider against scripted responses: the requests it sends and how it reads the
/// answers (docs/providers-graph.md "Requests", "Errors and limits").
struct GraphProviderTests {
    static let base = "https://graph.microsoft.com/v1.0"
    static let window = SyncWindow(
        start: Timestamp.parse("2016-12-01T00:00:00Z")!, end: Timestamp.parse("2017-01-01T00:00:00Z")!)
    static let logger = Logger(label: "test")

    /// Hands out `token-N`, N counting the refreshes asked for.
    final class CountingTokens: AccessTokenProviding {
        let refreshes = Mutex(0)
        func accessToken(forceRefresh: Bool) async throws -> String {
            refreshes.withLock { count in
                if forceRefresh { count += 1 }
                return "token-\(count)"
            }
        }
    }

    static func provider(
        _ transport: any HTTPTransport, tokens: any AccessTokenProviding = CountingTokens(),
        mailbox: GraphMailbox = GraphMailbox()
    ) -> GraphProvider {
        GraphProvider(
            configuration: .init(apiBaseURL: base + "/", pageSize: 50, timeZone: "Europe/Berlin"), tokens: tokens,
            transport: transport, mailbox: mailbox)
    }

    static func ok(_ fixture: String) throws -> HTTPResponse {
        HTTPResponse(status: 200, body: try GraphFixture.data(fixture))
    }

    static func ok(json: String) -> HTTPResponse {
        HTTPResponse(status: 200, body: Data(json.utf8))
    }

    /// Every value of a header, comma-separated lists split (as a server reads them).
    static func values(_ request: HTTPRequest, _ name: String) -> [String] {
        request.headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.flatMap {
            $0.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    @Test func aThreePageRoundFollowsNextLinksToTheDeltaLinkWithThePreferHeadersEachTime() async throws {
        let transport = ScriptedTransport([
            try Self.ok("calendarview-delta-v1-page1-nextlink"), try Self.ok("calendarview-delta-v1-page2-nextlink"),
            try Self.ok("calendarview-delta-v1-page3-deltalink"),
        ])
        let provider = Self.provider(transport)
        var cursor = SyncCursor.initial
        var ids: [String] = []
        for _ in 0..<3 {
            let page = try await provider.changes(
                calendarID: "AAMk=cal", cursor: cursor, window: Self.window, logger: Self.logger)
            ids += page.changes.upserts.map(\.id)
            cursor = page.next
        }
        #expect(cursor == .delta("https://graph.microsoft.com/v1.0/me/calendarView/delta?$deltatoken=R0usmcMDNGg0J1E"))
        #expect(ids.count == 5)
        let urls = transport.requests.map(\.url)
        #expect(
            urls == [
                "https://graph.microsoft.com/v1.0/me/calendars/AAMk%3Dcal/calendarView/delta?startDateTime=2016-12-01T00%3A00%3A00Z&endDateTime=2017-01-08T00%3A00%3A00Z",
                "https://graph.microsoft.com/v1.0/me/calendarView/delta?$skiptoken=R0usmcCM996atia_s",
                "https://graph.microsoft.com/v1.0/me/calendarView/delta?$skiptoken=R0usmci39OQxqJrxK4",
            ])
        for request in transport.requests {
            #expect(request.method == .GET)
            #expect(
                Self.values(request, "Prefer") == [
                    "odata.maxpagesize=50", #"outlook.timezone="UTC""#, #"IdType="ImmutableId""#,
                    #"outlook.body-content-type="text""#,
                ])
            #expect(Self.values(request, "Authorization") == ["Bearer token-0"])
        }
    }

    @Test func byDefaultPagesAreAskedAtGraphsMaximumSize() async throws {
        let transport = ScriptedTransport([try Self.ok("calendarview-delta-v1-page3-deltalink")])
        let provider = GraphProvider(
            configuration: .init(apiBaseURL: Self.base), tokens: CountingTokens(), transport: transport,
            mailbox: GraphMailbox())
        _ = try await provider.changes(calendarID: "cal", cursor: .initial, window: Self.window, logger: Self.logger)
        #expect(transport.requests.count == 1)
        #expect(transport.requests.first.map { Self.values($0, "Prefer") }?.first == "odata.maxpagesize=1000")
    }

    @Test func instanceNotesReadBackAsWrittenWhateverTheIDHolds() throws {
        let instances = [
            GraphMapping.Instance(
                id: "i1", seriesID: "AAMk+/=\"quoted\\back\nline\u{01}é",
                originalStart: EventTime(storeText: "2026-03-01T09:00:00Z"),
                isException: true, day: CalendarDate("2026-03-01")),
            GraphMapping.Instance(id: "i2", seriesID: "AAMkplain"),
        ]
        for instance in instances {
            let note = GraphProvider.note(instance)
            #expect(GraphProvider.instance(instance.id, note: note) == instance)
            #expect((try? JSONSerialization.jsonObject(with: Data(note.utf8))) is [String: Any])
        }
        #expect(
            GraphProvider.note(instances[0]).hasPrefix(
                #"{"day":"2026-03-01","exception":true,"series":"AAMk+/=\"quoted"#))
    }

    @Test func aGoneDeltaLinkExpiresTheCursor() async throws {
        let transport = ScriptedTransport([
            HTTPResponse(status: 410, body: try GraphFixture.data("error-410-syncstatenotfound"))
        ])
        let link = "https://graph.microsoft.com/v1.0/me/calendarView/delta?$deltatoken=old"
        let error = await #expect(throws: CalSyncError.self) {
            try await Self.provider(transport).changes(
                calendarID: "cal", cursor: .delta(link), window: Self.window, logger: Self.logger)
        }
        #expect(error?.code == .cursorExpired)
        #expect(transport.requests.map(\.url) == [link])
    }

    @Test func a401RefreshesOnceAndRetriesOnce() async throws {
        let unauthorized = HTTPResponse(
            status: 401, body: try GraphFixture.data("error-401-invalidauthenticationtoken"))
        let transport = ScriptedTransport([unauthorized, try Self.ok("calendarview-delta-v1-page3-deltalink")])
        let tokens = CountingTokens()
        let page = try await Self.provider(transport, tokens: tokens).changes(
            calendarID: "cal", cursor: .initial, window: Self.window, logger: Self.logger)
        #expect(page.changes.upserts.map(\.id) == ["AAMkADj1HuAAA="])
        #expect(tokens.refreshes.withLock { $0 } == 1)
        #expect(
            transport.requests.map { Self.values($0, "Authorization") } == [["Bearer token-0"], ["Bearer token-1"]])

        // A second 401 after the refresh is the answer.
        let twice = ScriptedTransport([unauthorized, unauthorized])
        let error = await #expect(throws: CalSyncError.self) {
            try await Self.provider(twice).changes(
                calendarID: "cal", cursor: .initial, window: Self.window, logger: Self.logger)
        }
        #expect(error?.code == .unauthorized)
        #expect(twice.requests.count == 2)
    }

    @Test func throttlingCarriesTheFractionalRetryAfter() async throws {
        let transport = ScriptedTransport([
            HTTPResponse(
                status: 429, headers: [(name: "Retry-After", value: "1.5")],
                body: try GraphFixture.data("error-429-applicationthrottled-mailboxconcurrency"))
        ])
        let error = await #expect(throws: CalSyncError.self) {
            try await Self.provider(transport).changes(
                calendarID: "cal", cursor: .page("https://graph.microsoft.com/next"), window: Self.window,
                logger: Self.logger)
        }
        #expect(error?.code == .rateLimited)
        #expect(error?.retryAfter == .milliseconds(1500))
    }

    @Test func aThrottledAnswerHoldsTheNextRequestToTheMailboxForItsRetryAfter() async throws {
        let transport = ScriptedTransport([
            HTTPResponse(
                status: 429, headers: [(name: "Retry-After", value: "1.5")],
                body: try GraphFixture.data("error-429-throttled")),
            try Self.ok("calendarview-delta-v1-page3-deltalink"),
        ])
        let sleeps = Mutex([Duration]())
        let start = Date()
        let provider = GraphProvider(
            configuration: .init(apiBaseURL: Self.base), tokens: CountingTokens(), transport: transport,
            now: { start }, sleep: { duration in sleeps.withLock { $0.append(duration) } })
        await #expect(throws: CalSyncError.self) {
            try await provider.changes(calendarID: "a", cursor: .initial, window: Self.window, logger: Self.logger)
        }
        #expect(sleeps.withLock { $0 }.isEmpty)
        // Another calendar of the same mailbox waits the 1.5 s before its request.
        _ = try await provider.changes(calendarID: "b", cursor: .initial, window: Self.window, logger: Self.logger)
        #expect(sleeps.withLock { $0 } == [.milliseconds(1500)])
        #expect(transport.requests.count == 2)
    }

    /// Issue 16: `Retry-After: 31536000` paused the mailbox for a year, so no request was
    /// ever sent again. The pause is the 300 s retry maximum, for the header in any form.
    @Test(arguments: ["31536000", "1e300", "9223372036854775808", "Fri, 31 Dec 9999 23:59:59 GMT"])
    func aThrottledAnswerPausesTheMailboxForTheRetryMaximumAtMost(retryAfter: String) async throws {
        let transport = ScriptedTransport([
            HTTPResponse(
                status: 429, headers: [(name: "Retry-After", value: retryAfter)],
                body: try GraphFixture.data("error-429-throttled")),
            try Self.ok("calendarview-delta-v1-page3-deltalink"),
        ])
        let sleeps = Mutex([Duration]())
        let start = Date()
        let provider = GraphProvider(
            configuration: .init(apiBaseURL: Self.base), tokens: CountingTokens(), transport: transport,
            now: { start }, sleep: { duration in sleeps.withLock { $0.append(duration) } })
        let error = await #expect(throws: CalSyncError.self) {
            try await provider.changes(calendarID: "a", cursor: .initial, window: Self.window, logger: Self.logger)
        }
        #expect(error?.retryAfter == .seconds(300))
        _ = try await provider.changes(calendarID: "b", cursor: .initial, window: Self.window, logger: Self.logger)
        #expect(sleeps.withLock { $0 } == [.seconds(300)])
        #expect(transport.requests.count == 2)
    }

    /// A master for the 2023 stub: weekly on Sundays at 10:25 UTC.
    static let master = #"""
        {"@odata.etag":"W/\"m1\"","id":"seriesMasterId","changeKey":"m1","type":"seriesMaster","subject":"Standup",
         "isAllDay":false,"originalStartTimeZone":"UTC",
         "start":{"dateTime":"2023-07-02T10:25:00.0000000","timeZone":"UTC"},
         "end":{"dateTime":"2023-07-02T10:55:00.0000000","timeZone":"UTC"},
         "recurrence":{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["sunday"],"firstDayOfWeek":"sunday","index":"first"},
                       "range":{"type":"noEnd","startDate":"2023-07-02","endDate":"0001-01-01","recurrenceTimeZone":"UTC","numberOfOccurrences":0}}}
        """#

    static func stubPage(_ link: String) throws -> HTTPResponse {
        let stub = String(decoding: try GraphFixture.data("calendarview-delta-occurrence-bare-2023"), as: UTF8.self)
        return ok(json: #"{"\#(link)":"https://graph.microsoft.com/\#(link)","value":[\#(stub)]}"#)
    }

    static let noInstances = ok(json: #"{"value":[]}"#)

    @Test func occurrenceStubsAreReplacedByTheirMasterFetchedOncePerRound() async throws {
        let transport = ScriptedTransport([
            try Self.stubPage("@odata.nextLink"), Self.ok(json: Self.master), Self.noInstances,
            try Self.stubPage("@odata.deltaLink"),
        ])
        let provider = Self.provider(transport)
        let first = try await provider.changes(
            calendarID: "cal", cursor: .initial, window: Self.window, logger: Self.logger)
        #expect(first.next == .page("https://graph.microsoft.com/@odata.nextLink"))
        let master = try #require(first.changes.upserts.first)
        #expect(master.id == "seriesMasterId" && master.kind == .series && master.summary == "Standup")
        #expect(master.recurrence == ["RRULE:FREQ=WEEKLY;BYDAY=SU"])
        #expect(first.changes.upserts.count == 1)
        #expect(transport.requests[1].url == "https://graph.microsoft.com/v1.0/me/calendars/cal/events/seriesMasterId")
        #expect(Self.values(transport.requests[1], "Prefer").contains(#"IdType="ImmutableId""#))
        // Its instances over the round's window, to learn which ones were deleted: only
        // the members that tell them apart.
        #expect(
            transport.requests[2].url
                == "https://graph.microsoft.com/v1.0/me/calendars/cal/events/seriesMasterId/instances?startDateTime=2016-12-01T00%3A00%3A00Z&endDateTime=2017-01-08T00%3A00%3A00Z"
                + "&%24select=id%2Ctype%2CseriesMasterId%2Cstart%2Cend%2CisAllDay%2CoriginalStart%2CoriginalStartTimeZone"
        )

        // The next page of the same round uses the master already read.
        let second = try await provider.changes(
            calendarID: "cal", cursor: first.next, window: Self.window, logger: Self.logger)
        #expect(second.next == .delta("https://graph.microsoft.com/@odata.deltaLink"))
        #expect(second.changes.upserts.map(\.id) == ["seriesMasterId"])
        #expect(transport.requests.count == 4)
    }

    @Test func aRemovedOccurrenceOfALiveSeriesCancelsThatInstance() async throws {
        let removed =
            #"{"@odata.deltaLink":"https://graph.microsoft.com/d2","value":[{"id":"id","@removed":{"reason":"deleted"}}]}"#
        let transport = ScriptedTransport([
            try Self.stubPage("@odata.deltaLink"), Self.ok(json: Self.master), Self.noInstances,
            Self.ok(json: removed), Self.ok(json: Self.master), Self.noInstances,
        ])
        let provider = Self.provider(transport)
        let round = try await provider.changes(
            calendarID: "cal", cursor: .initial, window: Self.window, logger: Self.logger)
        // The store keeps the round's notes; the provider reads the stub back from them.
        let next = try await provider.changes(
            calendarID: "cal", cursor: round.next, window: Self.window, notes: Self.notes(of: round),
            logger: Self.logger)
        #expect(next.changes.deletions.isEmpty)
        let cancelled = try #require(next.changes.upserts.first { $0.id == "id" })
        #expect(cancelled.kind == .exception && cancelled.status == .cancelled)
        #expect(cancelled.seriesID == "seriesMasterId")
        #expect(cancelled.originalStart == GraphFixture.instant("2023-07-23T10:25:00Z"))
        #expect(cancelled.end == GraphFixture.instant("2023-07-23T10:55:00Z"))
        // The master is read again in the new round (its changeKey moved) and stored with it.
        #expect(next.changes.upserts.first?.id == "seriesMasterId")
        #expect(transport.requests.count == 6)
    }

    @Test func aRemovedOccurrenceOfADeletedSeriesDeletesTheMaster() async throws {
        let removed =
            #"{"@odata.deltaLink":"https://graph.microsoft.com/d2","value":[{"id":"id","@removed":{"reason":"deleted"}}]}"#
        let gone = HTTPResponse(
            status: 404, body: Data(#"{"error":{"code":"ErrorItemNotFound","message":"gone"}}"#.utf8))
        let transport = ScriptedTransport([
            try Self.stubPage("@odata.deltaLink"), Self.ok(json: Self.master), Self.noInstances,
            Self.ok(json: removed), gone,
        ])
        let provider = Self.provider(transport)
        let round = try await provider.changes(
            calendarID: "cal", cursor: .initial, window: Self.window, logger: Self.logger)
        // The store keeps the round's notes; the provider reads the stub back from them.
        let next = try await provider.changes(
            calendarID: "cal", cursor: round.next, window: Self.window, notes: Self.notes(of: round),
            logger: Self.logger)
        #expect(next.changes.deletions == ["id", "seriesMasterId"])
        #expect(next.changes.upserts.isEmpty)
    }

    @Test func calendarsComeWithTheMailboxZoneAcrossPages() async throws {
        let transport = ScriptedTransport([
            Self.ok(json: #"{"timeZone":"W. Europe Standard Time","language":{"locale":"en-GB"}}"#),
            Self.ok(
                json:
                    ##"{"@odata.nextLink":"https://graph.microsoft.com/v1.0/me/calendars?$skiptoken=2","value":[{"id":"a","name":"A","hexColor":"#AABBCC","isDefaultCalendar":true,"changeKey":"k"}]}"##
            ),
            try Self.ok("calendars-list-docs"),
        ])
        let calendars = try await Self.provider(transport).listCalendars(logger: Self.logger)
        #expect(calendars.map(\.id) == ["a", "AAMkAGI2TGuLAAA="])
        #expect(calendars.map(\.timeZone) == ["Europe/Berlin", "Europe/Berlin"])
        #expect(calendars.first?.color == "#aabbcc")
        #expect(
            transport.requests.map(\.url) == [
                "https://graph.microsoft.com/v1.0/me/mailboxSettings", "https://graph.microsoft.com/v1.0/me/calendars",
                "https://graph.microsoft.com/v1.0/me/calendars?$skiptoken=2",
            ])
    }

    @Test func anUnreadableMailboxZoneFallsBackToTheConfiguredOne() async throws {
        let transport = ScriptedTransport([
            HTTPResponse(status: 403, body: Data(#"{"error":{"code":"ErrorAccessDenied","message":"no"}}"#.utf8)),
            try Self.ok("calendars-list-docs"),
        ])
        let calendars = try await Self.provider(transport).listCalendars(logger: Self.logger)
        #expect(calendars.map(\.timeZone) == ["Europe/Berlin"])
    }

    @Test func theFingerprintIsTheWindowAndTheGraphURL() {
        let transport = ScriptedTransport([])
        let provider = Self.provider(transport)
        let same = provider.cursorFingerprint(calendarID: "cal", window: Self.window)
        #expect(same == provider.cursorFingerprint(calendarID: "cal", window: Self.window))
        // The occurrence window slides a day: the round's frozen window still covers it.
        let nextDay = SyncWindow(
            start: Self.window.start.addingTimeInterval(86_400), end: Self.window.end.addingTimeInterval(86_400))
        #expect(same == provider.cursorFingerprint(calendarID: "cal", window: nextDay))
        // A week on, the frozen window is renewed: a new round.
        let nextWeek = SyncWindow(
            start: Self.window.start.addingTimeInterval(7 * 86_400), end: Self.window.end.addingTimeInterval(7 * 86_400)
        )
        #expect(same != provider.cursorFingerprint(calendarID: "cal", window: nextWeek))
        let elsewhere = GraphProvider(
            configuration: .init(apiBaseURL: "https://graph.microsoft.us/v1.0"), tokens: CountingTokens(),
            transport: transport)
        #expect(same != elsewhere.cursorFingerprint(calendarID: "cal", window: Self.window))
    }

    /// Day by day for a month: the frozen window always covers the occurrence window, and
    /// is renewed only when a 7-day period ends.
    @Test func theFrozenWindowCoversTheOccurrenceWindowAndMovesWeekly() {
        let provider = Self.provider(ScriptedTransport([]))
        var previous: SyncWindow?
        var renewals = 0
        for day in 0..<28 {
            let window = SyncWindow.around(
                Self.window.start.addingTimeInterval(Double(day) * 86_400), past: .seconds(30 * 86_400),
                future: .seconds(60 * 86_400))
            let frozen = provider.deltaWindow(window)
            #expect(frozen.start <= window.start && frozen.end >= window.end)
            #expect(frozen.end.timeIntervalSince(window.end) <= 7 * 86_400)
            if let previous, previous != frozen {
                renewals += 1
                // Only when the window's start begins a new 7-day period.
                #expect(CalendarDate(utcDayOf: window.start).daysSinceEpoch % 7 == 0)
            }
            previous = frozen
        }
        #expect(renewals == 4)
    }

    @Test(arguments: [
        ("https://graph.microsoft.com/v1.0", "https://graph.microsoft.com/v1.0"),
        ("https://graph.microsoft.com/v1.0/", "https://graph.microsoft.com/v1.0"),
        ("https://graph.microsoft.us", "https://graph.microsoft.us/v1.0"),
        ("https://microsoftgraph.chinacloudapi.cn/", "https://microsoftgraph.chinacloudapi.cn/v1.0"),
        ("http://127.0.0.1:8080/v1.0", "http://127.0.0.1:8080/v1.0"),
    ])
    func theGraphURLIsTheVersionedBase(configured: String, base: String) {
        #expect(GraphProvider.versionedBase(configured) == base)
    }

    /// Holds every request until the test lets it go, counting those in flight.
    final class GatedTransport: HTTPTransport {
        let state = Mutex((inFlight: 0, most: 0, waiting: [CheckedContinuation<Void, Never>]()))

        func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
            await withCheckedContinuation { continuation in
                state.withLock { state in
                    state.inFlight += 1
                    state.most = max(state.most, state.inFlight)
                    state.waiting.append(continuation)
                }
            }
            state.withLock { $0.inFlight -= 1 }
            return HTTPResponse(
                status: 200, body: Data(#"{"@odata.deltaLink":"https://graph.microsoft.com/d","value":[]}"#.utf8))
        }

        /// Releases one waiting request; false when none waits.
        func releaseOne() -> Bool {
            let next = state.withLock { state in state.waiting.isEmpty ? nil : state.waiting.removeFirst() }
            next?.resume()
            return next != nil
        }
    }

    @Test func noMoreRequestsThanTheMailboxLimitAreInFlight() async throws {
        let transport = GatedTransport()
        let mailbox = GraphMailboxes().mailbox(account: "m", maxConcurrentRequests: 2)
        let provider = Self.provider(transport, mailbox: mailbox)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<6 {
                group.addTask {
                    _ = try await provider.changes(
                        calendarID: "cal\(index)", cursor: .initial, window: Self.window, logger: Self.logger)
                }
            }
            // Six polls contend for two permits: two requests arrive, the rest wait.
            while transport.state.withLock({ $0.waiting.count }) < 2 { await Task.yield() }
            var released = 0
            while released < 6 {
                if transport.releaseOne() {
                    released += 1
                } else {
                    await Task.yield()
                }
            }
            try await group.waitForAll()
        }
        #expect(transport.state.withLock { $0.most } == 2)
    }
}

extension GraphProviderTests {
    /// What the store would answer after applying `page`: the notes it set.
    static func notes(of page: ProviderPage) -> ProviderNoteReader {
        let set = page.changes.notes.set
        return { key in set[key] }
    }

    /// A page that fails half-way (its master's instances throttled) is read again with
    /// the same knowledge: the removed occurrence still becomes a cancellation.
    @Test func aPageThrottledHalfWayIsReadAgainWithTheSameMemory() async throws {
        let removed =
            #"{"@odata.deltaLink":"https://graph.microsoft.com/d2","value":[{"id":"id","@removed":{"reason":"deleted"}}]}"#
        let throttled = HTTPResponse(
            status: 429, headers: [(name: "Retry-After", value: "0")],
            body: try GraphFixture.data("error-429-throttled"))
        let transport = ScriptedTransport([
            try Self.stubPage("@odata.deltaLink"), Self.ok(json: Self.master), Self.noInstances,
            Self.ok(json: removed), Self.ok(json: Self.master), throttled,
            Self.ok(json: removed), Self.ok(json: Self.master), Self.noInstances,
        ])
        let provider = Self.provider(transport)
        let round = try await provider.changes(
            calendarID: "cal", cursor: .initial, window: Self.window, logger: Self.logger)
        let error = await #expect(throws: CalSyncError.self) {
            try await provider.changes(
                calendarID: "cal", cursor: round.next, window: Self.window, notes: Self.notes(of: round),
                logger: Self.logger)
        }
        #expect(error?.code == .rateLimited)
        let retried = try await provider.changes(
            calendarID: "cal", cursor: round.next, window: Self.window, notes: Self.notes(of: round),
            logger: Self.logger)
        #expect(retried.changes.deletions.isEmpty)
        #expect(retried.changes.upserts.map(\.id) == ["seriesMasterId", "id"])
        #expect(retried.changes.upserts.last?.status == .cancelled)
        #expect(transport.requests.count == 9)
    }
}
