import Dispatch

/// Keeps systemd's start timeout from running out while start-up work is long: from 5 s
/// after creation until `stop()`, sends `EXTEND_TIMEOUT_USEC` every 5 s asking for 30 s
/// more. A timer on its own queue, so it fires even while the caller blocks a thread
/// (opening and migrating the store is synchronous).
public final class StartupTimeoutExtender {
    private let timer: any DispatchSourceTimer

    public init(notifier: SystemdNotifier) {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "calsyncd.startup-timeout"))
        timer.schedule(deadline: .now() + 5, repeating: 5)
        timer.setEventHandler { notifier.notify(.extendTimeout(microseconds: 30_000_000)) }
        timer.resume()
        self.timer = timer
    }

    public func stop() { timer.cancel() }
}
