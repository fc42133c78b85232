import Testing

@testable import CalSyncModel

/// ``JSONStringRun`` stops where a byte-at-a-time loop stops, and or's the same bytes.
struct JSONStringRunTests {
    /// What the word-at-a-time version must answer, said plainly: the first stop byte,
    /// and the bytes before it or'ed together.
    static func byteByByte(_ bytes: [UInt8], from start: Int) -> (index: Int, bits: UInt8) {
        let index =
            bytes[start...].firstIndex { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }
            ?? bytes.count
        return (index, bytes[start..<index].reduce(0, |))
    }

    /// Every stop byte at every place of a word, and the bytes around them that a word's
    /// test could mistake for one (0x21 and 0x23 beside the quote, 0x5B and 0x5D beside
    /// the backslash, 0x20 and 0x1F at the control bound, 0xA2 and 0xDC with the high bit).
    @Test func itStopsWhereTheByteLoopStops() {
        let near: [UInt8] = [0x21, 0x23, 0x5B, 0x5D, 0x20, 0x7F, 0x80, 0xA2, 0xDC, 0xFF, 0x61]
        for stop: UInt8 in [0x22, 0x5C, 0x00, 0x1F, 0x0A] {
            for length in 0..<20 {
                for place in 0...length {
                    var bytes = (0..<length).map { near[($0 * 7 + Int(stop)) % near.count] }
                    bytes.insert(stop, at: place)
                    for start in 0...min(3, bytes.count) {
                        let found = bytes.withUnsafeBufferPointer { JSONStringRun.end(in: $0, from: start) }
                        let expected = Self.byteByByte(bytes, from: start)
                        #expect(found.index == expected.index, "\(bytes) from \(start)")
                        #expect(found.bits == expected.bits, "\(bytes) from \(start)")
                    }
                }
            }
        }
    }

    @Test func randomBytesFromAnAlphabetOfNearMisses() {
        let alphabet: [UInt8] = [0x22, 0x5C, 0x00, 0x1F, 0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF]
        var random = SplitMix64(seed: 0x5_7121)
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<40, using: &random)
            // Mostly plain bytes, so that runs are long enough to span words.
            let bytes: [UInt8] = (0..<length).map { _ in
                Int.random(in: 0..<8, using: &random) == 0
                    ? alphabet.randomElement(using: &random)! : UInt8.random(in: 0x24...0x5B, using: &random)
            }
            let start = Int.random(in: 0...length, using: &random)
            let found = bytes.withUnsafeBufferPointer { JSONStringRun.end(in: $0, from: start) }
            let expected = Self.byteByByte(bytes, from: start)
            #expect(found.index == expected.index && found.bits == expected.bits, "\(bytes) from \(start)")
            let quoteOrBackslash = bytes.withUnsafeBufferPointer { JSONStringRun.quoteOrBackslash(in: $0, from: start) }
            let expectedQuoteOrBackslash =
                bytes[start...].firstIndex { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") } ?? bytes.count
            #expect(quoteOrBackslash == expectedQuoteOrBackslash, "\(bytes) from \(start)")
        }
    }
}
