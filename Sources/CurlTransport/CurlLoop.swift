internal import CCurl
import CalSyncModel
import Foundation
import Synchronization

/// The one thread that owns the curl multi handle.
///
/// Callers hand transfers over through a mutex-guarded inbox and `curl_multi_wakeup`; the
/// thread adds them to the multi handle, drives `curl_multi_perform`, collects finished
/// transfers with `curl_multi_info_read`, resumes their continuations, and sleeps in
/// `curl_multi_poll` until there is network activity or new work. Every `CURL*` and the
/// `CURLM*` are touched on this thread only (libcurl-thread(3)); the Swift cooperative
/// pool never blocks on the network.
final class CurlLoop: @unchecked Sendable {
    private enum Command {
        case start(CurlTransfer)
        case cancel(UInt64)
    }

    private struct Inbox {
        var commands: [Command] = []
        var stopping = false
        var stopped = false
    }

    // `@unchecked Sendable`: `multi` is created here and then used by the loop thread only,
    // except for curl_multi_wakeup, which libcurl allows from any thread.
    private let multi: UnsafeMutableRawPointer
    private let configuration: CurlTransport.Configuration
    private let inbox = Mutex(Inbox())
    private let nextID = Atomic<UInt64>(1)
    /// Transfers in the multi handle, by easy handle. Loop thread only.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init(configuration: CurlTransport.Configuration) {
        CurlGlobal.initialize()
        self.configuration = configuration
        multi = curl_multi_init()
        ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maximumConnectionsPerHost)
        ccurl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maximumConnections)
        ccurl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        let thread = Thread { [self] in run() }
        thread.name = "calsync-curl"
        thread.start()
    }

    func makeID() -> UInt64 {
        nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Queues a transfer; its continuation is resumed on the loop thread.
    func start(_ transfer: CurlTransfer) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.stopping else { return false }
            inbox.commands.append(.start(transfer))
            return true
        }
        guard accepted else {
            transfer.continuation?.resume(throwing: CalSyncError(.cancelled, "the HTTP transport is shutting down"))
            transfer.continuation = nil
            return
        }
        curl_multi_wakeup(multi)
    }

    /// Aborts a transfer; its caller gets `.cancelled`.
    func cancel(_ id: UInt64) {
        inbox.withLock { $0.commands.append(.cancel(id)) }
        curl_multi_wakeup(multi)
    }

    /// Stops taking work, aborts transfers in flight (their callers get `.cancelled`), and
    /// lets the thread clean up the multi handle and end. Returns once it has.
    func shutdown() {
        inbox.withLock { $0.stopping = true }
        curl_multi_wakeup(multi)
        while !inbox.withLock({ $0.stopped }) {
            usleep(1000)
        }
    }

    private func run() {
        var running: Int32 = 0
        while true {
            let (commands, stopping) = inbox.withLock { inbox in
                defer { inbox.commands.removeAll() }
                return (inbox.commands, inbox.stopping)
            }
            for command in commands {
                switch command {
                case .start(let transfer):
                    if let error = transfer.makeHandle(configuration: configuration) {
                        finish(transfer, with: .failure(error))
                    } else if let easy = transfer.easy {
                        active[easy] = transfer
                        curl_multi_add_handle(multi, easy)
                    }
                case .cancel(let id):
                    if let (easy, transfer) = active.first(where: { $0.value.id == id }) {
                        curl_multi_remove_handle(multi, easy)
                        active[easy] = nil
                        finish(transfer, with: .failure(CalSyncError(.cancelled, "the request was cancelled")))
                    }
                }
            }
            if stopping {
                for (easy, transfer) in active {
                    curl_multi_remove_handle(multi, easy)
                    finish(transfer, with: .failure(CalSyncError(.cancelled, "the HTTP transport is shutting down")))
                }
                active.removeAll()
                // Anything queued after the last drain is refused too.
                let late = inbox.withLock { inbox in
                    defer { inbox.commands.removeAll() }
                    return inbox.commands
                }
                for case .start(let transfer) in late {
                    finish(transfer, with: .failure(CalSyncError(.cancelled, "the HTTP transport is shutting down")))
                }
                curl_multi_cleanup(multi)
                inbox.withLock { $0.stopped = true }
                return
            }
            curl_multi_perform(multi, &running)
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                    let transfer = active.removeValue(forKey: easy)
                else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi, easy)
                finish(transfer, with: transfer.result(code: code))
            }
            curl_multi_poll(multi, nil, 0, Self.pollTimeout(multi, idle: active.isEmpty), nil)
        }
    }

    /// How long to wait for network activity: libcurl's own next timer while transfers
    /// run (at most 1 s), and a day when idle — new work and shutdown interrupt the wait
    /// with `curl_multi_wakeup`, so an idle daemon is never woken by its HTTP thread.
    static func pollTimeout(_ multi: UnsafeMutableRawPointer, idle: Bool) -> Int32 {
        if idle { return 86_400_000 }
        var milliseconds = -1
        curl_multi_timeout(multi, &milliseconds)
        return milliseconds < 0 ? 1000 : Int32(min(milliseconds, 1000))
    }

    private func finish(_ transfer: CurlTransfer, with result: Result<HTTPResponse, any Error>) {
        transfer.releaseHandle()
        transfer.continuation?.resume(with: result)
        transfer.continuation = nil
    }
}
