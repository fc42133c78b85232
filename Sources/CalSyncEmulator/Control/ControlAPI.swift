import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// The emulator's own HTTP API under `/_emulator`, for the demo, the benchmarks and
/// scripts: the same operations as the library API, with JSON bodies.
/// The control API's reference text, for `calsync-emulator --help`.
public enum ControlAPIReference {
    public static var text: String { ControlAPI.reference }
}

enum ControlAPI {
    static let basePath = "/_emulator"

    /// Printed by `calsync-emulator --help` and `GET /_emulator/`.
    static let reference = """
        Control API (JSON in and out; paths under /_emulator):
          GET    /_emulator/requests[?path=PREFIX]      requests received (method, path, query, status, fault)
          DELETE /_emulator/requests                    forget them
          POST   /_emulator/faults                      inject a fault into the next requests of a path:
                   {"path": "/calendar/v3/calendars", "count": 2, "method": "GET",
                    "status": 429, "retryAfter": "2.5",  (or an HTTP date)
                    "delayMs": 1500, "truncate": true, "cut": true, "drop": true,
                    "headers": {"Retry-After": "1e300"}, "linkOrigin": "http://127.0.0.1:9",
                    "padBytes": 34000000, "message": "text of a status's error body"}
          DELETE /_emulator/faults                      remove pending faults
          POST   /_emulator/tokens                      {"provider": "google"|"microsoft", "user"?, "client_id"?, "scope"?}
                                                        → {"access_token", "refresh_token"} without a browser
          POST   /_emulator/tokens/revoke               {"provider"?, "user"?}: refreshes get invalid_grant
          POST   /_emulator/tokens/expire               every access token expires now (→ 401, refresh)
          POST   /_emulator/devicecodes                 {"decline": true|false} for pending device codes
          POST   /_emulator/load                        a data document (see docs/emulator.md)
        Google:
          POST   /_emulator/google/calendars            {"id", "summary"?, "timeZone"?, "public"?}
          DELETE /_emulator/google/calendars/ID         remove it from the calendar list
          GET    /_emulator/google/calendars/ID/events  the live events (the truth a store must equal)
          POST   /_emulator/google/calendars/ID/events  add an event (Google JSON)
          PATCH  /_emulator/google/calendars/ID/events/EVENT     edit (an instance id creates an exception)
          DELETE /_emulator/google/calendars/ID/events/EVENT     delete (an instance id cancels one instance)
          POST   /_emulator/google/calendars/ID/events/EVENT/move   {"start": {…}, "end": {…}}
          POST   /_emulator/google/calendars/ID/events/EVENT/split  {"at": "2026-06-01T09:00:00Z"}
          POST   /_emulator/google/calendars/ID/generate   {"count": 1000, "seed": 7}
          POST   /_emulator/google/expire               {"calendar"?}: sync tokens → 410 fullSyncRequired
        Graph (calendar ids as in me/calendars; the default calendar exists from the start):
          POST   /_emulator/graph/calendars             {"id", "name"?, "timeZone"? (Windows or IANA), "isDefault"?}
          GET    /_emulator/graph/calendars             their ids
          GET    /_emulator/graph/calendars/ID/events   the live events: singles, series masters, exceptions
          POST   /_emulator/graph/calendars/ID/events   add an event (Graph JSON; "recurrence" makes a series)
          PATCH  /_emulator/graph/calendars/ID/events/EVENT     edit (an occurrence id makes an exception)
          DELETE /_emulator/graph/calendars/ID/events/EVENT     delete (an occurrence id cancels it)
          POST   /_emulator/graph/calendars/ID/generate   {"count": 1000, "seed": 7}
          POST   /_emulator/graph/expire                {"calendar"?}: delta links → 410 SyncStateNotFound
          GET    /_emulator/graph/concurrency           {"mailboxes": {USER: {"inFlight", "maximum"}}}: requests
                                                        in flight per mailbox and the most seen at once
          DELETE /_emulator/graph/concurrency           start counting the maxima afresh
        """

    static func error(_ status: Int, _ message: String) -> EmulatorResponse {
        .json(status, .object([("error", .string(message))]))
    }
}

extension EmulatorState {
    func handleControl(_ request: EmulatorRequest, segments: [String]) -> EmulatorResponse {
        let body = request.body.isEmpty ? JSONValue.object([]) : (try? JSONValue.parse(request.body))
        guard let body else { return ControlAPI.error(400, "the request body is not JSON") }
        do {
            switch (request.method, segments.first ?? "") {
            case ("GET", ""): return .text(200, ControlAPI.reference + "\n")
            case (_, "requests"): return controlRequests(request)
            case (_, "faults"): return try controlFaults(request, body: body)
            case ("POST", "tokens"): return try controlTokens(segments: segments, body: body)
            case ("POST", "devicecodes"):
                setDeviceCodes(declined: body["decline"]?.boolValue ?? false)
                return .json(200, .object([]))
            case ("POST", "load"):
                let counts = try load(body)
                return .json(200, .object([("loaded", .number(Double(counts)))]))
            case (_, "google"): return try controlGoogle(request, segments: Array(segments.dropFirst()), body: body)
            case (_, "graph"): return try controlGraph(request, segments: Array(segments.dropFirst()), body: body)
            default: return ControlAPI.error(404, "no control endpoint \(request.method) \(request.path)")
            }
        } catch {
            return ControlAPI.error(400, error.description)
        }
    }

    func controlRequests(_ request: EmulatorRequest) -> EmulatorResponse {
        if request.method == "DELETE" {
            clearRequests()
            return EmulatorResponse(status: 204)
        }
        let recorded = requests(pathPrefix: request.parameter("path") ?? "")
        return .json(200, .object([("requests", .array(recorded.map(\.json)))]))
    }

    func controlFaults(_ request: EmulatorRequest, body: JSONValue) throws(EmulatorError) -> EmulatorResponse {
        switch request.method {
        case "DELETE":
            clearFaults()
            return EmulatorResponse(status: 204)
        case "GET":
            return .json(
                200,
                .object([
                    (
                        "faults",
                        .array(
                            pendingFaults.map {
                                .object([
                                    ("path", .string($0.pathPrefix)), ("count", .number(Double($0.count))),
                                    ("outcome", .string(String(describing: $0.outcome))),
                                ])
                            })
                    )
                ]))
        case "POST":
            guard let path = body["path"]?.stringValue else { throw EmulatorError("a fault needs a \"path\" prefix") }
            let outcome: Fault.Outcome
            if body["drop"]?.boolValue == true {
                outcome = .droppedConnection
            } else if body["truncate"]?.boolValue == true {
                outcome = .truncatedBody
            } else if body["cut"]?.boolValue == true {
                outcome = .cutBody
            } else if let status = body["status"]?.intValue {
                guard (100...599).contains(status) else {
                    throw EmulatorError("status \(status) is not an HTTP status")
                }
                let retryAfter = body["retryAfter"]?.stringValue ?? body["retryAfter"]?.intValue.map(String.init)
                outcome = .status(status, retryAfter: retryAfter)
            } else {
                outcome = .none
            }
            let delay = Duration.milliseconds(body["delayMs"]?.intValue ?? 0)
            let fault = Fault(
                pathPrefix: path, method: body["method"]?.stringValue, count: body["count"]?.intValue ?? 1,
                delay: delay, outcome: outcome, headers: try Self.faultHeaders(body["headers"]),
                linkOrigin: body["linkOrigin"]?.stringValue, paddedBodyBytes: body["padBytes"]?.intValue,
                message: body["message"]?.stringValue)
            guard outcome != .none || delay > .zero || fault.rewritesResponse else {
                throw EmulatorError(
                    "a fault needs one of status, truncate, cut, drop, delayMs, headers, linkOrigin or padBytes")
            }
            injectFault(fault)
            return .json(201, .object([("pending", .number(Double(pendingFaults.count)))]))
        default:
            throw EmulatorError("faults: GET, POST or DELETE")
        }
    }

    /// `{"Name": "value", …}`: header lines a fault adds, in the object's order.
    private static func faultHeaders(_ value: JSONValue?) throws(EmulatorError) -> [Fault.Header] {
        guard let value else { return [] }
        guard case .object(let members) = value else { throw EmulatorError("headers: an object of strings") }
        var headers: [Fault.Header] = []
        for (name, value) in members {
            guard let text = value.stringValue, !name.isEmpty, !name.contains(":") else {
                throw EmulatorError("headers: \(name) needs a string value and a name without a colon")
            }
            headers.append(Fault.Header(name: name, value: text))
        }
        return headers
    }

    func controlTokens(segments: [String], body: JSONValue) throws(EmulatorError) -> EmulatorResponse {
        let provider = try body["provider"]?.stringValue.map { name throws(EmulatorError) -> IdentityProvider in
            guard let provider = IdentityProvider(rawValue: name) else {
                throw EmulatorError("provider must be google or microsoft, not \(name)")
            }
            return provider
        }
        let user = body["user"]?.stringValue
        switch segments.dropFirst().first {
        case nil:
            guard let provider else { throw EmulatorError("tokens: say which \"provider\"") }
            let tokens = issueTokens(
                provider: provider, user: user, clientID: body["client_id"]?.stringValue ?? "emulator-client",
                scope: body["scope"]?.stringValue)
            return .json(
                200,
                .object([
                    ("access_token", .string(tokens.accessToken)), ("refresh_token", .string(tokens.refreshToken)),
                    ("expires_in", .number(options.accessTokenLifetime.seconds.rounded())),
                ]))
        case "revoke":
            return .json(200, .object([("revoked", .number(Double(revokeTokens(provider: provider, user: user))))]))
        case "expire":
            expireAccessTokens()
            return .json(200, .object([]))
        default:
            throw EmulatorError("tokens: POST /tokens, /tokens/revoke or /tokens/expire")
        }
    }

    func controlGoogle(
        _ request: EmulatorRequest, segments: [String], body: JSONValue
    ) throws(EmulatorError)
        -> EmulatorResponse
    {
        switch (request.method, segments.count, segments.first) {
        case ("POST", 1, "expire"):
            try expireGoogleSyncTokens(calendarID: body["calendar"]?.stringValue)
            return .json(200, .object([]))
        case ("POST", 1, "calendars"):
            guard let id = body["id"]?.stringValue else { throw EmulatorError("a calendar needs an \"id\"") }
            try addGoogleCalendar(
                id: id, summary: body["summary"]?.stringValue, timeZone: body["timeZone"]?.stringValue ?? "UTC",
                isPublic: body["public"]?.boolValue ?? false, owner: body["owner"]?.stringValue)
            return .json(201, .object([("id", .string(id))]))
        case ("GET", 1, "calendars"):
            return .json(200, .object([("calendars", .array(googleCalendarIDs.map { .string($0) }))]))
        case ("DELETE", 2, "calendars"):
            try removeGoogleCalendar(id: segments[1])
            return EmulatorResponse(status: 204)
        case ("POST", 3, "calendars") where segments[2] == "generate":
            let count = body["count"]?.intValue ?? 100
            let generated = try generateGoogleEvents(
                calendarID: segments[1], count: count, seed: body["seed"]?.intValue.map(UInt64.init))
            return .json(200, .object([("generated", .number(Double(generated)))]))
        case ("GET", 3, "calendars") where segments[2] == "events":
            return .json(200, .object([("items", .array(try googleEvents(calendarID: segments[1])))]))
        case ("POST", 3, "calendars") where segments[2] == "events":
            return .json(201, try addGoogleEvent(calendarID: segments[1], body))
        case ("PATCH", 4, "calendars") where segments[2] == "events":
            return .json(200, try editGoogleEvent(calendarID: segments[1], eventID: segments[3], body))
        case ("DELETE", 4, "calendars") where segments[2] == "events":
            try deleteGoogleEvent(calendarID: segments[1], eventID: segments[3])
            return EmulatorResponse(status: 204)
        case ("POST", 5, "calendars") where segments[2] == "events" && segments[4] == "move":
            guard let start = body["start"], let end = body["end"] else {
                throw EmulatorError("move needs \"start\" and \"end\"")
            }
            return .json(
                200, try moveGoogleInstance(calendarID: segments[1], instanceID: segments[3], start: start, end: end))
        case ("POST", 5, "calendars") where segments[2] == "events" && segments[4] == "split":
            guard let at = body["at"]?.stringValue.flatMap(EmulatorClock.parseInstant) else {
                throw EmulatorError("split needs \"at\" (an RFC 3339 instant)")
            }
            return .json(200, try splitGoogleSeries(calendarID: segments[1], masterID: segments[3], at: at))
        default:
            throw EmulatorError("no Google control endpoint \(request.method) \(request.path)")
        }
    }
}
