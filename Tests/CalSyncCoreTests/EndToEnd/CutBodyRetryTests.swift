import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncRecurrence
@testable import CalSyncStore

/// A 200 whose body is not JSON at all (cut by a proxy, garbled) is a transport error of
/// that request: retried with backoff, after which the sync succeeds (ResponseBody).
@Suite(.serialized) struct CutBodyRetryTests {
    static let quickRetries = AccountSync.RetryPolicy(
        retries: 3, backoff: Backoff(base: .milliseconds(20), maximum: .milliseconds(100)))

    @Test func aCutGoogleEventsPageIsRetriedAndTheSyncSucceeds() async throws {
        let account = try await EmulatedAccounts()
        defer { Task { await account.stop() } }
        try await account.state.generateGoogleEvents(calendarID: EmulatedAccounts.calendar, count: 30, seed: 3)
        let eventsPath = "/calendar/v3/calendars/user@example.com/events"
        await account.state.injectFault(Fault(pathPrefix: eventsPath, outcome: .cutBody))
        let results = await account.syncOnce(retry: Self.quickRetries)
        #expect(results.count == 1)
        #expect(results.first?.error == nil, "\(results.first?.error?.message ?? "")")
        // The cut page, the same page again, then the increment every full listing ends with.
        let requests = await account.state.requests(pathPrefix: eventsPath)
        #expect(requests.count == 3)
        #expect(Set(try account.storedEvents().keys) == Set(try await account.truth().keys))
        #expect(account.logs.lines.contains { $0.contains("Retrying after a transient failure") })
    }

    @Test func aCutGraphDeltaPageIsRetriedAndTheSyncSucceeds() async throws {
        let account = try await EmulatedAccounts(accounts: [], microsoftAccounts: ["office"])
        defer { Task { await account.stop() } }
        let calendar = await account.state.defaultGraphCalendarID
        for index in 0..<5 {
            let day = String(Timestamp.string(from: Date().addingTimeInterval(Double(index + 1) * 86_400)).prefix(10))
            _ = try await account.state.addGraphEvent(
                calendarID: calendar,
                .object([
                    ("subject", .string("Single \(index)")),
                    ("start", .object([("dateTime", .string(day + "T10:00:00.0000000")), ("timeZone", "UTC")])),
                    ("end", .object([("dateTime", .string(day + "T11:00:00.0000000")), ("timeZone", "UTC")])),
                ]))
        }
        let deltaPath = "/v1.0/me/calendars/"
        await account.state.injectFault(Fault(pathPrefix: deltaPath, outcome: .cutBody))
        let results = await account.syncOnce(retry: Self.quickRetries)
        #expect(results.count == 1)
        #expect(results.first?.error == nil, "\(results.first?.error?.message ?? "")")
        #expect(try account.storedEvents(account: "office").count == 5)
    }

    @Test func aBodyThatIsJSONOfTheWrongShapeIsNotRetried() {
        let wrongShape = ResponseBody.classify(CalSyncError(.decoding, "x"), body: Data(#"{"items":7}"#.utf8))
        #expect(wrongShape.code == .decoding)
        let cut = ResponseBody.classify(CalSyncError(.decoding, "x"), body: Data(#"{"items":[{"id":"a"#.utf8))
        #expect(cut.code == .transport)
        #expect(cut.isTransient)
        let html = ResponseBody.classify(CalSyncError(.decoding, "x"), body: Data("<html>proxy</html>".utf8))
        #expect(html.code == .transport)
    }
}
