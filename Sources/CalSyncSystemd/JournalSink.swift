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
        // sd_journal_sendv wants one iovec per field; strdup keeps each C string alive
        // until the call returns.
        let strings = fields.map { "\($0.name)=\($0.value)" }
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var vectors = zip(copies, strings).map { copy, string in
            iovec(iov_base: UnsafeMutableRawPointer(copy), iov_len: string.utf8.count)
        }
        _ = sd_journal_sendv(&vectors, Int32(vectors.count))
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
