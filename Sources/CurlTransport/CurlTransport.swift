public import CalSyncModel
import Foundation
public import Logging

/// calsync's HTTP client: libcurl with one multi handle on its own thread.
///
/// Connections are reused across requests (HTTP/2 multiplexed where the server offers it
/// over TLS, HTTP/1.1 keep-alive otherwise); bodies are decompressed (gzip, deflate);
/// certificates are always verified; redirects are not followed (the providers' APIs do
/// not redirect; a redirect is returned as a response). Proxies follow libcurl's usual
/// environment variables (`https_proxy`, `no_proxy`).
public final class CurlTransport: HTTPTransport {
    public struct Configuration: Sendable {
        /// A CA bundle to trust instead of the system's (verification stays on).
        public var caFile: String?
        public var userAgent: String
        public var maximumConnectionsPerHost: Int
        public var maximumConnections: Int
        /// Responses larger than this fail with `.transport` instead of exhausting memory.
        public var maximumBodySize: Int

        /// 32 MiB (after decompression): eight times the largest page either provider
        /// sends (Google's 2,500 events or Graph's 1,000 with their descriptions, a few
        /// MiB), and small enough that a hostile or broken server cannot take the daemon's
        /// memory with one answer (docs/resilience.md, "Limits").
        public static let defaultMaximumBodySize = 32 << 20

        public init(
            caFile: String? = nil, userAgent: String = "calsync/0.1 (+libcurl)", maximumConnectionsPerHost: Int = 8,
            maximumConnections: Int = 32, maximumBodySize: Int = defaultMaximumBodySize
        ) {
            self.caFile = caFile
            self.userAgent = userAgent
            self.maximumConnectionsPerHost = maximumConnectionsPerHost
            self.maximumConnections = maximumConnections
            self.maximumBodySize = maximumBodySize
        }
    }

    private let loop: CurlLoop
    private let configuration: Configuration
    private let logger: Logger

    public init(configuration: Configuration = Configuration(), logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.loop = CurlLoop(configuration: configuration)
    }

    /// Aborts what is in flight and ends the transport's thread. Call before exit.
    public func shutdown() {
        loop.shutdown()
    }

    public func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
        let transfer = CurlTransfer(id: loop.makeID(), request: request, maximumBodySize: configuration.maximumBodySize)
        logger.trace("HTTP request", metadata: ["http.request": "\(request.redactedDescription)"])
        let response = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.continuation = continuation
                if Task.isCancelled {
                    transfer.continuation = nil
                    continuation.resume(throwing: CalSyncError(.cancelled, "the request was cancelled"))
                    return
                }
                loop.start(transfer)
            }
        } onCancel: {
            loop.cancel(transfer.id)
        }
        logger.trace(
            "HTTP response",
            metadata: [
                "http.request": "\(request.redactedDescription)", "http.status": "\(response.status)",
                "http.bytes": "\(response.body.count)",
            ])
        return response
    }
}
