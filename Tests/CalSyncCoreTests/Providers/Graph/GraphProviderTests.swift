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

    /// A provider over `transport`. The scripts here answer page by page, so by default each
    /// delta page is a page of its own for the store (`pagesPerStorePage` 1); the merging of
    /// pages has its own tests (GraphMergedPagesTests).
    /// The scripts answer requests in the order they come: the next page is not read ahead
    /// unless `readsAhead` (GraphReadAheadTests), or it would race each page's `$batch`.
    static func provider(
        _ transport: any HTTPTransport, tokens: any AccessTokenProviding = CountingTokens(),
        mailbox: GraphMailbox = GraphMailbox(), pagesPerStorePage: Int = 1, itemsPerStorePage: Int = 5000,
        readsAhead: Bool = false
    ) -> GraphProvider {
        GraphProvider(
            configuration: .init(
                apiBaseURL: base + "/", pageSize: 50, itemsPerStorePage: itemsPerStorePage,
                pagesPerStorePage: pagesPerStorePage, timeZone: "Europe/Berlin", readsAhead: readsAhead),
            tokens: tokens, transport: transport, mailbox: mailbox)
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

    /// A `$batch` answer: one response per (status, body, headers), ids "1", "2", … in order.
    static func batch(_ answers: [(status: Int, body: String, headers: String)]) -> HTTPResponse {
        let items = answers.enumerated().map { offset, answer in
            #"{"id":"\#(offset + 1)","status":\#(answer.status),"headers":{\#(answer.headers)},"body":\#(answer.body)}"#
        }
        return ok(json: #"{"responses":["# + items.joined(separator: ",") + "]}")
    }

    static let masterBatch = batch([(200, master, #""Content-Type":"application/json""#)])

    /// The 2023 stub with the master's change key as its `@odata.etag`.
    static func stubPage(_ link: String, etag: String) -> HTTPResponse {
        ok(
            json:
                #"{"\#(link)":"https://graph.microsoft.com/\#(link)","value":[{"@odata.etag":"W/\"\#(etag)\"","id":"id","#
                + #""seriesMasterId":"seriesMasterId","type":"occurrence","start":{"dateTime":"2023-07-23T10:25:00.0000000","timeZone":"UTC"},"#
                + #""end":{"dateTime":"2023-07-23T10:55:00.0000000","timeZone":"UTC"}}]}"#)
    }

    @Test func occurrenceStubsAreStoredUnderGraphsIdsWithTheirMasterReadInOneBatchPerRound() async throws {
        let transport = ScriptedTransport([
            try Self.stubPage("@odata.nextLink"), Self.masterBatch, try Self.stubPage("@odata.deltaLink"),
        ])
        let provider = Self.provider(transport)
        let first = try await provider.changes(
            calendarID: "cal", cursor: .initial, window: Self.window, logger: Self.logger)
        #expect(first.next == .page("https://graph.microsoft.com/@odata.nextLink"))
        let master = try #require(first.changes.upserts.first)
        #expect(master.id == "seriesMasterId" && master.kind == .series && master.summary == "Standup")
        #expect(master.recurrence == ["RRULE:FREQ=WEEKLY;BYDAY=SU"])
        #expect(first.changes.upserts.count == 1)
        let occurrence = Occurrence(
            instanceID: "id", eventID: "seriesMasterId", seriesID: "seriesMasterId",
            start: GraphFixture.instant("2023-07-23T10:25:00Z"), end: GraphFixture.instant("2023-07-23T10:55:00Z"))
        #expect(first.changes.listedOccurrences == [occurrence])
        #expect(first.changes.notes.clearFirst)
        let batch = transport.requests[1]
        #expect(batch.method == .POST && batch.url == "https://graph.microsoft.com/v1.0/$batch")
        let body = try #require(batch.body.flatMap { try? JSONSerialization.jsonObject(with: $0) } as? [String: Any])
        let requests = try #require(body["requests"] as? [[String: Any]])
        #expect(requests.count == 1)
        #expect(requests.first?["method"] as? String == "GET")
        #expect(
            requests.first?["url"] as? String
                == "/me/calendars/cal/events/seriesMasterId?$select="
                + GraphEndpoints.masterProperties.joined(separator: ","))
        #expect(
            (requests.first?["headers"] as? [String: String])?["Prefer"]?.contains(#"outlook.timezone="UTC""#) == true)

        // The next page of the same round does not read the master again.
        let second = try await provider.changes(
            calendarID: "cal", cursor: first.next, window: Self.window, logger: Self.logger)
        #expect(second.next == .delta("https://graph.microsoft.com/@odata.deltaLink"))
        #expect(second.changes.upserts.isEmpty)
        #expect(second.changes.listedOccurrences == [occurrence])
        #expect(transport.requests.count == 3)
    }

    /// A page the engine could not store is asked for again (a full re-sync resumed at a
    /// page the mailbox did not hand out): its masters are read again, not taken as stored.
    @Test func aPageAskedForAgainReadsItsMastersAgain() async throws {
        let transport = ScriptedTransport([
            try Self.stubPage("@odata.nextLink"), Self.masterBatch, try Self.stubPage("@odata.deltaLink"),
            Self.masterBatch,
        ])
        let provider = Self.provider(transport)
        let first = try await provider.changes(
            calendarID: "cal", cursor: .initial, window: Self.window, logger: Self.logger)
        #expect(first.changes.upserts.map(\.id) == ["seriesMasterId"])
        let resumed = try await provider.changes(
            calendarID: "cal", cursor: .page("https://graph.microsoft.com/resumed"), window: Self.window,
            logger: Self.logger)
        #expect(resumed.changes.upserts.map(\.id) == ["seriesMasterId"])
        #expect(transport.requests.count == 4)
    }

    @Test func anIncrementalPollReadsAMasterOnlyWhenItsChangeKeyMoved() async throws {
        let removedPage =
            #"{"@odata.deltaLink":"https://graph.microsoft.com/d3","value":[]}"#
        let transport = ScriptedTransport([
            Self.stubPage("@odata.deltaLink", etag: "m1"), Self.masterBatch,
            Self.stubPage("@odata.deltaLink", etag: "m1"),
            Self.stubPage("@odata.deltaLink", etag: "m2"), Self.masterBatch, Self.ok(json: removedPage),
        ])
        let provider = Self.provider(transport)
        let round = try await provider.changes(
            calendarID: "cal", cursor: .initial, window: Self.window, logger: Self.logger)
        #expect(round.changes.upserts.map(\.id) == ["seriesMasterId"])
        let same = try await provider.changes(
            calendarID: "cal", cursor: round.next, window: Self.window, logger: Self.logger)
        #expect(same.changes.upserts.isEmpty)
        #expect(same.changes.listedOccurrences.map(\.instanceID) == ["id"])
        #expect(transport.requests.count == 3)
        let moved = try await provider.changes(
            calendarID: "cal", cursor: same.next, window: Self.window, logger: Self.logger)
        #expect(moved.changes.upserts.map(\.id) == ["seriesMasterId"])
        #expect(transport.requests.count == 5)
        _ = try await provider.changes(calendarID: "cal", cursor: moved.next, window: Self.window, logger: Self.logger)
        #expect(transport.requests.count == 6)
    }

    /// The mailbox keeps hashes, not ids or change keys (GraphMailbox.SeriesKey): equal
    /// texts must give equal keys, and texts that differ by a byte another.
    @Test func theMailboxKnowsSeriesAndChangeKeysByTheirHashes() {
        let id = String(repeating: "AAMkAGI2TG93AAA=", count: 6)
        #expect(GraphMailbox.SeriesKey(id) == GraphMailbox.SeriesKey(String(decoding: Array(id.utf8), as: UTF8.self)))
        #expect(GraphMailbox.SeriesKey(id) != GraphMailbox.SeriesKey(id.dropLast() + "B"))
        let master = GraphMailbox.KnownMaster(changeKey: "DwAAABYAAAC9YbapXssvT4RTG13UUr6A", allDay: false)
        #expect(!master.changed(from: "DwAAABYAAAC9YbapXssvT4RTG13UUr6A"))
        #expect(master.changed(from: "DwAAABYAAAC9YbapXssvT4RTG13UUr6B"))
        #expect(GraphMailbox.KnownMaster(changeKey: nil, allDay: false).changed(from: "m1"))
    }

    @Test func aRemovedIDIsRemovedExactlyWithoutAnyRequest() async throws {
        let removed =
            #"{"@odata.deltaLink":"https://graph.microsoft.com/d2","value":[{"id":"id","@removed":{"reason":"deleted"}}]}"#
        let transport = ScriptedTransport([Self.ok(json: removed)])
        let next = try await Self.provider(transport).changes(
            calendarID: "cal", cursor: .delta("https://graph.microsoft.com/d1"), window: Self.window,
            logger: Self.logger)
        #expect(next.changes.removedOccurrences == ["id"])
        #expect(next.changes.deletions == ["id"])
        #expect(next.changes.upserts.isEmpty && next.changes.listedOccurrences.isEmpty)
        #expect(transport.requests.count == 1)
    }

    @Test func aMasterGoneInTheBatchDeletesItsSeriesAndItsStubsAddNothing() async throws {
        let gone = #"{"error":{"code":"ErrorItemNotFound","message":"gone"}}"#
        let transport = ScriptedTransport([
            try Self.stubPage("@odata.deltaLink"), Self.batch([(404, gone, #""Content-Type":"application/json""#)]),
        ])
        let page = try await Self.provider(transport).changes(
            calendarID: "cal", cursor: .initial, window: Self.window, logger: Self.logger)
        #expect(page.changes.deletions == ["seriesMasterId"])
        #expect(page.changes.upserts.isEmpty && page.changes.listedOccurrences.isEmpty)
    }

    @Test func aThrottledRequestInABatchIsSentAgainAfterItsRetryAfter() async throws {
        let throttled = String(decoding: try GraphFixture.data("error-429-throttled"), as: UTF8.self)
        let transport = ScriptedTransport([
            try Self.stubPage("@odata.deltaLink"),
            Self.batch([(429, throttled, #""Retry-After":"1.5","Content-Type":"application/json""#)]),
            Self.masterBatch,
        ])
        let sleeps = Mutex([Duration]())
        let start = Date()
        let provider = GraphProvider(
            configuration: .init(apiBaseURL: Self.base), tokens: CountingTokens(), transport: transport,
            now: { start }, sleep: { duration in sleeps.withLock { $0.append(duration) } })
        let page = try await provider.changes(
            calendarID: "cal", cursor: .initial, window: Self.window, logger: Self.logger)
        #expect(page.changes.upserts.map(\.id) == ["seriesMasterId"])
        #expect(page.changes.listedOccurrences.count == 1)
        #expect(sleeps.withLock { $0 } == [.milliseconds(1500)])
        #expect(transport.requests.count == 3)
    }

    @Test func aMailboxOfManySeriesReadsTheirMastersTwentyToABatch() async throws {
        var stubs: [String] = []
        var masters: [(status: Int, body: String, headers: String)] = []
        for index in 0..<45 {
            stubs.append(
                #"{"id":"o\#(index)","seriesMasterId":"s\#(index)","type":"occurrence","#
                    + #""start":{"dateTime":"2016-12-0\#(index % 9 + 1)T10:00:00.0000000","timeZone":"UTC"},"#
                    + #""end":{"dateTime":"2016-12-0\#(index % 9 + 1)T11:00:00.0000000","timeZone":"UTC"}}"#)
            masters.append((200, Self.master.replacingOccurrences(of: "seriesMasterId", with: "s\(index)"), ""))
        }
        let page = Self.ok(
            json: #"{"@odata.deltaLink":"https://graph.microsoft.com/d","value":["# + stubs.joined(separator: ",")
                + "]}")
        // The batches run side by side: each answer names its requests by their ids in the batch.
        let transport = BatchAnsweringTransport(
            page: page,
            masters: Dictionary(uniqueKeysWithValues: masters.enumerated().map { ("s\($0.offset)", $0.element.body) }))
        let result = try await Self.provider(transport).changes(
            calendarID: "cal", cursor: .initial, window: Self.window, logger: Self.logger)
        #expect(result.changes.upserts.count == 45)
        #expect(result.changes.listedOccurrences.count == 45)
        // One listing page and ⌈45 ÷ 20⌉ = 3 batches.
        #expect(transport.requests.count == 4)
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

/// Answers the listing page, then every `$batch` with the masters its requests name.
final class BatchAnsweringTransport: HTTPTransport {
    let page: HTTPResponse
    let masters: [String: String]
    let log = Mutex([HTTPRequest]())

    init(page: HTTPResponse, masters: [String: String]) {
        self.page = page
        self.masters = masters
    }

    var requests: [HTTPRequest] { log.withLock { $0 } }

    func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
        log.withLock { $0.append(request) }
        guard request.method == .POST, let body = request.body,
            let object = try JSONSerialization.jsonObject(with: body) as? [String: Any],
            let requests = object["requests"] as? [[String: Any]]
        else { return page }
        let answers = requests.map { item -> String in
            let id = item["id"] as? String ?? ""
            let url = item["url"] as? String ?? ""
            let master = url.split(separator: "/").last.map { String($0.prefix { $0 != "?" }) } ?? ""
            return #"{"id":"\#(id)","status":200,"headers":{},"body":\#(masters[master] ?? "{}")}"#
        }
        return HTTPResponse(status: 200, body: Data((#"{"responses":["# + answers.joined(separator: ",") + "]}").utf8))
    }
}
