internal import CSystemd

#if canImport(Glibc)
import Glibc
#endif

/// Where structured journal entries go.
public protocol JournalSink: Sendable {
    /// Writes one entry: `FIELD=value` pairs, field names already valid (`[A-Z0-9_]`).
    func send(_ fields: [(name: String, value: String)])
}

/// The real journal, through libsystemd's `sd_journal_sendv`.
public struct LibsystemdJournalSink: JournalSink {
    public init() {}

    public func send(_ fields: [(name: String, value: String)]) {
        Self.withVectors(fields) { vectors in
            _ = sd_journal_sendv(vectors.baseAddress, Int32(vectors.count))
        }
    }

    /// Calls `body` with one iovec per field, `NAME=value`, each as long as its UTF-8 bytes.
    ///
    /// The bytes live in Swift arrays kept alive for the call, never in C strings: a value
    /// with an embedded NUL (a provider's error message can carry one) must reach the
    /// journal as sent, not cut at the NUL with the iovec's length reading past the copy
    /// into the heap (what `strdup` with the Swift UTF-8 count did).
    static func withVectors<Result>(
        _ fields: [(name: String, value: String)], _ body: (UnsafeMutableBufferPointer<iovec>) -> Result
    ) -> Result {
        // One buffer holds every field back to back; the iovecs point into it.
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for field in fields {
            let start = bytes.count
            bytes += field.name.utf8
            bytes.append(UInt8(ascii: "="))
            bytes += field.value.utf8
            ranges.append(start..<bytes.count)
        }
        return bytes.withUnsafeMutableBytes { buffer in
            var vectors = ranges.map { range in
                iovec(iov_base: buffer.baseAddress.map { $0 + range.lowerBound }, iov_len: range.count)
            }
            return vectors.withUnsafeMutableBufferPointer { body($0) }
        }
    }

    /// The bytes `sd_journal_sendv` reads through ``withVectors(_:_:)``'s iovecs, one array
    /// per field (for tests: the iovec type is not visible outside this module).
    static func vectorBytes(_ fields: [(name: String, value: String)]) -> [[UInt8]] {
        withVectors(fields) { vectors in
            vectors.map { Array(UnsafeRawBufferPointer(start: $0.iov_base, count: $0.iov_len)) }
        }
    }
}

/// The journal's native protocol spoken over a datagram socket at `path`
/// (systemd's `/run/systemd/journal/socket`, or a test's own socket). Values with a
/// newline use the binary form (`NAME\n<64-bit little-endian length><value>\n`).
public struct SocketJournalSink: JournalSink {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func send(_ fields: [(name: String, value: String)]) {
        let datagram = Self.encode(fields)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        _ = datagram.withUnsafeBytes { body in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, body.baseAddress, body.count, 0, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        }
    }

    /// The native protocol's encoding of one entry.
    public static func encode(_ fields: [(name: String, value: String)]) -> [UInt8] {
        var datagram: [UInt8] = []
        for field in fields {
            datagram += Array(field.name.utf8)
            let value = Array(field.value.utf8)
            if value.contains(UInt8(ascii: "\n")) {
                datagram.append(UInt8(ascii: "\n"))
                var length = UInt64(value.count).littleEndian
                withUnsafeBytes(of: &length) { datagram += $0 }
            } else {
                datagram.append(UInt8(ascii: "="))
            }
            datagram += value
            datagram.append(UInt8(ascii: "\n"))
        }
        return datagram
    }
}
