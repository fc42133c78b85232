internal import CSystemd

#if canImport(Glibc)
import Glibc
#endif

/// Sends state changes to the service manager (`sd_notify(3)`).
///
/// Without `$NOTIFY_SOCKET` every call is a no-op, so development runs and tests need no
/// systemd. Messages are `KEY=VALUE` lines: `READY=1`, `STATUS=…`, `WATCHDOG=1`,
/// `RELOADING=1` with `MONOTONIC_USEC=…`, `STOPPING=1`, `EXTEND_TIMEOUT_USEC=…`.
public struct SystemdNotifier: Sendable {
    /// The states this daemon reports.
    public enum State: Sendable, Equatable {
        case ready
        case status(String)
        case watchdog
        /// A reload started at this `CLOCK_MONOTONIC` time (microseconds).
        case reloading(monotonicMicroseconds: UInt64)
        case stopping
        case extendTimeout(microseconds: UInt64)

        var assignments: [String] {
            switch self {
            case .ready: ["READY=1"]
            case .status(let line): ["STATUS=" + SystemdNotifier.oneLine(line)]
            case .watchdog: ["WATCHDOG=1"]
            case .reloading(let usec): ["RELOADING=1", "MONOTONIC_USEC=\(usec)"]
            case .stopping: ["STOPPING=1"]
            case .extendTimeout(let usec): ["EXTEND_TIMEOUT_USEC=\(usec)"]
            }
        }
    }

    /// Whether a service manager listens (`$NOTIFY_SOCKET` was set).
    public let isEnabled: Bool

    public init(environment: SystemdEnvironment) {
        self.isEnabled = environment.notifySocket != nil
    }

    /// Sends the states in one datagram. Returns false when systemd could not be told
    /// (the caller logs it; the daemon keeps working).
    @discardableResult
    public func notify(_ states: State...) -> Bool {
        notify(states)
    }

    /// Sends the states in one datagram.
    @discardableResult
    public func notify(_ states: [State]) -> Bool {
        guard isEnabled, !states.isEmpty else { return true }
        let message = states.flatMap(\.assignments).joined(separator: "\n")
        return sd_notify(0, message) >= 0
    }

    /// `CLOCK_MONOTONIC` now, in microseconds, as `RELOADING=1` wants it.
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }

    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
