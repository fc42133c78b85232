import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A Unix datagram socket bound in a fresh temporary directory, standing in for
/// systemd's notify socket or the journal's socket. Receiving from several threads is
/// safe (the kernel hands each datagram to one of them).
public final class DatagramSocket: @unchecked Sendable {
    public let path: String
    private let fd: Int32
    private let directory: URL

    public init(receiveTimeout: Duration = .seconds(2)) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("calsync-sd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("socket").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard fd >= 0, bound == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        var timeout = timeval(
            tv_sec: Int(receiveTimeout.components.seconds),
            tv_usec: Int(receiveTimeout.components.attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
        try? FileManager.default.removeItem(at: directory)
    }

    /// The next datagram, or nil after the receive timeout without one.
    public func receive() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count < 0 ? nil : Array(buffer[0..<count])
    }

    /// The next datagram as text.
    public func receiveText() -> String? {
        receive().map { String(decoding: $0, as: UTF8.self) }
    }
}
