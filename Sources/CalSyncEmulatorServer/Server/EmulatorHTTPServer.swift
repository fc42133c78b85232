import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// HTTP/1.1 on 127.0.0.1 with blocking sockets and one thread per connection.
///
/// The emulator first ran on FlyingFox; two of its behaviours ruled it out for a server
/// whose job is to be exact under faults: it keeps only the last of repeated header lines
/// (Graph clients send `Prefer` several times), and after a connection was dropped on
/// purpose its epoll loop could outlive its descriptor and swallow another server's
/// events in the same process (tests then timed out with no byte received). A plain
/// socket server has neither problem, lets faults cut a body or a connection exactly,
/// and is fast enough: see docs/benchmarks.md.
package final class EmulatorHTTPServer: Sendable {
    /// What to do with a request: answer it, or misbehave as a fault says.
    package enum Reply: Sendable {
        case respond(EmulatorResponse)
        /// The response's headers, then `sent` of its body's bytes, then the connection closes.
        case truncate(EmulatorResponse, sent: Int)
        /// The connection closes without a byte.
        case drop
    }

    package let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (EmulatorRequest) async -> Reply
    /// Open client descriptors, shut down (not closed: their threads close them) on stop.
    private let clients = Mutex<Set<Int32>>([])
    private let acceptLoopEnded = DispatchSemaphore(value: 0)

    package init(port: UInt16, handler: @escaping @Sendable (EmulatorRequest) async -> Reply) throws(EmulatorError) {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw EmulatorError("cannot create a socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw EmulatorError("cannot listen on 127.0.0.1:\(port): \(reason)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        listener = fd
        self.port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "calsync-emulator.accept"
        thread.start()
    }

    /// Stops accepting, ends open connections, and returns once the listener is closed.
    ///
    /// The listener is shut down first and closed only after the accept loop has ended, so
    /// no `accept` ever runs on a descriptor number the kernel has handed to someone else.
    package func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        acceptLoopEnded.wait()
        close(listener)
        clients.withLock { for client in $0 { shutdown(client, Int32(SHUT_RDWR)) } }
    }

    private func acceptLoop() {
        defer { acceptLoopEnded.signal() }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            var noDelay: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            clients.withLock { _ = $0.insert(client) }
            let thread = Thread { [self] in serve(client) }
            thread.name = "calsync-emulator.connection"
            thread.start()
        }
    }

    private func serve(_ client: Int32) {
        defer {
            // Under the lock: stop() never shuts down a number already closed and reused.
            clients.withLock {
                $0.remove(client)
                close(client)
            }
        }
        var reader = RequestReader(client: client)
        while let parsed = reader.next() {
            let reply = Self.wait { await self.handler(parsed.request) }
            switch reply {
            case .respond(let response):
                let head = Self.head(response, keepAlive: parsed.keepAlive)
                guard Self.send(client, head + response.body), parsed.keepAlive else { return }
            case .truncate(let response, let sent):
                _ = Self.send(client, Self.head(response, keepAlive: false) + response.body.prefix(sent))
                return
            case .drop:
                return
            }
        }
    }

    /// Runs async work from this plain thread and waits for it (the thread is ours to block).
    private static func wait(_ work: @escaping @Sendable () async -> Reply) -> Reply {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Reply?>(nil)
        Task {
            let reply = await work()
            result.withLock { $0 = reply }
            done.signal()
        }
        done.wait()
        return result.withLock { $0! }
    }

    static func head(_ response: EmulatorResponse, keepAlive: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(response.status) \(phrase(response.status))\r\n"
        text += "Date: \(httpDate())\r\n"
        text += "Content-Length: \(response.body.count)\r\n"
        text += "Connection: \(keepAlive ? "keep-alive" : "close")\r\n"
        for header in response.headers { text += "\(header.name): \(header.value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    private static func send(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0, errno == EINTR { continue }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7).
    static func httpDate(_ date: Date = Date()) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
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
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
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

/// Reads HTTP/1.1 requests from a connection: request line, every header line (repeated
/// ones kept), a `Content-Length` body.
struct RequestReader {
    let client: Int32
    private var buffer: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: 65_536)
    /// Bodies above this are refused (the emulator's own writes are small).
    static let maximumBody = 64 * 1024 * 1024

    init(client: Int32) {
        self.client = client
    }

    private mutating func fill() -> Bool {
        while true {
            let count = scratch.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer += scratch[0..<count]
            return true
        }
    }

    /// The next request, or nil when the client closed the connection or sent nonsense.
    mutating func next() -> (request: EmulatorRequest, keepAlive: Bool)? {
        let separator = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            if let range = buffer.firstRange(of: separator) {
                headerEnd = range.upperBound
            } else if buffer.count > 1_048_576 || !fill() {
                return nil
            }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingSpacesAndTabs)
        }
        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
        guard header("Transfer-Encoding") == nil else { return nil }
        let length = Int(header("Content-Length") ?? "0") ?? -1
        guard (0...Self.maximumBody).contains(length) else { return nil }
        while buffer.count < headerEnd! + length {
            guard fill() else { return nil }
        }
        let body = Data(buffer[headerEnd!..<(headerEnd! + length)])
        buffer.removeFirst(headerEnd! + length)

        let target = String(requestLine[1])
        let pathPart = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let rawPath = String(pathPart[0])
        let query: [(name: String, value: String)] =
            pathPart.count > 1
            ? pathPart[1].split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let decode = { (text: Substring) in text.percentDecoded ?? String(text) }
                return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
            } : []
        let keepAlive =
            requestLine[2] == "HTTP/1.1"
            ? header("Connection")?.lowercased() != "close" : header("Connection")?.lowercased() == "keep-alive"
        let request = EmulatorRequest(
            method: String(requestLine[0]), rawPath: rawPath, query: query, headers: headers, body: body)
        return (request, keepAlive)
    }
}
