import ArgumentParser
import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `calsync-emulator`: Google Calendar v3 and Microsoft Graph on 127.0.0.1, for trying
/// calsync without an account, for the demo and for the benchmarks.
@main
struct CalSyncEmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calsync-emulator",
        abstract: "Serve emulated Google Calendar and Microsoft Graph APIs on 127.0.0.1.",
        discussion: """
            Listens on 127.0.0.1 only. Google: /calendar/v3 (+ /o/oauth2/v2/auth, /token, /revoke); \
            Graph: /v1.0 (+ /{tenant}/oauth2/v2.0/{devicecode,token,authorize}). The signed-in users are \
            user@example.com (Google) and user@contoso.example (Microsoft); tokens come from the login \
            flows or, without a browser, from POST /_emulator/tokens. docs/emulator.md has the details.

            \(ControlAPIReference.text)
            """
    )

    @Option(help: "The TCP port on 127.0.0.1 (0: any free port, printed on start).")
    var port: UInt16 = 8080

    @Option(help: "Events to generate in the Google primary calendar and the Graph default calendar.")
    var generate: Int = 0

    @Option(
        help: """
            Extra calendars to generate in each provider beside the default one (0-4), each in its own \
            time zone (Europe/Berlin, America/New_York, Australia/Sydney, Asia/Tokyo) with a quarter of \
            --generate's events.
            """)
    var extraCalendars: Int = 0

    @Option(help: "Seed for generated events and ids (the same seed gives the same calendars).")
    var seed: UInt64 = 1

    @Option(help: "A data document to load (JSON; see docs/emulator.md).")
    var data: String?

    @Option(help: "Access-token lifetime in seconds.")
    var tokenLifetime: Int = 3599

    @Option(help: "Google's largest events page (maxResults is capped at it; at most 2500).")
    var googleMaxPageSize: Int = 2500

    @Option(help: "Graph's largest page size (Prefer: odata.maxpagesize is capped at it).")
    var graphMaxPageSize: Int = 1000

    @Option(help: "Write the listening port to this file once ready (for scripts using --port 0).")
    var portFile: String?

    @Flag(help: "Log every request to stderr (method, path, status).")
    var verbose = false

    /// The extra calendars' names and zones (`--extra-calendars`).
    static let extraCalendarZones: [(name: String, zone: String)] = [
        ("Team", "Europe/Berlin"), ("Family", "America/New_York"), ("Travel", "Australia/Sydney"),
        ("Projects", "Asia/Tokyo"),
    ]

    func validate() throws {
        guard (0...5_000_000).contains(generate) else {
            throw ValidationError("--generate must be between 0 and 5000000, not \(generate)")
        }
        guard (0...Self.extraCalendarZones.count).contains(extraCalendars) else {
            throw ValidationError(
                "--extra-calendars must be between 0 and \(Self.extraCalendarZones.count), not \(extraCalendars)")
        }
        guard tokenLifetime > 0 else { throw ValidationError("--token-lifetime must be positive") }
        guard (1...2500).contains(googleMaxPageSize) else {
            throw ValidationError("--google-max-page-size must be between 1 and 2500")
        }
        guard graphMaxPageSize > 0 else { throw ValidationError("--graph-max-page-size must be positive") }
    }

    func run() async throws {
        var options = EmulatorOptions()
        options.seed = seed
        options.accessTokenLifetime = .seconds(tokenLifetime)
        options.graphMaximumPageSize = graphMaxPageSize
        options.googleMaximumPageSize = googleMaxPageSize
        let state = EmulatorState(options: options)
        do {
            if let data { try await state.load(contentsOf: data) }
            if generate > 0 {
                try await state.generateGoogleEvents(calendarID: options.googleUser, count: generate, seed: seed)
                try await state.generateGraphEvents(
                    calendarID: await state.defaultGraphCalendarID, count: generate, seed: seed)
            }
            for (index, calendar) in Self.extraCalendarZones.prefix(extraCalendars).enumerated() {
                let googleID = "\(calendar.name.lowercased())@group.calendar.google.com"
                try await state.addGoogleCalendar(id: googleID, summary: calendar.name, timeZone: calendar.zone)
                try await state.addGraphCalendar(
                    id: "AAMkCal\(calendar.name)", name: calendar.name, timeZone: calendar.zone)
                let count = max(generate / 4, 10)
                let calendarSeed = seed &+ UInt64(index + 1)
                try await state.generateGoogleEvents(calendarID: googleID, count: count, seed: calendarSeed)
                try await state.generateGraphEvents(
                    calendarID: "AAMkCal\(calendar.name)", count: count, seed: calendarSeed)
            }
        } catch {
            FileHandle.standardError.write(Data("calsync-emulator: \(error.description)\n".utf8))
            throw ExitCode(78)
        }
        let emulator: ProviderEmulator
        do {
            emulator = try await ProviderEmulator.start(port: port, state: state, logRequests: verbose)
        } catch {
            FileHandle.standardError.write(
                Data("calsync-emulator: cannot listen on 127.0.0.1:\(port): \(error)\n".utf8))
            throw ExitCode(1)
        }
        if let portFile {
            try String(emulator.port).write(toFile: portFile, atomically: true, encoding: .utf8)
        }
        print("calsync-emulator listening on \(emulator.baseURL)")
        print("  Google API:  \(emulator.baseURL)\(options.googleBasePath)   (user \(options.googleUser))")
        print("  Graph API:   \(emulator.baseURL)\(options.graphBasePath)   (user \(options.microsoftUser))")
        print("  Control API: \(emulator.baseURL)/_emulator/")
        if generate > 0 { print("  Generated \(generate) events in each provider's default calendar (seed \(seed)).") }
        if extraCalendars > 0 {
            let names = Self.extraCalendarZones.prefix(extraCalendars).map { "\($0.name) (\($0.zone))" }
            print("  Extra calendars in each provider: \(names.joined(separator: ", ")).")
        }
        fflush(nil)  // all streams: scripts wait for the "listening" line
        await Self.waitForTermination()
        await emulator.stop()
    }

    /// Returns on SIGINT or SIGTERM, so the server closes its socket before exiting.
    static func waitForTermination() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let queue = DispatchQueue(label: "calsync-emulator.signals")
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = ResumeOnce(continuation)
            let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
            for source in sources {
                source.setEventHandler { once.resume() }
                source.resume()
            }
            once.keep(sources)
        }
    }
}

/// Resumes a continuation once, however many signals arrive.
final class ResumeOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    private var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<Void, Never>) {
        self.continuation = continuation
    }

    func keep(_ sources: [any DispatchSourceSignal]) {
        lock.withLock { self.sources = sources }
    }

    func resume() {
        let pending = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            defer { continuation = nil }
            return continuation
        }
        pending?.resume()
    }
}
