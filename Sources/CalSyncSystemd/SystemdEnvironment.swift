#if canImport(Glibc)
import Glibc
#endif

/// What systemd told this process through its environment, read once at start-up.
///
/// Injected into the notifier and the logging bootstrap so that tests control it
/// (docs/architecture.md, rule: the environment is injected, never read inside logic).
public struct SystemdEnvironment: Sendable, Equatable {
    /// `$NOTIFY_SOCKET`: where `sd_notify` messages go; nil when not started by systemd.
    public var notifySocket: String?
    /// Whether stderr is connected to the journal (`$JOURNAL_STREAM` names stderr's device
    /// and inode, systemd.exec(5)).
    public var stderrIsJournal: Bool
    /// `$WATCHDOG_USEC` for this process (checked against `$WATCHDOG_PID`), when set.
    public var watchdogMicroseconds: UInt64?

    public init(notifySocket: String?, stderrIsJournal: Bool, watchdogMicroseconds: UInt64?) {
        self.notifySocket = notifySocket
        self.stderrIsJournal = stderrIsJournal
        self.watchdogMicroseconds = watchdogMicroseconds
    }

    /// Reads the real environment of this process.
    public static func current(environment: [String: String]) -> SystemdEnvironment {
        SystemdEnvironment(
            notifySocket: environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 },
            stderrIsJournal: journalStreamMatchesStderr(environment["JOURNAL_STREAM"]),
            watchdogMicroseconds: watchdog(environment: environment))
    }

    /// Not under systemd at all: nothing is sent, logs are plain stderr lines.
    public static let none = SystemdEnvironment(notifySocket: nil, stderrIsJournal: false, watchdogMicroseconds: nil)

    static func journalStreamMatchesStderr(_ value: String?) -> Bool {
        guard let value else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    static func watchdog(environment: [String: String]) -> UInt64? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pidText = environment["WATCHDOG_PID"], let pid = Int32(pidText), pid != getpid() {
            return nil
        }
        return usec
    }
}
