/// Checks that bytes are one JSON value as RFC 8259 writes it, nothing more.
///
/// Foundation's `JSONDecoder` is lenient: it reads `{"a":1,}` (a trailing comma) and
/// strings holding raw control characters. An item it decoded that way would reach
/// `events.raw` as text that readers' JSON parsers refuse (SQLite's `json_extract` says
/// "malformed JSON"), which the fuzz test (FuzzedPageTests) found. The mappings run this
/// on each item before decoding it and quarantine the item when it fails.
/// One pass, no allocation: cheap next to decoding.
package enum StrictJSON {
    package static func isValid(_ bytes: ArraySlice<UInt8>) -> Bool {
        var reader = Reader(bytes: bytes, index: bytes.startIndex)
        guard reader.value(depth: 0) else { return false }
        reader.skipWhitespace()
        return reader.index == bytes.endIndex
    }

    /// Also the value skipper of ``GraphStubReader``.
    package struct Reader {
        package let bytes: ArraySlice<UInt8>
        package var index: Int

        package init(bytes: ArraySlice<UInt8>, index: Int) {
            self.bytes = bytes
            self.index = index
        }

        /// Deeper nesting than any calendar event has: refused rather than recursed into.
        static let maximumDepth = 512

        package var peek: UInt8? { index < bytes.endIndex ? bytes[index] : nil }

        package mutating func skipWhitespace() {
            while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        package mutating func expect(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        package mutating func value(depth: Int) -> Bool {
            skipWhitespace()
            guard let first = peek, depth < Self.maximumDepth else { return false }
            switch first {
            case UInt8(ascii: "{"): return object(depth: depth)
            case UInt8(ascii: "["): return array(depth: depth)
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return number()
            }
        }

        mutating func object(depth: Int) -> Bool {
            index += 1
            skipWhitespace()
            if expect(UInt8(ascii: "}")) { return true }
            while true {
                skipWhitespace()
                guard string() else { return false }
                skipWhitespace()
                guard expect(UInt8(ascii: ":")), value(depth: depth + 1) else { return false }
                skipWhitespace()
                if expect(UInt8(ascii: "}")) { return true }
                guard expect(UInt8(ascii: ",")) else { return false }
            }
        }

        mutating func array(depth: Int) -> Bool {
            index += 1
            skipWhitespace()
            if expect(UInt8(ascii: "]")) { return true }
            while true {
                guard value(depth: depth + 1) else { return false }
                skipWhitespace()
                if expect(UInt8(ascii: "]")) { return true }
                guard expect(UInt8(ascii: ",")) else { return false }
            }
        }

        mutating func string() -> Bool {
            guard expect(UInt8(ascii: "\"")) else { return false }
            while let byte = peek {
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return true
                case UInt8(ascii: "\\"):
                    guard let escaped = peek else { return false }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                        UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        continue
                    case UInt8(ascii: "u"):
                        for _ in 0..<4 {
                            guard let hex = peek, isHexDigit(hex) else { return false }
                            index += 1
                        }
                    default: return false
                    }
                case 0..<0x20: return false
                default: continue
                }
            }
            return false
        }

        package mutating func literal(_ word: StaticString) -> Bool {
            let text = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            for byte in text {
                guard expect(byte) else { return false }
            }
            return true
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func number() -> Bool {
            _ = expect(UInt8(ascii: "-"))
            if expect(UInt8(ascii: "0")) {
                // no leading zeros
            } else {
                guard digits() else { return false }
            }
            if expect(UInt8(ascii: ".")) {
                guard digits() else { return false }
            }
            if expect(UInt8(ascii: "e")) || expect(UInt8(ascii: "E")) {
                if !expect(UInt8(ascii: "+")) { _ = expect(UInt8(ascii: "-")) }
                guard digits() else { return false }
            }
            return true
        }

        /// One or more decimal digits.
        mutating func digits() -> Bool {
            let start = index
            while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
            return index > start
        }

        func isHexDigit(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }
}
