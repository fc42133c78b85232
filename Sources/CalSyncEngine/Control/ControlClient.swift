import CalSyncAuth
public import CalSyncModel
import CalSyncStore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `calsyncctl`'s side of the control socket.
public enum ControlClient {
    /// Sends one request and returns the daemon's answer.
    ///
    /// - Parameter timeout: how long to wait for the answer; nil waits as long as the
    ///   daemon works (`sync --wait` on a large calendar).
    /// - Throws: `.control` with a message for people: not running, permission denied, or
    ///   no answer.
    public static func send(
        _ request: ControlRequest, to path: String, timeout: Duration?
    ) throws(CalSyncError) -> ControlResponse {
        let address = try UnixSocketAddress(path: path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw CalSyncError(.control, "cannot create a Unix socket: \(lastError())") }
        defer { close(fd) }
        if address.withSockaddr({ connect(fd, $0, $1) }) != 0 {
            switch errno {
            case ENOENT, ECONNREFUSED:
                throw CalSyncError(.control, "calsyncd is not running (nothing answers on \(path))")
            case EACCES, EPERM:
                throw CalSyncError(
                    .control,
                    "permission denied on calsyncd's control socket \(path): run as the daemon's user or root, "
                        + "or join its group (calsync)")
            default:
                throw CalSyncError(.control, "cannot reach calsyncd at \(path): \(lastError())")
            }
        }
        if let timeout {
            let seconds = max(timeout.components.seconds, 1)
            var value = timeval(tv_sec: Int(seconds), tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        }
        let line: Data
        do {
            line = try request.encodedLine()
        } catch {
            throw CalSyncError(.control, "cannot encode the request: \(error)")
        }
        // The answer is read even when the request could not be written: a daemon at its
        // connection limit answers "busy" and hangs up before reading anything.
        _ = SocketLines.write(line, to: fd)
        guard let answer = SocketLines.readLine(from: fd, limit: 16 << 20) else {
            throw CalSyncError(.control, "calsyncd did not answer on \(path)")
        }
        do {
            return try JSONDecoder().decode(ControlResponse.self, from: answer)
        } catch {
            throw CalSyncError(.control, "calsyncd answered something this calsyncctl cannot read: \(error)")
        }
    }

    /// Whether a process listens on the socket at `path`. Only a connect, no request: the
    /// kernel completes it from the listen backlog, so a live daemon that is busy (or a machine
    /// under load) still counts as live, while the file a killed daemon left behind refuses.
    public static func someoneListens(at path: String) -> Bool {
        guard let address = try? UnixSocketAddress(path: path) else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if address.withSockaddr({ connect(fd, $0, $1) }) == 0 { return true }
        // Anything but "refused" or "gone" (say, permission denied) is not proof of a stale
        // file: keep it rather than take a live daemon's socket away.
        return errno != ECONNREFUSED && errno != ENOENT
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
