/// Reads datagrams in the journal's native protocol, as journald would.
public enum JournalDatagram {
    /// Decodes the journal's native protocol (both the `NAME=value` and the binary form).
    public static func decode(_ datagram: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        var index = 0
        while index < datagram.count {
            var nameEnd = index
            while datagram[nameEnd] != UInt8(ascii: "="), datagram[nameEnd] != UInt8(ascii: "\n") { nameEnd += 1 }
            let name = String(decoding: datagram[index..<nameEnd], as: UTF8.self)
            if datagram[nameEnd] == UInt8(ascii: "=") {
                var valueEnd = nameEnd + 1
                while datagram[valueEnd] != UInt8(ascii: "\n") { valueEnd += 1 }
                fields[name] = String(decoding: datagram[(nameEnd + 1)..<valueEnd], as: UTF8.self)
                index = valueEnd + 1
            } else {
                var length: UInt64 = 0
                for byte in datagram[(nameEnd + 1)..<(nameEnd + 9)].reversed() { length = length << 8 | UInt64(byte) }
                let start = nameEnd + 9
                fields[name] = String(decoding: datagram[start..<(start + Int(length))], as: UTF8.self)
                index = start + Int(length) + 1
            }
        }
        return fields
    }
}
