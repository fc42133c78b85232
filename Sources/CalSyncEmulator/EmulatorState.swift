import CalSyncEmulatorCalendars
public import CalSyncEmulatorServer
public import Foundation

/// The emulator's whole state and request handling, serialised by the actor: one
/// request at a time sees and changes the calendars, like one consistent backend.
///
/// The APIs live in extensions, one file per concept: `Google/` (Calendar API v3),
/// `Graph/` (Microsoft Graph), `OAuth/` (both identity providers), `Control/` (the
/// emulator's own API for tests, the demo and the benchmarks).
public actor EmulatorState {
    /// The actor runs on its own serial queue, not on Swift's cooperative pool: generating
    /// or listing 100,000 events takes seconds of CPU, and on a 2-core machine that would
    /// stall every other task of the process (other tests' servers and clients included).
    private let executor = QueueExecutor(label: "calsync-emulator.state")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public let options: EmulatorOptions
    /// Where the server listens (`http://127.0.0.1:PORT`), for links the APIs return.
    public internal(set) var baseURL: String = "http://127.0.0.1"
    var google = GoogleWorld()
    var graph = GraphWorld()
    var identity = IdentityRegistry()
    var faults = FaultPlan()
    var requestLog: [RecordedRequest] = []
    var graphLoad = GraphMailboxLoad()
    var random: SeededRandom
    let clock: @Sendable () -> Date

    public init(options: EmulatorOptions = EmulatorOptions(), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.options = options
        self.clock = clock
        self.random = SeededRandom(seed: options.seed)
        google.apiKeys = options.googleAPIKeys
        google.addCalendar(
            id: options.googleUser, owner: options.googleUser, summary: options.googleUser,
            timeZone: TimeZone(identifier: "UTC")!, isPublic: false, now: clock())
        graph.addCalendar(
            id: GraphWorld.defaultCalendarID, name: "Calendar", timeZone: "UTC", owner: options.microsoftUser)
    }

    func setBaseURL(_ url: String) {
        baseURL = url
    }

    /// Answers one request (faults aside: the server applies those around this call).
    public func respond(to request: EmulatorRequest) -> EmulatorResponse {
        if let segments = request.segments(after: ControlAPI.basePath) {
            return handleControl(request, segments: segments)
        }
        if let segments = request.segments(after: options.googleBasePath) {
            return handleGoogle(request, segments: segments)
        }
        if let segments = request.segments(after: options.graphBasePath) {
            return handleGraph(request, segments: segments)
        }
        switch (request.method, request.path) {
        case ("GET", "/o/oauth2/v2/auth"), ("GET", "/o/oauth2/auth"): return googleAuthorizationPage(request)
        case ("POST", "/token"): return googleToken(request)
        case ("POST", "/revoke"): return googleRevoke(request)
        case ("GET", "/devicelogin"): return deviceLoginPage()
        case ("GET", "/"): return .text(200, Self.welcome(options: options, baseURL: baseURL))
        default: break
        }
        // Microsoft identity: /{tenant}/oauth2/v2.0/{endpoint}
        let parts = request.path.split(separator: "/").map(String.init)
        if parts.count == 4, parts[1] == "oauth2", parts[2] == "v2.0" {
            return handleMicrosoftIdentity(request, endpoint: parts[3])
        }
        return .json(
            404,
            .object([
                (
                    "error",
                    .object([
                        ("code", 404),
                        ("message", .string("The emulator has no endpoint \(request.method) \(request.path).")),
                    ])
                )
            ]))
    }

    /// The fault waiting for this request, if any (counted down).
    func takeFault(for request: EmulatorRequest) -> Fault? {
        faults.take(for: request)
    }

    /// Records an answered request (which arrived at `receivedAt`, see ``arrive(_:)``) and
    /// ends its count in flight.
    func record(
        _ request: EmulatorRequest, status: Int, fault: Fault.Outcome?, receivedAt: Date, mailbox: String?
    ) {
        if let mailbox { graphLoad.end(mailbox) }
        requestLog.append(
            RecordedRequest(
                method: request.method, path: request.path, query: request.query, headers: request.headers,
                status: status, fault: fault, receivedAt: receivedAt, answeredAt: clock(), mailbox: mailbox))
        if requestLog.count > options.requestLogLimit {
            requestLog.removeFirst(requestLog.count - options.requestLogLimit)
        }
    }

    /// The body of an injected status, in the words of the API the path belongs to.
    func injectedErrorResponse(
        for request: EmulatorRequest, status: Int, retryAfter: String?, message: String? = nil
    ) -> EmulatorResponse {
        let isGraph = request.segments(after: options.graphBasePath) != nil
        if let message {
            // A message of the fault's own (control characters, NULs): the generic error body.
            let headers = retryAfter.map { [(name: "Retry-After", value: $0)] } ?? []
            return isGraph
                ? GraphErrorBody.response(status, code: "InjectedFault", message: message, headers: headers)
                : GoogleErrorBody.response(status, reason: "injected", message: message, headers: headers)
        }
        if isGraph {
            return GraphErrorBody.injected(status, retryAfter: retryAfter)
        }
        return GoogleErrorBody.injected(status, retryAfter: retryAfter)
    }

    func deviceLoginPage() -> EmulatorResponse {
        let pending = identity.deviceCodes.values.filter { $0.state == .pending }.map(\.userCode)
        return .text(
            200,
            "calsync-emulator: device sign-in stand-in.\n"
                + "Codes are approved after their first poll (options.deviceCodeAutoApprove).\n"
                + "Pending codes: \(pending.isEmpty ? "none" : pending.joined(separator: ", "))\n")
    }

    static func welcome(options: EmulatorOptions, baseURL: String) -> String {
        """
        calsync-emulator: Google Calendar API v3 and Microsoft Graph v1.0 stand-ins.
        Google API:      \(baseURL)\(options.googleBasePath)
        Google OAuth:    \(baseURL)/o/oauth2/v2/auth, \(baseURL)/token, \(baseURL)/revoke
        Graph API:       \(baseURL)\(options.graphBasePath)
        Microsoft login: \(baseURL)/{tenant}/oauth2/v2.0/{devicecode,token,authorize}
        Control API:     \(baseURL)\(ControlAPI.basePath)/ (see `calsync-emulator --help` and docs/emulator.md)

        """
    }
}
