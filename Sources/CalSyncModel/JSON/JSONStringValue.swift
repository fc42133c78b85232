/// The text of one JSON string read straight from a buffer, unescaped: the one place the
/// single-pass readers (Google's `GoogleEventReader`, Graph's `JSONWalk`) turn a string's
/// bytes into a `String`.
///
/// It answers only as `JSONDecoder` would, and nil where that decoder refuses the string
/// or where it cannot be sure: a raw control character, an unknown escape, a lone
/// surrogate escape (`\ud83d` alone), or bytes that are not valid UTF-8. The callers then
/// leave the item to `JSONDecoder`, which decides.
///
/// One call per string, not per byte: the loop runs inside this module, so a reader in
/// another module pays the call once per value.
package enum JSONStringValue {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")

    /// The string whose opening quote is at `index`, unescaped; `index` ends past its
    /// closing quote. nil (with `index` anywhere) when there is no string there or it is
    /// one `JSONDecoder` would refuse.
    package static func read(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) -> String? {
        guard index < bytes.count, bytes[index] == quote else { return nil }
        index += 1
        let start = index
        let run = JSONStringRun.end(in: bytes, from: start)
        index = run.index
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case quote:
            let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            // ASCII needs no check; anything else must be valid UTF-8, as JSONDecoder requires.
            return run.bits < 0x80 ? String(decoding: text, as: UTF8.self) : String(validating: text, as: UTF8.self)
        case backslash: return escaped(bytes, from: start, at: &index, bits: run.bits)
        default: return nil  // a raw control character
        }
    }

    /// The rest of a string that holds escapes, from its first byte `start`; `index` is at
    /// its first backslash, `bits` the bytes before it or'ed together. (Every stub of a
    /// Graph listing has one: its `@odata.etag` is `W/\"…\"`.)
    static func escaped(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, at index: inout Int, bits: UInt8
    ) -> String? {
        var text: [UInt8] = []
        text.reserveCapacity(index - start + 16)
        text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        // Whether every byte so far is ASCII: then the text needs no UTF-8 check.
        var ascii = bits < 0x80
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case quote: return ascii ? String(decoding: text, as: UTF8.self) : String(validating: text, as: UTF8.self)
            case backslash:
                guard index < bytes.count else { return nil }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case quote, backslash, UInt8(ascii: "/"): text.append(escaped)
                case UInt8(ascii: "b"): text.append(0x08)
                case UInt8(ascii: "f"): text.append(0x0C)
                case UInt8(ascii: "n"): text.append(0x0A)
                case UInt8(ascii: "r"): text.append(0x0D)
                case UInt8(ascii: "t"): text.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape(bytes, at: &index) else { return nil }
                    text.append(contentsOf: UTF8.encode(scalar)!)
                default: return nil
                }
            case 0..<0x20: return nil
            default:
                if byte >= 0x80 { ascii = false }
                text.append(byte)
            }
        }
        return nil
    }

    /// The scalar of `\uXXXX` (`index` after its `u`), a surrogate pair taken whole; nil for
    /// a lone surrogate, which JSONDecoder refuses.
    static func unicodeEscape(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) -> Unicode.Scalar? {
        guard let first = hex4(bytes, at: &index) else { return nil }
        switch first {
        case 0xD800...0xDBFF:
            guard bytes.count - index >= 2, bytes[index] == backslash, bytes[index + 1] == UInt8(ascii: "u")
            else { return nil }
            index += 2
            guard let second = hex4(bytes, at: &index), (0xDC00...0xDFFF).contains(second) else { return nil }
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
        case 0xDC00...0xDFFF: return nil
        default: return Unicode.Scalar(first)
        }
    }

    static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) -> UInt32? {
        guard bytes.count - index >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
