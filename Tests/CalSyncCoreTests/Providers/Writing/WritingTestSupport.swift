import CalSyncEmulator
import CalSyncEmulatorServer
import CurlTransport
import Foundation
import Logging

@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel

/// An access token the emulator issued, handed out as it is.
struct EmulatorAccessToken: AccessTokenProviding {
    let token: String
    func accessToken(forceRefresh: Bool) async throws -> String { token }
}

/// An emulator on port 0 with a Google and a Graph provider signed in to it over libcurl,
/// for the write tests (docs/providers-google.md and docs/providers-graph.md "Writes").
final class WritingHarness: Sendable {
    let emulator: ProviderEmulator
    let transport: CurlTransport
    let logger = Logger(label: "calsync.tests.writing")
    var state: EmulatorState { emulator.state }
    static let googleCalendar = "user@example.com"

    private init(emulator: ProviderEmulator) {
        self.emulator = emulator
        self.transport = CurlTransport(logger: Logger(label: "calsync.tests.writing.curl"))
    }

    static func start() async throws -> WritingHarness {
        WritingHarness(emulator: try await ProviderEmulator.start())
    }

    func stop() async {
        transport.shutdown()
        await emulator.stop()
    }

    /// A Google provider with a token of `scope` (nil: read and write).
    func google(scope: String? = nil) async -> GoogleProvider {
        let token = await state.issueTokens(provider: .google, scope: scope).accessToken
        return GoogleProvider(
            configuration: .init(
                apiBaseURL: emulator.baseURL + "/calendar/v3", eventTypes: ["default"],
                access: .oauth(EmulatorAccessToken(token: token))),
            transport: transport)
    }

    /// A Graph provider with a token of `scope` (nil: read and write), its retries' waits
    /// recorded instead of slept.
    func graph(scope: String? = nil) async -> GraphProvider {
        let token = await state.issueTokens(provider: .microsoft, scope: scope).accessToken
        return GraphProvider(
            configuration: .init(apiBaseURL: emulator.baseURL + "/v1.0", pageSize: 100, timeZone: "UTC"),
            tokens: EmulatorAccessToken(token: token), transport: transport)
    }

    /// Every page of a listing from `cursor` to its end: the changes and the cursor to keep.
    func poll(
        _ provider: some CalendarProvider, calendarID: String, from cursor: SyncCursor, window: SyncWindow
    ) async throws -> (changes: [ChangePage], next: SyncCursor) {
        var pages: [ChangePage] = []
        var cursor = cursor
        for _ in 0..<50 {
            let page = try await provider.changes(
                calendarID: calendarID, cursor: cursor, window: window, logger: logger)
            pages.append(page.changes)
            cursor = page.next
            if case .page = cursor { continue }
            return (pages, cursor)
        }
        throw CalSyncError(.decoding, "the listing did not end in 50 pages")
    }

    static let window = SyncWindow.around(Date(), past: .seconds(30 * 86_400), future: .seconds(365 * 86_400))

    /// An instant `days` from today at `hour`:00 UTC.
    static func instant(days: Int, hour: Int) -> Date {
        CalendarDate(utcDayOf: Date()).adding(days: days).midnight(in: nil).addingTimeInterval(Double(hour) * 3600)
    }

    /// A timed draft `days` from today, an hour long from `hour`:00 UTC.
    static func timed(_ summary: String, days: Int, hour: Int = 10, recurrence: [String]? = nil) -> EventDraft {
        EventDraft(
            summary: summary, location: "Room 1", start: .instant(instant(days: days, hour: hour)),
            end: .instant(instant(days: days, hour: hour + 1)), timeZone: "UTC", recurrence: recurrence)
    }

    static func allDay(_ summary: String, days: Int) -> EventDraft {
        let day = CalendarDate(utcDayOf: Date()).adding(days: days)
        return EventDraft(summary: summary, start: .date(day), end: .date(day.adding(days: 1)))
    }
}

extension WriteOutcome {
    /// The event of a `.done` outcome.
    var writtenEvent: WrittenEvent? {
        if case .done(let written) = self { return written }
        return nil
    }

    var conflictReason: String? {
        if case .conflict(let reason, _) = self { return reason }
        return nil
    }
}
