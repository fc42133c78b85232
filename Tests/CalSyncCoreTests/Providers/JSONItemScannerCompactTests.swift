import Testing

@testable import CalSyncModel

struct JSONItemScannerCompactTests {
    @Test func removesWhitespaceOutsideStringsOnly() {
        let pretty = Array("{\n  \"summary\" : \"Team sync\\\" now\",\n\t\"n\": [1, 2]\r\n}".utf8)
        let compact = JSONItemScanner.compact(pretty[...])
        #expect(String(decoding: compact, as: UTF8.self) == #"{"summary":"Team sync\" now","n":[1,2]}"#)
    }

    @Test func returnsCompactTextUnchanged() {
        let text = Array(#"xx{"a":"b c"}"#.utf8)
        let slice = text[2...]
        let compact = JSONItemScanner.compact(slice)
        #expect(compact.startIndex == slice.startIndex)
        #expect(Array(compact) == Array(slice))
    }

    /// The byte-at-a-time compaction the string runs replaced.
    static func compactByteByByte(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                continue
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            }
            out.append(byte)
        }
        return out
    }

    /// Texts of quotes, escapes, whitespace and control characters, unclosed strings and
    /// trailing backslashes included: compacted as the byte loop compacts them.
    @Test func compactsAsTheByteLoopDoes() {
        let alphabet = Array(" \n\t\r\"\\{}[]:,a1é".utf8) + [0x00, 0x1F]
        var random = SplitMix64(seed: 0xC0_4AC7)
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<48, using: &random)
            let bytes: [UInt8] = (0..<length).map { _ in
                Int.random(in: 0..<3, using: &random) == 0
                    ? alphabet.randomElement(using: &random)! : UInt8(ascii: "x")
            }
            let compact = JSONItemScanner.compact(bytes[...])
            #expect(Array(compact) == Self.compactByteByByte(bytes), "\(bytes)")
        }
    }
}
