import CalSyncModel
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads one line from standard input in a way the caller can call off.
///
/// `calsyncctl login --no-browser` reads a pasted redirect address while the loopback
/// receiver waits for the browser; whichever comes first wins. A blocking `readLine` on
/// its own thread cannot be interrupted, and the task group waits for every child, so the
/// login hung until standard input closed. Here the reading thread `poll`s standard input
/// together with a pipe that cancellation writes to, and reads only what is there.
enum StandardInputLine {
    /// The first non-empty line of standard input.
    /// - Throws: ``CalSyncError`` `.cancelled` when the task is cancelled or standard
    ///   input ends first.
    static func read() async throws -> String {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw CalSyncError(.cancelled, "cannot read standard input: \(String(cString: strerror(errno)))")
        }
        let (wakeRead, wakeWrite) = (ends[0], ends[1])
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        defer { close(wakeWrite) }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let thread = Thread {
                    defer { close(wakeRead) }
                    continuation.resume(with: Result { try waitForLine(wakeDescriptor: wakeRead) })
                }
                thread.name = "calsync-stdin"
                thread.start()
            }
        } onCancel: {
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
    }

    /// Blocks in `poll` until a line arrives on standard input, it ends, or
    /// `wakeDescriptor` becomes readable (the caller gave up).
    private static func waitForLine(wakeDescriptor: Int32) throws -> String {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var descriptors = [
                pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, -1)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0, descriptors[1].revents == 0 else {
                throw CalSyncError(.cancelled, "stopped reading standard input")
            }
            let count = Glibc.read(STDIN_FILENO, &buffer, buffer.count)
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            if count <= 0 {
                let line = String(decoding: pending, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                if !line.isEmpty { return line }
                throw CalSyncError(.cancelled, "standard input closed")
            }
            pending += buffer[0..<count]
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                pending.removeSubrange(...newline)
                if !line.isEmpty { return line }
            }
        }
    }
}
