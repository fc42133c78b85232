import FlyingFox
import FlyingSocks
import Foundation

/// The emulator as a running HTTP server on 127.0.0.1: tests start one on port 0 each,
/// the `calsync-emulator` executable starts one on a chosen port.
///
/// ```swift
/// let emulator = try await ProviderEmulator.start()
/// defer { Task { await emulator.stop() } }
/// let google = emulator.baseURL + "/calendar/v3"
/// ```
public final class ProviderEmulator: Sendable {
    public let state: EmulatorState
    /// `http://127.0.0.1:PORT`, no trailing slash.
    public let baseURL: String
    public let port: UInt16
    private let server: HTTPServer
    private let task: Task<Void, any Error>

    private init(state: EmulatorState, server: HTTPServer, port: UInt16, task: Task<Void, any Error>) {
        self.state = state
        self.server = server
        self.port = port
        self.baseURL = "http://127.0.0.1:\(port)"
        self.task = task
    }

    /// Starts listening on 127.0.0.1:`port` (0: a free port, read it from `port`).
    public static func start(
        port: UInt16 = 0, options: EmulatorOptions = EmulatorOptions(), state: EmulatorState? = nil,
        logRequests: Bool = false
    ) async throws -> ProviderEmulator {
        let state = state ?? EmulatorState(options: options)
        let handler = EmulatorHTTPHandler(state: state, logRequests: logRequests)
        let server = HTTPServer(
            address: try .inet(ip4: "127.0.0.1", port: port), timeout: 300, logger: .disabled, handler: handler)
        let task = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        guard case .ip4(_, let boundPort) = await server.listeningAddress else {
            task.cancel()
            throw EmulatorError("the emulator's server did not report its port")
        }
        let emulator = ProviderEmulator(state: state, server: server, port: boundPort, task: task)
        await state.setBaseURL(emulator.baseURL)
        return emulator
    }

    /// Stops listening and closes open connections.
    public func stop() async {
        await server.stop(timeout: 1)
        task.cancel()
    }
}

/// A failure to start or drive the emulator.
public struct EmulatorError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Turns FlyingFox requests into ``EmulatorRequest``s, applies injected faults and
/// records every exchange.
struct EmulatorHTTPHandler: HTTPHandler {
    let state: EmulatorState
    /// One stderr line per request (`calsync-emulator --verbose`).
    let logRequests: Bool

    func handleRequest(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        let body = try await request.bodyData
        var headers: [(name: String, value: String)] = []
        for (name, value) in request.headers {
            headers.append((name: name.rawValue, value: value))
        }
        let emulatorRequest = EmulatorRequest(
            method: request.method.rawValue, path: request.path,
            query: request.query.map { (name: $0.name, value: $0.value) }, headers: headers, body: body)

        let fault = await state.takeFault(for: emulatorRequest)
        if let fault, fault.delay > .zero {
            try? await Task.sleep(for: fault.delay)
        }
        var response: EmulatorResponse
        switch fault?.outcome {
        case .status(let status, let retryAfter):
            response = await state.injectedErrorResponse(for: emulatorRequest, status: status, retryAfter: retryAfter)
        default:
            response = await state.respond(to: emulatorRequest)
        }
        await state.record(emulatorRequest, status: response.status, fault: fault?.outcome)
        if logRequests {
            let faultNote = fault.map { " (fault: \($0.outcome))" } ?? ""
            FileHandle.standardError.write(
                Data("\(emulatorRequest.method) \(emulatorRequest.path) → \(response.status)\(faultNote)\n".utf8))
        }

        var httpHeaders = HTTPHeaders()
        for header in response.headers {
            httpHeaders.addValue(header.value, for: HTTPHeader(header.name))
        }
        httpHeaders[HTTPHeader("Date")] = Self.httpDate()
        switch fault?.outcome {
        case .droppedConnection:
            return FlyingFox.HTTPResponse(headers: [:], webSocket: DroppedConnection())
        case .truncatedBody:
            let half = Array(response.body.prefix(response.body.count / 2))
            return FlyingFox.HTTPResponse(
                statusCode: HTTPStatusCode(response.status, phrase: "Emulated"), headers: httpHeaders,
                body: HTTPBodySequence(from: TruncatedBytes(bytes: half), count: response.body.count))
        default:
            return FlyingFox.HTTPResponse(
                statusCode: HTTPStatusCode(response.status, phrase: Self.phrase(response.status)),
                headers: httpHeaders,
                // Large writes: a 2,500-event page is about 2 MB, 4 KiB chunks would mean
                // hundreds of socket writes per page.
                body: HTTPBodySequence(data: Data(response.body), suggestedBufferSize: 256 * 1024))
        }
    }

    static func httpDate() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date())
    }

    static func phrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 302: "Found"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 409: "Conflict"
        case 410: "Gone"
        case 412: "Precondition Failed"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status"
        }
    }
}

/// A body that yields its bytes, then fails: the server closes the connection with the
/// `Content-Length` promise unkept, as a proxy cutting a response does.
struct TruncatedBytes: AsyncBufferedSequence {
    typealias Element = UInt8
    let bytes: [UInt8]

    func makeAsyncIterator() -> Iterator { Iterator(remaining: bytes[...]) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var remaining: ArraySlice<UInt8>

        mutating func next() async throws -> UInt8? {
            guard let byte = remaining.first else { throw EmulatorError("body truncated on purpose") }
            remaining = remaining.dropFirst()
            return byte
        }

        mutating func nextBuffer(suggested count: Int) async throws -> ArraySlice<UInt8>? {
            guard !remaining.isEmpty else { throw EmulatorError("body truncated on purpose") }
            let chunk = remaining.prefix(count)
            remaining = remaining.dropFirst(chunk.count)
            return chunk
        }
    }
}

/// FlyingFox asks a WebSocket handler for its frames before writing any byte of the
/// response; failing there closes the connection with nothing sent: a dropped connection.
struct DroppedConnection: WSHandler {
    func makeFrames(for client: AsyncThrowingStream<WSFrame, any Error>) async throws -> AsyncStream<WSFrame> {
        throw EmulatorError("connection dropped on purpose")
    }
}
