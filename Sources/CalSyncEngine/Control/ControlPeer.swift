import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Who is at the other end of a control connection, as the kernel says (`SO_PEERCRED`):
/// the file mode lets every member of group `calsync` connect, and this tells root and
/// the daemon's own user apart from the readers in the group.
public struct ControlPeer: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// The credentials of the process that connected `socket`; nil if the kernel will not say.
    public static func of(socket: Int32) -> ControlPeer? {
        // `struct ucred` (pid_t, uid_t, gid_t), which Glibc's module leaves out without _GNU_SOURCE.
        var credentials: (pid: Int32, uid: UInt32, gid: UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout<(Int32, UInt32, UInt32)>.size)
        guard getsockopt(socket, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0, length == 12 else {
            return nil
        }
        return ControlPeer(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid)
    }
}

/// Which control requests a peer may make (docs/daemon.md "Who may ask for what").
///
/// Reading requests (`status`) and ordinary polls are open to the socket's group; what
/// destroys or bypasses a safeguard — `forget`, `sync --force` (past the deletion safety
/// valve) and the watchdog test's wedge — only root and the daemon's own user may ask for,
/// as systemd's own daemons do with their privileged D-Bus methods. Polls asked for by the
/// others are rate-limited by the scheduler.
public struct ControlAccess: Sendable {
    /// The user calsyncd runs as.
    public let daemonUID: UInt32

    /// - Parameter daemonUID: nil: this process's user.
    public init(daemonUID: UInt32? = nil) {
        self.daemonUID = daemonUID ?? getuid()
    }

    /// Root or the daemon's own user; a peer the kernel did not name is not.
    public func isPrivileged(_ peer: ControlPeer?) -> Bool {
        guard let peer else { return false }
        return peer.uid == 0 || peer.uid == daemonUID
    }

    /// Why `peer` may not make `request`, for the user; nil when it may.
    public func refusal(for request: ControlRequest, from peer: ControlPeer?) -> String? {
        guard !isPrivileged(peer) else { return nil }
        let what: String
        switch request.command {
        case .forget: what = "forget deletes an account's data"
        case .sync where request.force: what = "sync --force bypasses the deletion safety valve"
        case .debugWedgeScheduler: what = "debug-wedge-scheduler stops the daemon's loop"
        case .sync, .status, .push: return nil
        }
        let who = peer.map { "you are uid \($0.uid)" } ?? "the kernel did not say who you are"
        return "\(what): only root or calsyncd's own user (uid \(daemonUID)) may ask for it, and \(who); "
            + "run it with sudo or as the daemon's user"
    }
}
