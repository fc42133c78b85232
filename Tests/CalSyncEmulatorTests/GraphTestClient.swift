import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncModel
import CurlTransport
import Foundation
import Logging
import Testing

/// A Graph client for the tests: a started emulator, a signed-in user and curl, talking
/// to the emulator over HTTP only.
struct GraphTestClient {
    struct Reply {
        var status: Int
        var headers: [(name: String, value: String)]
        var json: JSONValue

        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    /// One delta round followed to its deltaLink.
    struct Round {
        var pages: [JSONValue]
        var deltaLink: String
        var items: [JSONValue] { pages.flatMap { $0["value"]?.arrayValue ?? [] } }
    }

    /// The id of the calendar every emulated mailbox starts with.
    static let defaultCalendar = "AAMkAGNhbHN5bmMtZGVmYXVsdC1jYWxlbmRhcgAuAAA="

    let emulator: ProviderEmulator
    let transport: CurlTransport
    let accessToken: String

    var root: String { emulator.baseURL + "/v1.0" }
    var state: EmulatorState { emulator.state }

    static func start(options: EmulatorOptions = EmulatorOptions()) async throws -> GraphTestClient {
        let emulator = try await ProviderEmulator.start(options: options)
        let tokens = await emulator.state.issueTokens(provider: .microsoft)
        return GraphTestClient(
            emulator: emulator, transport: CurlTransport(logger: Logger(label: "graph-tests")),
            accessToken: tokens.accessToken)
    }

    func stop() async {
        transport.shutdown()
        await emulator.stop()
    }

    /// `pathOrURL` is a full URL (a link the emulator returned) or a path under `/v1.0/`.
    func request(
        _ method: HTTPRequest.Method, _ pathOrURL: String, body: JSONValue? = nil, prefer: [String] = [],
        token: String?? = .none, headers extra: [(name: String, value: String)] = []
    ) async throws -> Reply {
        let url = pathOrURL.hasPrefix("http") ? pathOrURL : "\(root)/\(pathOrURL)"
        var headers: [(name: String, value: String)] = []
        if let token = token ?? accessToken { headers.append((name: "Authorization", value: "Bearer \(token)")) }
        // One Prefer line with the preferences comma-separated: the emulator's HTTP server
        // (FlyingFox) keeps only the last line of a repeated header.
        if !prefer.isEmpty { headers.append((name: "Prefer", value: prefer.joined(separator: ", "))) }
        if body != nil { headers.append((name: "Content-Type", value: "application/json")) }
        headers += extra
        let response = try await transport.perform(
            HTTPRequest(method: method, url: url, headers: headers, body: body?.data))
        let json = response.body.isEmpty ? JSONValue.null : try JSONValue.parse(response.body)
        return Reply(status: response.status, headers: response.headers, json: json)
    }

    func get(_ pathOrURL: String, prefer: [String] = []) async throws -> Reply {
        try await request(.GET, pathOrURL, prefer: prefer)
    }

    /// Follows nextLinks from `start` until a page carries a deltaLink.
    func round(_ start: String, prefer: [String] = []) async throws -> Round {
        var url = start
        var pages: [JSONValue] = []
        while true {
            let reply = try await get(url, prefer: prefer)
            try #require(reply.status == 200, "GET \(url) → \(reply.status) \(reply.json)")
            pages.append(reply.json)
            if let next = reply.json["@odata.nextLink"]?.stringValue {
                url = next
                continue
            }
            let delta = try #require(reply.json["@odata.deltaLink"]?.stringValue)
            return Round(pages: pages, deltaLink: delta)
        }
    }

    func deltaURL(calendar: String, from: String, to: String) -> String {
        "\(root)/me/calendars/\(calendar)/calendarView/delta?startDateTime=\(from)&endDateTime=\(to)"
    }
}

/// Runs `body` with a started client and stops the emulator afterwards, also on failure.
func withGraphClient(
    options: EmulatorOptions = EmulatorOptions(), _ body: (GraphTestClient) async throws -> Void
) async throws {
    let client = try await GraphTestClient.start(options: options)
    do {
        try await body(client)
    } catch {
        await client.stop()
        throw error
    }
    await client.stop()
}

extension JSONValue {
    var keys: [String] {
        if case .object(let members) = self { return members.map(\.0) }
        return []
    }
}

/// `{"subject", "start", "end"}` of a timed event in `zone`.
func graphEvent(
    _ subject: String, _ start: String, _ end: String, zone: String = "UTC", extra: [(String, JSONValue)] = []
) -> JSONValue {
    .object(
        [
            ("subject", .string(subject)),
            ("start", .object([("dateTime", .string(start)), ("timeZone", .string(zone))])),
            ("end", .object([("dateTime", .string(end)), ("timeZone", .string(zone))])),
        ] + extra)
}

/// A weekly series on `day` from `start` (local, in `zone`) with `count` occurrences or no end.
func graphWeeklySeries(
    _ subject: String, start: String, end: String, zone: String, day: String, count: Int? = nil
) -> JSONValue {
    let range: JSONValue =
        if let count {
            .object([
                ("type", "numbered"), ("startDate", .string(String(start.prefix(10)))),
                ("numberOfOccurrences", .number(Double(count))), ("recurrenceTimeZone", .string(zone)),
            ])
        } else {
            .object([
                ("type", "noEnd"), ("startDate", .string(String(start.prefix(10)))),
                ("recurrenceTimeZone", .string(zone)),
            ])
        }
    return graphEvent(
        subject, start, end, zone: zone,
        extra: [
            (
                "recurrence",
                .object([
                    (
                        "pattern",
                        .object([
                            ("type", "weekly"), ("interval", 1), ("daysOfWeek", .array([.string(day)])),
                            ("firstDayOfWeek", "monday"),
                        ])
                    ),
                    ("range", range),
                ])
            )
        ])
}
