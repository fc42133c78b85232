import CalSyncAuth
public import CalSyncModel
import CalSyncStore
import Dispatch
import Foundation
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// calsyncd's control socket: a Unix stream socket in the runtime directory on which
/// `calsyncctl` sends one JSON request line and reads one JSON response line.
///
/// Access is the file's mode, 0660: the daemon's user and its group (`calsync`, the
/// readers' group) may ask for a poll; nobody else may connect. Blocking sockets on
/// plain threads, as the emulator's server: a request is rare, and a thread blocked in
/// `accept` costs nothing and never wakes the process up.
public final class ControlServer: Sendable {
    public let path: String
    private let listener: Int32
    /// Written to by `stop()` to end the accept loop's `poll` (no periodic wake-ups).
    private let stopReader: Int32
    private let stopWriter: Int32
    private let handler: @Sendable (ControlRequest) async -> ControlResponse
    private let logger: Logger
    private let acceptLoopEnded = DispatchSemaphore(value: 0)
    private let clients = Mutex<Set<Int32>>([])

    /// Binds `path` (mode 0660), replacing a stale socket left by a daemon that died;
    /// refuses when another live daemon answers there.
    public init(
        path: String, logger: Logger, handler: @escaping @Sendable (ControlRequest) async -> ControlResponse
    ) throws(CalSyncError) {
        self.path = path
        self.handler = handler
        self.logger = logger
        let address = try UnixSocketAddress(path: path)
        let directory = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            } catch {
                throw CalSyncError(.control, "cannot create the runtime directory \(directory): \(error)")
            }
        }
        if FileManager.default.fileExists(atPath: path) {
            if ControlClient.someoneListens(at: path) {
                throw CalSyncError(.control, "another calsyncd already answers on the control socket \(path)")
            }
            unlink(path)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw CalSyncError(.control, "cannot create a Unix socket: \(Self.lastError())") }
        let bound = address.withSockaddr { bind(fd, $0, $1) }
        guard bound == 0, chmod(path, 0o660) == 0, listen(fd, 16) == 0 else {
            let reason = Self.lastError()
            close(fd)
            throw CalSyncError(.control, "cannot listen on the control socket \(path): \(reason)")
        }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            close(fd)
            unlink(path)
            throw CalSyncError(.control, "cannot create a pipe: \(Self.lastError())")
        }
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        listener = fd
        stopReader = pipeEnds[0]
        stopWriter = pipeEnds[1]
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "calsyncd.control"
        thread.start()
    }

    /// Stops accepting, ends open connections and removes the socket file.
    public func stop() {
        var byte: UInt8 = 1
        _ = write(stopWriter, &byte, 1)
        acceptLoopEnded.wait()
        close(listener)
        close(stopReader)
        close(stopWriter)
        unlink(path)
        clients.withLock { for client in $0 { shutdown(client, Int32(SHUT_RDWR)) } }
    }

    private func acceptLoop() {
        defer { acceptLoopEnded.signal() }
        while true {
            var watched = [
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stopReader, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&watched, 2, -1)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0, watched[1].revents == 0 else { return }
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR || errno == ECONNABORTED || errno == EAGAIN { continue }
                logger.error("The control socket stopped accepting", metadata: ["calsync.error": "\(Self.lastError())"])
                return
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            clients.withLock { _ = $0.insert(client) }
            let thread = Thread { [self] in
                serve(client)
                clients.withLock { _ = $0.remove(client) }
                close(client)
            }
            thread.name = "calsyncd.control.client"
            thread.start()
        }
    }

    /// One request, one response. A client that sends nothing for 5 s is dropped.
    private func serve(_ client: Int32) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let line = SocketLines.readLine(from: client) else { return }
        let response: ControlResponse
        do {
            let request = try JSONDecoder().decode(ControlRequest.self, from: line)
            logger.debug("Control request", metadata: ["calsync.command": "\(request.command.rawValue)"])
            response = Self.await { [handler] in await handler(request) }
        } catch {
            response = .refused("not a calsyncctl request of this version (\(error))")
        }
        _ = SocketLines.write(response.encodedLine(), to: client)
    }

    /// Runs async work from this plain thread and blocks until it is done.
    private static func await(_ work: @escaping @Sendable () async -> ControlResponse) -> ControlResponse {
        let result = Mutex<ControlResponse?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let response = await work()
            result.withLock { $0 = response }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 } ?? .refused("no answer")
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
