import Foundation
import Logging
import Synchronization
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncRecurrence
@testable import CalSyncStore

#if canImport(Glibc)
import Glibc
#endif

/// What any member of the socket's group could do to the control socket, bounded (issue
/// 16): too many connections, a request trickled byte by byte, `accept` out of file
/// descriptors, and a heartbeat that shows the loop is alive.
struct ControlSocketLimitsTests {
    static let logger = ControlSocketTests.logger

    static func connected(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let address = try UnixSocketAddress(path: path)
        guard address.withSockaddr({ connect(fd, $0, $1) }) == 0 else {
            close(fd)
            throw CalSyncError(.control, "cannot connect")
        }
        return fd
    }

    static func ask(_ path: String) async throws -> ControlResponse {
        try await ControlSocketTests.offPool {
            try ControlClient.send(ControlRequest(command: .status), to: path, timeout: .seconds(10))
        }
    }

    @Test func oneConnectionTooManyIsRefusedAtOnceWithAReason() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("control.sock")
        let server = try ControlServer(
            path: path, logger: Self.logger, limits: .init(maxClients: 2, requestDeadline: .seconds(60))
        ) { _ in ControlResponse(ok: true, pid: 7) }
        defer { server.stop() }
        // Two clients that connect and send nothing hold both places.
        let idle = try [Self.connected(path), Self.connected(path)]
        var answer = try await Self.ask(path)
        for _ in 0..<100 where answer.ok {
            // Until the server has counted both idle clients (its accept loop is a thread).
            try await Task.sleep(for: .milliseconds(20))
            answer = try await Self.ask(path)
        }
        #expect(!answer.ok)
        #expect(answer.error?.contains("calsyncd is busy: 2 control connections are open") == true)
        for fd in idle { close(fd) }
        for _ in 0..<100 where !answer.ok {
            try await Task.sleep(for: .milliseconds(20))
            answer = try await Self.ask(path)
        }
        #expect(answer == ControlResponse(ok: true, pid: 7), "places free again once the idle clients leave")
    }

    @Test func aRequestTrickledByteByByteIsCutAtItsDeadline() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("control.sock")
        let server = try ControlServer(
            path: path, logger: Self.logger, limits: .init(requestDeadline: .seconds(1))
        ) { _ in ControlResponse(ok: true) }
        defer { server.stop() }
        // One byte every 100 ms, never a newline: at most 10 s of it (the old per-byte
        // 5 s timeout never fired); the server hangs up after its 1 s deadline.
        let bytesSent = try await ControlSocketTests.offPool { () -> Int in
            let fd = try Self.connected(path)
            defer { close(fd) }
            var sent = 0
            for _ in 0..<100 {
                var byte = UInt8(ascii: " ")
                guard send(fd, &byte, 1, Int32(MSG_NOSIGNAL)) == 1 else { return sent }
                var watched = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&watched, 1, 100) > 0 { return sent }  // end of file: hung up
                sent += 1
            }
            return sent
        }
        #expect(bytesSent < 100)
    }

    @Test func acceptOutOfFileDescriptorsIsRetried() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("control.sock")
        let failures = Mutex(3)
        let server = try ControlServer(
            path: path, logger: Self.logger, limits: .init(acceptRetryPause: .milliseconds(10)),
            acceptConnection: { listener in
                let fail = failures.withLock { left in
                    defer { left -= 1 }
                    return left > 0
                }
                guard !fail else {
                    errno = EMFILE
                    return -1
                }
                return accept(listener, nil, nil)
            }, handler: { _, _ in ControlResponse(ok: true, pid: 3) })
        defer { server.stop() }
        let answer = try await Self.ask(path)
        #expect(answer == ControlResponse(ok: true, pid: 3))
        #expect(failures.withLock { $0 } < 0)
    }

    @Test func theHeartbeatStopsWhenTheAcceptLoopDies() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("control.sock")
        let broken = Mutex(false)
        let server = try ControlServer(
            path: path, logger: Self.logger, limits: .init(heartbeatPeriod: .milliseconds(10)),
            acceptConnection: { listener in
                guard !broken.withLock({ $0 }) else {
                    errno = EBADF
                    return -1
                }
                return accept(listener, nil, nil)
            }, handler: { _, _ in ControlResponse(ok: true) })
        defer { server.stop() }
        let start = server.lastHeartbeat
        for _ in 0..<200 where server.lastHeartbeat == start { try await Task.sleep(for: .milliseconds(10)) }
        #expect(server.lastHeartbeat > start, "an idle loop stamps its heartbeat")

        broken.withLock { $0 = true }
        let fd = try Self.connected(path)  // accept fails for good: the loop ends
        defer { close(fd) }
        var last = server.lastHeartbeat
        var unchanged = 0
        for _ in 0..<500 where unchanged < 20 {
            try await Task.sleep(for: .milliseconds(10))
            let now = server.lastHeartbeat
            unchanged = now == last ? unchanged + 1 : 0
            last = now
        }
        #expect(unchanged >= 20, "20 periods without a stamp: the watchdog sees a dead loop")
    }

    @Test func theHandlerLearnsWhoConnected() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("control.sock")
        let server = try ControlServer(path: path, logger: Self.logger) { _, peer in
            ControlResponse(ok: true, pid: peer?.pid, status: peer.map { "uid \($0.uid)" })
        }
        defer { server.stop() }
        let answer = try await Self.ask(path)
        #expect(answer.pid == getpid())
        #expect(answer.status == "uid \(getuid())")
    }
}
