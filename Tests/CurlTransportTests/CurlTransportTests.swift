import CalSyncModel
import Foundation
import Logging
import Synchronization
import Testing

@testable import CurlTransport

/// Collects log lines in memory, to check that nothing secret is logged.
final class MemoryLogHandler: LogHandler, @unchecked Sendable {
    let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        lines.withLock { $0.append("\(event.message) \(event.metadata ?? [:])") }
    }
}

struct CurlTransportTests {
    static func gzip(_ text: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }

    static func echoServer() throws -> TestHTTPServer {
        try TestHTTPServer { request in
            let headers = request.headers.map { "\($0.0.lowercased())=\($0.1)" }.joined(separator: "\n")
            return .respond(
                status: 200, headers: [("X-Method", request.method), ("X-Target", request.target)],
                body: Array(headers.utf8) + Array("\n\n".utf8) + request.body)
        }
    }

    @Test func sendsMethodHeadersAndBodyAndReturnsTheResponse() async throws {
        let server = try Self.echoServer()
        defer { server.stop() }
        let transport = CurlTransport(logger: Logger(label: "t"))
        defer { transport.shutdown() }
        let response = try await transport.perform(
            HTTPRequest(
                method: .PATCH, url: server.baseURL + "/calendars/a%23b/events?x=1",
                headers: [("If-Match", "\"etag-1\""), ("Content-Type", "application/json")],
                body: Data(#"{"summary":"hi"}"#.utf8)))
        #expect(response.status == 200)
        #expect(response.header("x-method") == "PATCH")
        #expect(response.header("X-TARGET") == "/calendars/a%23b/events?x=1")
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(text.contains("if-match=\"etag-1\""))
        #expect(text.contains("accept-encoding="))
        #expect(text.contains("user-agent=calsync/"))
        #expect(!text.contains("expect="))
        #expect(text.hasSuffix(#"{"summary":"hi"}"#))

        let deleted = try await transport.perform(HTTPRequest(method: .DELETE, url: server.baseURL + "/e"))
        #expect(deleted.header("x-method") == "DELETE")
    }

    @Test func errorStatusesAreResponsesNotErrors() async throws {
        let server = try TestHTTPServer { _ in
            .respond(status: 503, headers: [("Retry-After", "2.5")], body: Array(#"{"error":{}}"#.utf8))
        }
        defer { server.stop() }
        let transport = CurlTransport(logger: Logger(label: "t"))
        defer { transport.shutdown() }
        let response = try await transport.perform(HTTPRequest(url: server.baseURL + "/"))
        #expect(response.status == 503)
        #expect(response.header("retry-after") == "2.5")
    }

    @Test func decodesGzipBodies() async throws {
        let text = String(repeating: "calendar ", count: 10_000)
        let compressed = try Self.gzip(text)
        let server = try TestHTTPServer { _ in
            .respond(status: 200, headers: [("Content-Encoding", "gzip")], body: compressed)
        }
        defer { server.stop() }
        let transport = CurlTransport(logger: Logger(label: "t"))
        defer { transport.shutdown() }
        let response = try await transport.perform(HTTPRequest(url: server.baseURL + "/"))
        #expect(compressed.count < 1000)
        #expect(String(decoding: response.body, as: UTF8.self) == text)
    }

    /// A body of exactly the default limit (32 MiB) is carried whole.
    @Test func carriesBodiesUpToTheDefaultLimit() async throws {
        let size = CurlTransport.Configuration.defaultMaximumBodySize
        let body = [UInt8](repeating: 0x7A, count: size)
        let server = try TestHTTPServer { _ in .respond(status: 200, headers: [], body: body) }
        defer { server.stop() }
        let transport = CurlTransport(logger: Logger(label: "t"))
        defer { transport.shutdown() }
        let response = try await transport.perform(HTTPRequest(url: server.baseURL + "/"))
        #expect(response.body.count == size)
        #expect(response.body.last == 0x7A)
    }

    @Test func refusesBodiesOverTheLimit() async throws {
        let server = try TestHTTPServer { _ in
            .respond(status: 200, headers: [], body: [UInt8](repeating: 1, count: 4096))
        }
        defer { server.stop() }
        let transport = CurlTransport(configuration: .init(maximumBodySize: 1024), logger: Logger(label: "t"))
        defer { transport.shutdown() }
        let error = await #expect(throws: CalSyncError.self) {
            try await transport.perform(HTTPRequest(url: server.baseURL))
        }
        #expect(error?.message.contains("larger than the size limit of 1024 bytes") == true)
        #expect(error?.code == .transport)
    }

    /// A body over 32 MiB (the default limit) fails naming the limit, as a transport error
    /// (retried like any other) rather than being read into memory.
    @Test func theDefaultLimitIs32MiB() async throws {
        #expect(CurlTransport.Configuration().maximumBodySize == 32 << 20)
        let server = try TestHTTPServer { _ in
            .respond(status: 200, headers: [], body: [UInt8](repeating: 0x20, count: (32 << 20) + 1))
        }
        defer { server.stop() }
        let transport = CurlTransport(logger: Logger(label: "t"))
        defer { transport.shutdown() }
        let error = await #expect(throws: CalSyncError.self) {
            try await transport.perform(HTTPRequest(url: server.baseURL))
        }
        #expect(error?.code == .transport)
        #expect(error?.message.contains("the size limit of 32 MiB") == true)
    }

    @Test func runsManyRequestsConcurrentlyAndReusesConnections() async throws {
        let server = try Self.echoServer()
        defer { server.stop() }
        let transport = CurlTransport(configuration: .init(maximumConnectionsPerHost: 4), logger: Logger(label: "t"))
        defer { transport.shutdown() }
        let targets = try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<50 {
                group.addTask {
                    try await transport.perform(HTTPRequest(url: server.baseURL + "/r\(index)")).header("x-target")
                }
            }
            return try await group.reduce(into: Set<String>()) { if let target = $1 { $0.insert(target) } }
        }
        #expect(targets == Set((0..<50).map { "/r\($0)" }))
        #expect(server.connectionCount <= 4)
        let before = server.connectionCount
        for index in 0..<5 { _ = try await transport.perform(HTTPRequest(url: server.baseURL + "/seq\(index)")) }
        #expect(server.connectionCount == before)
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let server = try TestHTTPServer { _ in .hang }
        defer { server.stop() }
        let transport = CurlTransport(logger: Logger(label: "t"))
        defer { transport.shutdown() }
        let error = await #expect(throws: CalSyncError.self) {
            try await transport.perform(HTTPRequest(url: server.baseURL + "/", totalTimeout: .milliseconds(300)))
        }
        #expect(error?.code == .timeout)
        #expect(error?.message.contains("127.0.0.1") == true)
    }

    @Test func cancellationEndsAHangingRequest() async throws {
        let server = try TestHTTPServer { _ in .hang }
        defer { server.stop() }
        let transport = CurlTransport(logger: Logger(label: "t"))
        defer { transport.shutdown() }
        let task = Task {
            try await transport.perform(HTTPRequest(url: server.baseURL + "/", totalTimeout: .seconds(30)))
        }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let error = await #expect(throws: CalSyncError.self) { try await task.value }
        #expect(error?.code == .cancelled)
    }

    @Test func aBodyCutShortIsATransportError() async throws {
        let server = try TestHTTPServer { _ in .truncate(length: 1000, sent: 10) }
        defer { server.stop() }
        let transport = CurlTransport(logger: Logger(label: "t"))
        defer { transport.shutdown() }
        let error = await #expect(throws: CalSyncError.self) {
            try await transport.perform(HTTPRequest(url: server.baseURL))
        }
        #expect(error?.code == .transport)
    }

    @Test func aRefusedConnectionIsATransportError() async throws {
        let server = try Self.echoServer()
        let url = server.baseURL
        server.stop()
        let transport = CurlTransport(logger: Logger(label: "t"))
        defer { transport.shutdown() }
        let error = await #expect(throws: CalSyncError.self) {
            try await transport.perform(HTTPRequest(url: url + "/"))
        }
        #expect(error?.code == .transport)
    }

    @Test func secretsNeverReachErrorsOrLogs() async throws {
        let server = try TestHTTPServer { _ in .hang }
        defer { server.stop() }
        let handler = MemoryLogHandler()
        let transport = CurlTransport(logger: Logger(label: "t") { _ in handler })
        defer { transport.shutdown() }
        let error = await #expect(throws: CalSyncError.self) {
            try await transport.perform(
                HTTPRequest(
                    url: server.baseURL + "/calendars?key=AIzaSECRETKEY",
                    headers: [("Authorization", "Bearer secret-token")],
                    totalTimeout: .milliseconds(200)))
        }
        let logged = handler.lines.withLock { $0.joined(separator: "\n") }
        #expect(logged.contains("key=REDACTED"))
        for text in [error?.message ?? "", logged] {
            #expect(!text.contains("secret-token"))
            #expect(!text.contains("AIzaSECRETKEY"))
        }
    }

    @Test func shutdownRefusesNewWork() async throws {
        let transport = CurlTransport(logger: Logger(label: "t"))
        transport.shutdown()
        let error = await #expect(throws: CalSyncError.self) {
            try await transport.perform(HTTPRequest(url: "http://127.0.0.1:9/"))
        }
        #expect(error?.code == .cancelled)
    }
}
