import CalSyncModel
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Listens on `127.0.0.1:<port>` for the browser's redirect at the end of a loopback
/// sign-in, answers it with a short page, and hands over the request target.
///
/// Accepting runs on a dedicated thread (a blocking `accept` must not sit on the
/// cooperative pool); only loopback is ever bound.
public final class LoopbackRedirectReceiver: Sendable {
    /// The port actually bound (the requested one, or the kernel's choice for 0).
    public let port: Int
    private let socketDescriptor: Int32
    private let closed = Mutex(false)

    /// Binds `127.0.0.1:port` (0: any free port).
    /// - Throws: ``CalSyncError`` `.invalidInput` when the port is taken or not allowed.
    public init(port: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            throw CalSyncError(.transport, "cannot create a socket: \(String(cString: strerror(errno)))")
        }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 4) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw CalSyncError(.invalidInput, "cannot listen on 127.0.0.1:\(port) (\(reason)): choose another --port")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        self.socketDescriptor = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { stop() }

    /// `http://127.0.0.1:<port>`, the redirect URI to register in the authorization request.
    public var redirectURI: String { "http://127.0.0.1:\(port)" }

    /// Stops listening; a pending `waitForRedirect` fails with `.cancelled`.
    public func stop() {
        let wasClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        if !wasClosed {
            shutdown(socketDescriptor, Int32(SHUT_RDWR))
            close(socketDescriptor)
        }
    }

    /// Waits for the first request that carries `code=` or `error=` in its query and the
    /// sign-in's `state`, answers it, and returns its target (`/?code=…&state=…`).
    ///
    /// Any local user can reach the port: a redirect with another `state` (or none) gets a
    /// 400 and the wait goes on, so one stray request cannot end somebody's sign-in.
    /// Other requests (a browser's `/favicon.ico`) get a 404 and are ignored.
    public func waitForRedirect(state: String) async throws -> String {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
                let thread = Thread { [self] in
                    continuation.resume(with: Result { try self.acceptRedirect(state: state) })
                }
                thread.name = "calsync-loopback-redirect"
                thread.start()
            }
        } onCancel: {
            stop()
        }
    }

    private func acceptRedirect(state: String) throws -> String {
        while true {
            let client = accept(socketDescriptor, nil, nil)
            guard client >= 0 else {
                if errno == EINTR { continue }
                throw CalSyncError(.cancelled, "stopped waiting for the sign-in redirect")
            }
            defer { close(client) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            guard let target = Self.readRequestTarget(client) else { continue }
            let fields = Self.queryFields(target)
            if fields["code"] != nil || fields["error"] != nil {
                guard fields["state"] == state else {
                    Self.respond(
                        client, status: "400 Bad Request",
                        body: "calsync: this redirect belongs to another sign-in attempt; still waiting for this one.")
                    continue
                }
                let failed = fields["error"] != nil
                Self.respond(
                    client, status: "200 OK",
                    body: failed
                        ? "calsync: sign-in was not completed. Return to the terminal for details."
                        : "calsync: signed in. You can close this tab and return to the terminal.")
                return target
            }
            Self.respond(client, status: "404 Not Found", body: "calsync: waiting for the sign-in redirect.")
        }
    }

    /// The decoded fields of a request target's query (`/?code=…&state=…`).
    private static func queryFields(_ target: String) -> [String: String] {
        guard let start = target.firstIndex(of: "?") else { return [:] }
        return FormEncoding.decode(String(target[target.index(after: start)...]))
    }

    /// The target of the request line (`GET /?code=… HTTP/1.1`), read up to the end of headers.
    private static func readRequestTarget(_ client: Int32) -> String? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < 65_536 {
            let count = recv(client, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received += buffer[0..<count]
            if received.count >= 4, received.suffix(4).elementsEqual("\r\n\r\n".utf8) { break }
            if let text = String(bytes: received, encoding: .utf8), text.contains("\r\n\r\n") { break }
        }
        guard let line = String(decoding: received, as: UTF8.self).split(separator: "\r\n").first else { return nil }
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0] == "GET" else { return nil }
        return String(parts[1])
    }

    private static func respond(_ client: Int32, status: String, body: String) {
        let page = "<!doctype html><title>calsync</title><p>\(body)</p>\n"
        let response =
            "HTTP/1.1 \(status)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(page.utf8.count)\r\n"
            + "Connection: close\r\n\r\n" + page
        _ = response.withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }
}
