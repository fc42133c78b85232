// Micro-benchmarks (ordo-one/benchmark) of calsync's sync path, one page at a time:
// decoding a 2,500-event Google page and a 1,000-event Graph page into a ChangePage, and
// applying a 2,500-event page to a new store (events, occurrences, changes, cursor).
// The pages come from calsync-emulator's generator, answered in-process and replayed, so
// only calsync's side is measured. Run with scripts/bench-micro (release build); without
// the benchmark plugin the runner prints every benchmark's figures itself.
import Benchmark
import CalSyncEmulator
import CalSyncEmulatorServer
@_spi(Benchmarks) import CalSyncGoogle
import CalSyncGraph
import CalSyncModel
import CalSyncRecurrence
import CalSyncStore
import Foundation
import Logging

@main
struct CalSyncMicroRunner: BenchmarkRunnerHooks {
    static func registerBenchmarks() {
        calsyncBenchmarks()
    }
}

let windowStart = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
let window = SyncWindow(
    start: windowStart.addingTimeInterval(-365 * 86_400), end: windowStart.addingTimeInterval(730 * 86_400))
let logger = Logger(label: "calsync-micro")

/// Answers requests from an in-process emulator once, then replays the recorded answers.
final class ReplayTransport: HTTPTransport {
    let state: EmulatorState
    let token: String
    let recorded = RecordedResponses()

    init(state: EmulatorState, token: String) {
        self.state = state
        self.token = token
    }

    func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
        if let response = recorded.response(for: request.url) { return response }
        guard let components = URLComponents(string: request.url) else {
            return HTTPResponse(status: 400)
        }
        let query = (components.queryItems ?? []).map { (name: $0.name, value: $0.value ?? "") }
        // The emulator's own token in place of the provider's placeholder.
        let headers =
            request.headers.filter { $0.name.lowercased() != "authorization" } + [
                (name: "Authorization", value: "Bearer \(token)")
            ]
        let answer = await state.respond(
            to: EmulatorRequest(
                method: request.method.rawValue, rawPath: components.percentEncodedPath, query: query,
                headers: headers, body: request.body ?? Data()))
        let response = HTTPResponse(status: answer.status, headers: answer.headers, body: Data(answer.body))
        recorded.record(response, for: request.url)
        return response
    }
}

final class RecordedResponses: @unchecked Sendable {
    private let lock = NSLock()
    private var responses: [String: HTTPResponse] = [:]

    func response(for url: String) -> HTTPResponse? {
        lock.withLock { responses[url] }
    }

    func record(_ response: HTTPResponse, for url: String) {
        lock.withLock { responses[url] = response }
    }
}

struct FixedToken: AccessTokenProviding {
    func accessToken(forceRefresh: Bool) async throws -> String { "replayed" }
}

func googleProvider(events: Int) async throws -> GoogleProvider {
    let state = EmulatorState()
    _ = try await state.generateGoogleEvents(calendarID: "user@example.com", count: events, seed: 7)
    let token = await state.issueTokens(provider: .google).accessToken
    return GoogleProvider(
        configuration: .init(
            apiBaseURL: "http://emulator.invalid/calendar/v3", eventTypes: ["default"], access: .oauth(FixedToken())),
        transport: ReplayTransport(state: state, token: token))
}

/// The first events page of a generated Google calendar, as the emulator answers it.
func googlePageBytes(events: Int) async throws -> [UInt8] {
    let state = EmulatorState()
    _ = try await state.generateGoogleEvents(calendarID: "user@example.com", count: events, seed: 7)
    let token = await state.issueTokens(provider: .google).accessToken
    let answer = await state.respond(
        to: EmulatorRequest(
            method: "GET", rawPath: "/calendar/v3/calendars/user%40example.com/events",
            query: [(name: "maxResults", value: "2500"), (name: "showDeleted", value: "true")],
            headers: [(name: "Authorization", value: "Bearer \(token)")], body: Data()))
    return Array(answer.body)
}

func graphProvider(events: Int) async throws -> (GraphProvider, String) {
    let state = EmulatorState()
    let calendar = await state.defaultGraphCalendarID
    _ = try await state.generateGraphEvents(calendarID: calendar, count: events, seed: 7)
    let token = await state.issueTokens(provider: .microsoft).accessToken
    let provider = GraphProvider(
        configuration: .init(apiBaseURL: "http://emulator.invalid/v1.0", timeZone: "UTC"), tokens: FixedToken(),
        transport: ReplayTransport(state: state, token: token))
    return (provider, calendar)
}

/// Runs `body`, printing an error before rethrowing it: without the plugin the runner stops
/// silently at a failed benchmark.
func reporting(_ name: String, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        print("\(name) failed: \(error)")
        throw error
    }
}

func calsyncBenchmarks() {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident], timeUnits: .milliseconds,
        warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 20)

    Benchmark("Decode a Google page of 2,500 events") { benchmark in
        try await reporting(benchmark.name) {
            let provider = try await googleProvider(events: 2500)
            _ = try await provider.changes(calendarID: "primary", cursor: .initial, window: window, logger: logger)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let page = try await provider.changes(
                    calendarID: "primary", cursor: .initial, window: window, logger: logger)
                blackHole(page.changes.upserts.count)
            }
        }
    }

    // Decoding alone, without the provider around it: the bytes of one page (2,500
    // generated events, as the emulator answers them) into a ChangePage, by the single
    // pass calsync uses (GoogleEventReader) and by the Codable path it replaced.
    for singlePass in [true, false] {
        Benchmark("Decode 2,500 Google events from bytes: \(singlePass ? "single pass" : "Codable path")") {
            benchmark in
            try await reporting(benchmark.name) {
                let bytes = try await googlePageBytes(events: 2500)
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    let changes = try GoogleEventsPageDecoding.changes(bytes, singlePass: singlePass)
                    blackHole(changes.upserts.count)
                }
            }
        }
    }

    Benchmark("Decode a Graph page of 1,000 events") { benchmark in
        try await reporting(benchmark.name) {
            let (provider, calendar) = try await graphProvider(events: 1000)
            _ = try await provider.changes(calendarID: calendar, cursor: .initial, window: window, logger: logger)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let page = try await provider.changes(
                    calendarID: calendar, cursor: .initial, window: window, logger: logger)
                blackHole(page.changes.upserts.count)
            }
        }
    }

    Benchmark("Apply a 2,500-event Google page to a new store") { benchmark in
        try await reporting(benchmark.name) {
            let provider = try await googleProvider(events: 2500)
            let page = try await provider.changes(
                calendarID: "primary", cursor: .initial, window: window, logger: logger)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "calsync-micro-\(getpid())-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let now = Date()
            for iteration in benchmark.scaledIterations {
                let store = try CalendarStore(
                    path: directory.appendingPathComponent("store-\(iteration).db").path, writerName: "calsync-micro",
                    expander: RecurrenceExpander(), logger: logger)
                try await store.upsertAccount(
                    id: "a", provider: "google", auth: "oauth", email: nil, state: .ok, stateDetail: nil, now: now)
                try await store.replaceCalendars(
                    accountID: "a", calendars: [RemoteCalendar(id: "primary", name: "primary", timeZone: "UTC")],
                    enabledIDs: ["primary"], now: now)
                benchmark.startMeasurement()
                let outcome = try await store.applyPage(
                    page.changes, accountID: "a", calendarID: "primary", cursor: page.next, fingerprint: "micro",
                    mode: .incremental, window: window, now: now)
                benchmark.stopMeasurement()
                blackHole(outcome.inserted)
            }
        }
    }
}
