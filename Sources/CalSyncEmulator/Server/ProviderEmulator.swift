import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
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
    private let server: EmulatorHTTPServer

    private init(state: EmulatorState, server: EmulatorHTTPServer) {
        self.state = state
        self.server = server
        self.port = server.port
        self.baseURL = "http://127.0.0.1:\(server.port)"
    }

    /// Starts listening on 127.0.0.1:`port` (0: a free port, read it from `port`).
    public static func start(
        port: UInt16 = 0, options: EmulatorOptions = EmulatorOptions(), state: EmulatorState? = nil,
        logRequests: Bool = false
    ) async throws -> ProviderEmulator {
        let state = state ?? EmulatorState(options: options)
        let handler = EmulatorHTTPHandler(state: state, logRequests: logRequests)
        let server = try EmulatorHTTPServer(port: port) { request in await handler.reply(to: request) }
        let emulator = ProviderEmulator(state: state, server: server)
        await state.setBaseURL(emulator.baseURL)
        return emulator
    }

    /// Stops listening and closes open connections.
    public func stop() async {
        let server = self.server
        // stop() blocks until the accept thread ends: keep it off the cooperative pool.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                server.stop()
                continuation.resume()
            }.start()
        }
    }
}

/// Applies injected faults around the APIs and records every exchange.
struct EmulatorHTTPHandler: Sendable {
    let state: EmulatorState
    /// One stderr line per request (`calsync-emulator --verbose`).
    let logRequests: Bool

    func reply(to request: EmulatorRequest) async -> EmulatorHTTPServer.Reply {
        let arrival = await state.arrive(request)
        let fault = await state.takeFault(for: request)
        if let fault, fault.delay > .zero {
            try? await Task.sleep(for: fault.delay)
        }
        var response: EmulatorResponse
        switch fault?.outcome {
        case .status(let status, let retryAfter):
            response = await state.injectedErrorResponse(
                for: request, status: status, retryAfter: retryAfter, message: fault?.message)
        default:
            response = await state.respond(to: request)
        }
        if let fault, fault.rewritesResponse {
            response = fault.rewrite(response, ownOrigin: await state.baseURL)
        }
        await state.record(
            request, status: response.status, fault: fault?.outcome, receivedAt: arrival.receivedAt,
            mailbox: arrival.mailbox)
        if logRequests {
            let faultNote = fault.map { " (fault: \($0.outcome))" } ?? ""
            FileHandle.standardError.write(
                Data("\(request.method) \(request.path) → \(response.status)\(faultNote)\n".utf8))
        }
        switch fault?.outcome {
        case .droppedConnection: return .drop
        case .truncatedBody: return .truncate(response, sent: response.body.count / 2)
        case .cutBody:
            response.body = Array(response.body.prefix(response.body.count / 2))
            return .respond(response)
        default: return .respond(response)
        }
    }
}
