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
/// readers' group) may connect; nobody else may. Who may ask for what is the handler's
/// business: it gets the peer's credentials (`SO_PEERCRED`, ``ControlPeer``). Blocking
/// sockets on plain threads, as the emulator's server: a request is rare, and a thread
/// blocked in `accept` costs nothing.
///
/// Bounded, because any member of the group can connect (docs/daemon.md "Control socket limits"):
/// - at most ``Limits/maxClients`` connections at once; one more is answered with a
///   refusal line and closed at once;
/// - one deadline for reading the whole request line (not per byte); the answer to a
///   `sync --wait` may take as long as the poll;
/// - `accept` failing for want of file descriptors (`EMFILE`, `ENFILE`) is retried after
///   a short pause, logged once, instead of ending the loop;
/// - the loop stamps a heartbeat (``lastHeartbeat``) that the systemd watchdog requires
///   too, so a dead control loop gets the daemon restarted.
public final class ControlServer: Sendable {
    public struct Limits: Sendable {
        /// Connections served at once.
        public var maxClients: Int
        /// How long a client has to send its whole request line.
        public var requestDeadline: Duration
        /// How often the loop stamps its heartbeat while idle; nil: never wakes up idle.
        public var heartbeatPeriod: Duration?
        /// The pause before `accept` is tried again after running out of file descriptors.
        public var acceptRetryPause: Duration

        public init(
            maxClients: Int = 16, requestDeadline: Duration = .seconds(10), heartbeatPeriod: Duration? = nil,
            acceptRetryPause: Duration = .milliseconds(250)
        ) {
            self.maxClients = maxClients
            self.requestDeadline = requestDeadline
            self.heartbeatPeriod = heartbeatPeriod
            self.acceptRetryPause = acceptRetryPause
        }
    }

    public let path: String
    private let listener: Int32
    /// Written to by `stop()` to end the accept loop's `poll`.
    private let stopReader: Int32
    private let stopWriter: Int32
    private let handler: @Sendable (ControlRequest, ControlPeer?) async -> ControlResponse
    private let logger: Logger
    private let limits: Limits
    private let peerCredentials: @Sendable (Int32) -> ControlPeer?
    private let acceptConnection: @Sendable (Int32) -> Int32
    private let acceptLoopEnded = DispatchSemaphore(value: 0)
    private let clients = Mutex<Set<Int32>>([])
    private let heartbeat = Mutex(ContinuousClock.now)

    /// When the accept loop last went round; stale once it has died (or was stopped).
    public var lastHeartbeat: ContinuousClock.Instant { heartbeat.withLock { $0 } }

    /// The same, for a handler that does not look at the peer.
    public convenience init(
        path: String, logger: Logger, limits: Limits = Limits(),
        handler: @escaping @Sendable (ControlRequest) async -> ControlResponse
    ) throws(CalSyncError) {
        try self.init(
            path: path, logger: logger, limits: limits, peerCredentials: nil,
            handler: { request, _ in await handler(request) })
    }

    /// Binds `path` (mode 0660), replacing a stale socket left by a daemon that died;
    /// refuses when another live daemon answers there.
    /// - Parameters:
    ///   - peerCredentials: who connected a socket (tests stand in for other users here).
    ///   - acceptConnection: `accept(2)` on the listener (tests make it fail here).
    public init(
        path: String, logger: Logger, limits: Limits = Limits(),
        peerCredentials: (@Sendable (Int32) -> ControlPeer?)? = nil,
        acceptConnection: (@Sendable (Int32) -> Int32)? = nil,
        handler: @escaping @Sendable (ControlRequest, ControlPeer?) async -> ControlResponse
    ) throws(CalSyncError) {
        self.path = path
        self.handler = handler
        self.logger = logger
        self.limits = limits
        self.peerCredentials = peerCredentials ?? { ControlPeer.of(socket: $0) }
        self.acceptConnection = acceptConnection ?? { accept($0, nil, nil) }
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
        var outOfDescriptors = false
        while true {
            heartbeat.withLock { $0 = .now }
            var watched = [
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stopReader, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&watched, 2, limits.heartbeatPeriod.map(Self.milliseconds) ?? -1)
            if ready < 0, errno == EINTR { continue }
            if ready == 0 { continue }
            guard ready > 0, watched[1].revents == 0 else { return }
            let client = acceptConnection(listener)
            guard client >= 0 else {
                let error = errno
                if error == EINTR || error == ECONNABORTED || error == EAGAIN { continue }
                if error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM {
                    // Out of descriptors (or memory) for now: the connection waits in the
                    // backlog; try again shortly rather than give up on the socket for good.
                    if !outOfDescriptors {
                        outOfDescriptors = true
                        logger.error(
                            "The control socket cannot accept connections for now; retrying",
                            metadata: ["calsync.error": "\(String(cString: strerror(error)))"])
                    }
                    if pauseUnlessStopped(limits.acceptRetryPause) { continue }
                    return
                }
                logger.error(
                    "The control socket stopped accepting",
                    metadata: ["calsync.error": "\(String(cString: strerror(error)))"])
                return
            }
            if outOfDescriptors {
                outOfDescriptors = false
                logger.notice("The control socket accepts connections again")
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            let admitted = clients.withLock { open in
                guard open.count < limits.maxClients else { return false }
                open.insert(client)
                return true
            }
            guard admitted else {
                refuseBusy(client)
                continue
            }
            let thread = Thread { [self] in
                serve(client)
                clients.withLock { _ = $0.remove(client) }
                close(client)
            }
            thread.name = "calsyncd.control.client"
            thread.start()
        }
    }

    /// Sleeps `pause`; false when `stop()` was called meanwhile.
    private func pauseUnlessStopped(_ pause: Duration) -> Bool {
        var watched = pollfd(fd: stopReader, events: Int16(POLLIN), revents: 0)
        return poll(&watched, 1, Self.milliseconds(pause)) == 0 || watched.revents == 0
    }

    /// One connection too many: a refusal line if the socket takes it at once, then close.
    private func refuseBusy(_ client: Int32) {
        let line = ControlResponse.refused(
            "calsyncd is busy: \(limits.maxClients) control connections are open; try again shortly"
        ).encodedLine()
        _ = line.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        close(client)
        logger.warning("Control connection refused: too many open", metadata: ["calsync.limit": "\(limits.maxClients)"])
    }

    /// One request, one response. The request line must arrive whole within the deadline.
    private func serve(_ client: Int32) {
        // Bounds the answer's write too: a client that does not read cannot hold the thread.
        var timeout = timeval(tv_sec: Int(limits.requestDeadline.components.seconds), tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let peer = peerCredentials(client)
        guard let line = SocketLines.readLine(from: client, deadline: .now + limits.requestDeadline) else { return }
        let response: ControlResponse
        do {
            let request = try JSONDecoder().decode(ControlRequest.self, from: line)
            logger.debug(
                "Control request",
                metadata: [
                    "calsync.command": "\(request.command.rawValue)",
                    "calsync.peer_uid": "\(peer.map { "\($0.uid)" } ?? "?")",
                ])
            response = Self.await { [handler] in await handler(request, peer) }
        } catch {
            response = .refused("not a calsyncctl request of this version (\(error))")
        }
        _ = SocketLines.write(response.encodedLine(), to: client)
    }

    static func milliseconds(_ duration: Duration) -> Int32 {
        let components = duration.components
        return Int32(clamping: max(1, components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000))
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
