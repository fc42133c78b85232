public import ServiceLifecycle

/// Pets systemd's watchdog (`WATCHDOG=1`) at half the period systemd asked for, but only
/// while `isAlive` says the daemon's loop is making progress: a wedged scheduler stops the
/// pings and systemd restarts the service (rule: the watchdog checks real progress).
public struct SystemdWatchdog: Service {
    let notifier: SystemdNotifier
    let period: Duration
    let isAlive: @Sendable () -> Bool

    /// - Parameter period: systemd's `WATCHDOG_USEC`; pings come every half of it.
    public init(notifier: SystemdNotifier, period: Duration, isAlive: @escaping @Sendable () -> Bool) {
        self.notifier = notifier
        self.period = period
        self.isAlive = isAlive
    }

    public func run() async throws {
        let interval = period / 2
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if isAlive() { notifier.notify(.watchdog) }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
