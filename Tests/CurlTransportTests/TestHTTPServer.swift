import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for transport tests, built on raw sockets so that
/// tests control what a real library server would not do: hang, close mid-body, count
/// connections. One thread per connection; keep-alive honoured.
final class TestHTTPServer: Sendable {
    struct Request: Sendable {
        var method: String
        var target: String
        var headers: [(String, String)]
        var body: [UInt8]
        func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }
    }

    enum Reply: Sendable {
        case respond(status: Int, headers: [(String, String)], body: [UInt8])
        /// Announces `length` bytes, sends `sent` of them, closes.
        case truncate(length: Int, sent: Int)
        /// Reads the request and never answers.
        case hang
    }

    let port: Int
    private let listener: Int32
    private let handler: @Sendable (Request) -> Reply
    private let state = Mutex<(connections: Int, clients: [Int32], requests: [Request])>((0, [], []))
    /// Signalled once the accept loop has closed the listener and ended.
    private let acceptLoopEnded = DispatchSemaphore(value: 0)

    init(handler: @escaping @Sendable (Request) -> Reply) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var connectionCount: Int { state.withLock { $0.connections } }
    var requests: [Request] { state.withLock { $0.requests } }

    func stop() {
        // Shutting the listener down wakes the accept loop, which closes it and ends. Closed
        // here instead, its descriptor could go to another test's new listener before the
        // loop called accept again, and this server's handler answered that test's requests
        // (a hanging server was seen answering 200).
        shutdown(listener, Int32(SHUT_RDWR))
        acceptLoopEnded.wait()
        // Under the lock, so a client descriptor that `serve` already closed (and the
        // kernel may have handed to another test's socket) is never shut down here.
        state.withLock { for client in $0.clients { shutdown(client, Int32(SHUT_RDWR)) } }
    }

    private func acceptLoop() {
        defer {
            close(listener)
            acceptLoopEnded.signal()
        }
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            state.withLock {
                $0.connections += 1
                $0.clients.append(client)
            }
            Thread { [self] in serve(client) }.start()
        }
    }

    private func serve(_ client: Int32) {
        defer {
            state.withLock {
                $0.clients.removeAll { $0 == client }
                close(client)
            }
        }
        var buffer: [UInt8] = []
        while let request = Self.readRequest(client, &buffer) {
            state.withLock { $0.requests.append(request) }
            switch handler(request) {
            case .respond(let status, let headers, let body):
                var head = "HTTP/1.1 \(status) Test\r\nContent-Length: \(body.count)\r\n"
                for (name, value) in headers { head += "\(name): \(value)\r\n" }
                guard Self.send(client, Array((head + "\r\n").utf8) + body) else { return }
            case .truncate(let length, let sent):
                let head = "HTTP/1.1 200 OK\r\nContent-Length: \(length)\r\n\r\n"
                _ = Self.send(client, Array(head.utf8) + [UInt8](repeating: 65, count: sent))
                return
            case .hang:
                var scratch = [UInt8](repeating: 0, count: 1024)
                while recv(client, &scratch, scratch.count, 0) > 0 {}
                return
            }
        }
    }

    private static func send(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    private static func readRequest(_ client: Int32, _ buffer: inout [UInt8]) -> Request? {
        var scratch = [UInt8](repeating: 0, count: 65_536)
        func fill() -> Bool {
            let count = recv(client, &scratch, scratch.count, 0)
            guard count > 0 else { return false }
            buffer += scratch[0..<count]
            return true
        }
        var headerEnd: Int?
        while headerEnd == nil {
            if let range = buffer.firstRange(of: Array("\r\n\r\n".utf8)) {
                headerEnd = range.upperBound
            } else if !fill() {
                return nil
            }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let requestLine = lines.removeFirst().split(separator: " ")
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0") ?? 0
        while buffer.count < headerEnd! + length {
            guard fill() else { return nil }
        }
        let body = Array(buffer[headerEnd!..<(headerEnd! + length)])
        buffer.removeFirst(headerEnd! + length)
        return Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
    }
}
