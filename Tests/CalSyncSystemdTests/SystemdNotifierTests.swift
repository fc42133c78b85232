import CalSyncTestSupport
import Foundation
import Testing

@testable import CalSyncSystemd

#if canImport(Glibc)
import Glibc
#endif

// sd_notify reads $NOTIFY_SOCKET from the process environment, which is global:
// these tests run one at a time.
@Suite(.serialized)
struct SystemdNotifierTests {
    @Test func sendsEachStateAsSystemdExpectsIt() throws {
        let socket = try DatagramSocket()
        setenv("NOTIFY_SOCKET", socket.path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        let notifier = SystemdNotifier(
            environment: .current(environment: ["NOTIFY_SOCKET": socket.path]))
        #expect(notifier.isEnabled)

        #expect(notifier.notify(.ready, .status("2 accounts\nok")))
        #expect(socket.receiveText() == "READY=1\nSTATUS=2 accounts ok")

        #expect(notifier.notify(.watchdog))
        #expect(socket.receiveText() == "WATCHDOG=1")

        #expect(notifier.notify(.reloading(monotonicMicroseconds: 1234)))
        #expect(socket.receiveText() == "RELOADING=1\nMONOTONIC_USEC=1234")

        #expect(notifier.notify(.stopping))
        #expect(socket.receiveText() == "STOPPING=1")

        #expect(notifier.notify(.extendTimeout(microseconds: 5_000_000)))
        #expect(socket.receiveText() == "EXTEND_TIMEOUT_USEC=5000000")
    }

    @Test func isSilentWithoutSystemd() {
        let notifier = SystemdNotifier(environment: .none)
        #expect(!notifier.isEnabled)
        #expect(notifier.notify(.ready))
    }

    @Test func monotonicClockAdvances() {
        let first = SystemdNotifier.monotonicMicroseconds()
        let second = SystemdNotifier.monotonicMicroseconds()
        #expect(first > 0)
        #expect(second >= first)
    }

    @Test func watchdogIsReadForThisProcessOnly() {
        let own = SystemdEnvironment.current(environment: [
            "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": String(getpid()),
        ])
        #expect(own.watchdogMicroseconds == 30_000_000)
        let other = SystemdEnvironment.current(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"])
        #expect(other.watchdogMicroseconds == nil)
        #expect(SystemdEnvironment.current(environment: [:]).watchdogMicroseconds == nil)
    }

    @Test func journalStreamMustNameStderr() {
        #expect(!SystemdEnvironment.current(environment: ["JOURNAL_STREAM": "1:2"]).stderrIsJournal)
        #expect(!SystemdEnvironment.current(environment: ["JOURNAL_STREAM": "garbage"]).stderrIsJournal)
        var info = stat()
        fstat(2, &info)
        let matching = "\(info.st_dev):\(info.st_ino)"
        #expect(SystemdEnvironment.current(environment: ["JOURNAL_STREAM": matching]).stderrIsJournal)
    }
}
