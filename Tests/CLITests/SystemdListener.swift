import CalSyncTestSupport
import Foundation
import Synchronization

/// Collects every datagram a daemon sends to a socket standing in for systemd's notify
/// socket or journald's, with the time it arrived, on a thread of its own.
final class SystemdListener: Sendable {
    struct Message: Sendable {
        var at: ContinuousClock.Instant
        var bytes: [UInt8]
        var text: String { String(decoding: bytes, as: UTF8.self) }
        /// `KEY=VALUE` lines of an sd_notify message.
        var assignments: [String] { text.split(separator: "\n").map(String.init) }
        /// The fields of a journal entry in the native protocol.
        var journalFields: [String: String] { JournalDatagram.decode(bytes) }
    }

    let socket: DatagramSocket
    var path: String { socket.path }
    private let received = Mutex<[Message]>([])
    private let stopped = Mutex(false)

    init() throws {
        socket = try DatagramSocket(receiveTimeout: .milliseconds(100))
        let thread = Thread { [self] in
            while !stopped.withLock({ $0 }) {
                if let bytes = socket.receive() {
                    received.withLock { $0.append(Message(at: .now, bytes: bytes)) }
                }
            }
        }
        thread.start()
    }

    deinit { stopped.withLock { $0 = true } }

    func stop() { stopped.withLock { $0 = true } }

    var messages: [Message] { received.withLock { $0 } }

    /// Waits (up to `timeout`) for a message that satisfies `matches`, returning it.
    func wait(
        for timeout: Duration = .seconds(20), after start: ContinuousClock.Instant? = nil,
        _ matches: (Message) -> Bool
    ) async -> Message? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let found = messages.first(where: { message in
                message.at >= (start ?? message.at) && matches(message)
            }) {
                return found
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }
}
