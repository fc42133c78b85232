/// Damages a provider page the ways a broken proxy, a cut connection or a buggy server
/// would: flipped bytes, a cut, deleted or duplicated spans, stray brackets and commas,
/// and values of the wrong JSON type. Used by FuzzedPageTests.
struct PageMutator {
    enum Mutation: CaseIterable {
        case flipByte, truncate, deleteSpan, duplicateSpan, strayPunctuation, swapType
    }

    var random: SplitMix64

    /// One to three mutations of `page`, each chosen at random.
    mutating func mutate(_ page: [UInt8]) -> [UInt8] {
        var bytes = page
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            guard !bytes.isEmpty else { break }
            bytes = apply(Mutation.allCases.randomElement(using: &random)!, to: bytes)
        }
        return bytes
    }

    mutating func apply(_ mutation: Mutation, to bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        let at = Int.random(in: 0..<bytes.count, using: &random)
        switch mutation {
        case .flipByte:
            bytes[at] ^= UInt8.random(in: 1...255, using: &random)
        case .truncate:
            bytes.removeSubrange(at...)
        case .deleteSpan:
            bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...64, using: &random)))
        case .duplicateSpan:
            let span = bytes[at..<min(bytes.count, at + Int.random(in: 1...256, using: &random))]
            bytes.insert(contentsOf: span, at: at)
        case .strayPunctuation:
            bytes.insert(Array("{}[],:\"".utf8).randomElement(using: &random)!, at: at)
        case .swapType:
            swapValue(in: &bytes)
        }
        return bytes
    }

    /// Replaces one value after a `:` (a member's value) with one of another JSON type.
    private mutating func swapValue(in bytes: inout [UInt8]) {
        let colons = bytes.indices.filter { bytes[$0] == UInt8(ascii: ":") }
        guard let colon = colons.randomElement(using: &random) else { return }
        var start = colon + 1
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x0A { start += 1 }
        guard start < bytes.count else { return }
        let end = Self.valueEnd(bytes, from: start)
        let replacements = [
            "null", "0", "-1", "1e999", "true", "\"\"", "\"x\"", "[]", "{}", "[{}]", "\"2026-13-45T99:99:99Z\"",
            "{\"dateTime\":7}",
        ]
        bytes.replaceSubrange(start..<end, with: Array(replacements.randomElement(using: &random)!.utf8))
    }

    /// The end of the value starting at `start`: a string, a nested object or array, or a
    /// scalar up to the next delimiter. Brackets inside strings are skipped.
    static func valueEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        var depth = 0
        var inString = false
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if inString {
                if byte == UInt8(ascii: "\\") {
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { return min(index, bytes.count) }
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return index - 1 }
                depth -= 1
                if depth == 0 { return index }
            case UInt8(ascii: ","):
                if depth == 0 { return index - 1 }
            default: break
            }
        }
        return bytes.count
    }
}
