/// Finds the end of the plain run of a JSON string: the bytes up to its first quote,
/// backslash or control character, eight at a time.
///
/// Each delta page of a Graph first sync is some 150 KB of ids, etags and times, and the
/// scanner that finds its items and the readers that take their strings apart each walked
/// those strings a byte at a time: about 9 % of a first sync's instructions
/// (docs/benchmarks.md). Here a word of eight bytes is tested for all three kinds of byte
/// at once; only a word that holds one of them is looked at byte by byte.
package enum JSONStringRun {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The index of the first byte of `bytes[from...]` that is `"`, `\` or below 0x20
    /// (`bytes.count` if none), and every byte before it or'ed together (its high bit says
    /// whether the run was all ASCII).
    @inline(__always)
    package static func end(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (index: Int, bits: UInt8) {
        var words: UInt64 = 0
        var index = wordsBefore(in: bytes, from: start, or: &words) { quoteOrBackslash($0) | belowSpace($0) }
        var bits = foldedBytes(words)
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            bits |= byte
            index += 1
        }
        return (index, bits)
    }

    /// The index of the first `"` or `\` of `bytes[from...]` (`bytes.count` if none): where
    /// a scanner that only skips strings must look (a control character is an error for
    /// the item's reader to find, not for it).
    @inline(__always)
    package static func quoteOrBackslash(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var words: UInt64 = 0
        var index = wordsBefore(in: bytes, from: start, or: &words) { quoteOrBackslash($0) }
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            index += 1
        }
        return index
    }

    /// Steps over the whole words from `start` in which `marks` finds no byte, or'ing them
    /// into `words`; the index of the first word it marks (or of the last bytes, fewer
    /// than eight), for a byte loop to finish.
    @inline(__always)
    private static func wordsBefore(
        in bytes: UnsafeBufferPointer<UInt8>, from start: Int, or words: inout UInt64, _ marks: (UInt64) -> UInt64
    ) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let raw = UnsafeRawPointer(base)
        var index = start
        while bytes.count - index >= 8 {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if marks(word) & highs != 0 { break }
            words |= word
            index += 8
        }
        return index
    }

    /// The high bit of each byte of `word` that is `"` or `\` set (and, above the first such
    /// byte, maybe others: only whether any is set is asked, and that answer is exact).
    @inline(__always)
    static func quoteOrBackslash(_ word: UInt64) -> UInt64 {
        zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))
    }

    /// The same for the bytes below 0x20.
    @inline(__always)
    static func belowSpace(_ word: UInt64) -> UInt64 {
        (word &- ones &* 0x20) & ~word
    }

    /// The high bit of each zero byte of `word` set: a byte's test borrows into the next
    /// only when the byte itself is zero.
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word
    }

    /// The bytes of `word` or'ed together.
    @inline(__always)
    private static func foldedBytes(_ word: UInt64) -> UInt8 {
        var folded = word | (word >> 32)
        folded |= folded >> 16
        folded |= folded >> 8
        return UInt8(truncatingIfNeeded: folded)
    }
}
