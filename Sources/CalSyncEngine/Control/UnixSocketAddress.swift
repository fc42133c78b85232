import CalSyncAuth
import CalSyncModel
import CalSyncStore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A `sockaddr_un` for a filesystem path, shared by the control server and client.
struct UnixSocketAddress {
    private var address = sockaddr_un()

    /// Fails when the path does not fit `sun_path` (108 bytes on Linux).
    init(path: String) throws(CalSyncError) {
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw CalSyncError(
                .control, "the control socket path \(path) is longer than the 107 bytes a Unix socket allows")
        }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
    }

    /// Calls `body` with the address as `bind`/`connect` want it.
    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }
}

/// Blocking line I/O on a connected stream socket.
enum SocketLines {
    /// Writes all of `data`; false if the peer went away.
    static func write(_ data: Data, to fd: Int32) -> Bool {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0, errno == EINTR { continue }
                guard sent > 0 else { return false }
                offset += sent
            }
            return true
        }
    }

    /// Reads up to the first newline (not included); nil on end of file or error first,
    /// when the line grows beyond `limit` bytes, or when `deadline` passes first (one
    /// deadline for the whole line, not for each byte: a peer trickling a byte now and
    /// then cannot stretch it).
    static func readLine(from fd: Int32, limit: Int = 65_536, deadline: ContinuousClock.Instant? = nil) -> Data? {
        var line = Data()
        var byte: UInt8 = 0
        while line.count < limit {
            if let deadline {
                let left = deadline - .now
                guard left > .zero else { return nil }
                let milliseconds = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
                var watched = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&watched, 1, Int32(clamping: max(1, milliseconds)))
                if ready < 0, errno == EINTR { continue }
                guard ready > 0 else { return nil }
            }
            let count = recv(fd, &byte, 1, 0)
            if count < 0, errno == EINTR { continue }
            guard count == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return line }
            line.append(byte)
        }
        return nil
    }
}
