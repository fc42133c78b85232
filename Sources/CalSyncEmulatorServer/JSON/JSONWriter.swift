/// Writes ``JSONValue``s as compact UTF-8 JSON.
package struct JSONWriter {
    package private(set) var output: [UInt8] = []

    package init(reservingCapacity capacity: Int = 256) {
        output.reserveCapacity(capacity)
    }

    package mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .number(let number):
            if number == number.rounded(), abs(number) < 1e15 {
                append(String(Int64(number)))
            } else {
                append(String(number))
            }
        case .string(let text): writeString(text)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(element)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, (key, element)) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                writeString(key)
                output.append(UInt8(ascii: ":"))
                write(element)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Appends already-encoded JSON (a cached item) as it is.
    package mutating func writeRaw(_ bytes: [UInt8]) {
        output.append(contentsOf: bytes)
    }

    package mutating func append(_ text: String) {
        output.append(contentsOf: text.utf8)
    }

    package mutating func writeString(_ text: String) {
        output.append(UInt8(ascii: "\""))
        // Most strings need no escape: one bulk append instead of a switch per byte. The
        // check runs over the contiguous UTF-8 (a big Graph round writes millions of ids
        // and times; the generic `utf8.contains` was a tenth of its time).
        var text = text
        let plain = text.withUTF8 { bytes in
            !bytes.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        }
        if plain {
            output.append(contentsOf: text.utf8)
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
