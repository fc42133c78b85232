/// Finds the elements of one array in a JSON page without decoding them, so that each item
/// can be decoded on its own (a bad item quarantines itself, not the page) and stored in
/// `events.raw` exactly as received — re-encoding 100,000 items costs ten times their
/// decoding (docs/architecture.md).
///
/// The scanner tracks strings, escapes and nesting; it does not validate the items
/// themselves, which their decoder does.
public struct JSONItemScanner {
    /// The page with the array replaced by `[]`, for decoding the envelope cheaply.
    public var envelope: [UInt8]
    /// Each element's bytes, compacted (insignificant whitespace removed) unless the scan
    /// was asked not to.
    public var items: [ArraySlice<UInt8>]

    /// Scans a top-level object for the array under `key` (`items` for Google, `value` for Graph).
    /// - Parameter compacting: false leaves each element as sent, for a caller that
    ///   compacts only the elements it keeps as text (``PageDecoder``).
    /// - Throws: ``CalSyncError`` `.decoding` when the page is not a JSON object or is cut short.
    public init(page bytes: [UInt8], arrayKey key: String, compacting: Bool = true) throws {
        // The cursor reads the page through a pointer: indexing the array checked its
        // bounds and uniqueness at every byte of the page.
        let found = try bytes.withUnsafeBufferPointer { try Self.find(key, in: $0) }
        if let found {
            envelope = Array(bytes[..<found.start]) + Array("[]".utf8) + Array(bytes[found.end...])
            items = found.elements.map { compacting ? JSONItemScanner.compact(bytes[$0]) : bytes[$0] }
        } else {
            envelope = bytes
            items = []
        }
    }

    /// Where the array under `key` is in the page, and its elements.
    private static func find(
        _ key: String, in bytes: UnsafeBufferPointer<UInt8>
    ) throws -> (start: Int, end: Int, elements: [Range<Int>])? {
        var scanner = Cursor(bytes: bytes)
        scanner.skipWhitespace()
        guard scanner.peek == UInt8(ascii: "{") else { throw Cursor.malformed("the page is not a JSON object") }
        scanner.index += 1
        let wanted = Array(key.utf8)
        var found: (start: Int, end: Int, elements: [Range<Int>])?
        // Members and elements must be separated by exactly one ',': a stray ',', '}' or
        // ']' is an error, never skipped, so a damaged page is rejected rather than read
        // as something else (and a scan always moves forward: see skipValue).
        scanner.skipWhitespace()
        if scanner.peek == UInt8(ascii: "}") {
            scanner.index += 1
        } else {
            members: while true {
                scanner.skipWhitespace()
                guard scanner.peek != nil else { throw Cursor.malformed("the page ends inside an object") }
                let keyRange = try scanner.skipString()
                scanner.skipWhitespace()
                guard scanner.peek == UInt8(ascii: ":") else { throw Cursor.malformed("a key is not followed by ':'") }
                scanner.index += 1
                scanner.skipWhitespace()
                let valueStart = scanner.index
                let isWanted = UnsafeBufferPointer(
                    rebasing: bytes[(keyRange.lowerBound + 1)..<(keyRange.upperBound - 1)]
                )
                .elementsEqual(wanted)
                if isWanted, scanner.peek == UInt8(ascii: "[") {
                    let elements = try scanner.scanElements(of: key)
                    found = (valueStart, scanner.index, elements)
                } else {
                    try scanner.skipValue()
                }
                scanner.skipWhitespace()
                switch scanner.peek {
                case UInt8(ascii: ","): scanner.index += 1
                case UInt8(ascii: "}"):
                    scanner.index += 1
                    break members
                case nil: throw Cursor.malformed("the page ends inside an object")
                default: throw Cursor.malformed("the page's members are not separated by ','")
                }
            }
        }
        scanner.skipWhitespace()
        guard scanner.peek == nil else { throw Cursor.malformed("there is more after the page's object") }
        return found
    }

    /// The JSON text without whitespace outside strings.
    public static func compact(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        // One pass, strings skipped by runs (``stringEnd(in:from:)``); the copy starts only
        // at the first whitespace outside a string, so an already compact item (the common
        // case) is returned without allocating.
        let copy = bytes.withUnsafeBufferPointer { buffer -> [UInt8]? in
            var out: [UInt8]?
            var index = 0
            // With a copy under way: the bytes from here to `index` are still to be copied.
            var pending = 0
            while index < buffer.count {
                switch buffer[index] {
                case UInt8(ascii: "\""):
                    // A string not closed runs to the end, copied as it is.
                    index = stringEnd(in: buffer, from: index + 1) ?? buffer.count
                case 0x20, 0x0A, 0x0D, 0x09:
                    if out == nil {
                        out = []
                        out?.reserveCapacity(buffer.count)
                    }
                    out?.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[pending..<index]))
                    index += 1
                    pending = index
                default:
                    index += 1
                }
            }
            out?.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[pending..<buffer.count]))
            return out
        }
        return copy.map { $0[...] } ?? bytes
    }

    /// The index past the closing quote of the string whose contents start at `start`;
    /// nil when it is not closed. Runs without quotes or escapes are skipped a word at a
    /// time (``JSONStringRun``).
    static func stringEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var position = start
        while true {
            position = JSONStringRun.quoteOrBackslash(in: bytes, from: position)
            guard position < bytes.count else { return nil }
            let byte = bytes[position]
            position += byte == UInt8(ascii: "\\") ? 2 : 1
            if byte == UInt8(ascii: "\"") { return position }
        }
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        static func malformed(_ what: String) -> CalSyncError {
            CalSyncError(.decoding, "the response is not readable JSON: \(what)")
        }

        mutating func skipWhitespace() {
            while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        /// Skips a string starting at `index`; returns its range including the quotes.
        mutating func skipString() throws -> Range<Int> {
            let start = index
            guard peek == UInt8(ascii: "\"") else { throw Self.malformed("a key is not a string") }
            guard let end = JSONItemScanner.stringEnd(in: bytes, from: index + 1) else {
                index = bytes.count
                throw Self.malformed("a string is not closed")
            }
            index = end
            return start..<index
        }

        /// Skips one value of any kind.
        mutating func skipValue() throws {
            guard let first = peek else { throw Self.malformed("a value is missing") }
            switch first {
            case UInt8(ascii: "\""):
                _ = try skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while let byte = peek {
                    switch byte {
                    case UInt8(ascii: "\""):
                        _ = try skipString()
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            index += 1
                            return
                        }
                    default:
                        break
                    }
                    index += 1
                }
                throw Self.malformed("an object or array is not closed")
            case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ":"):
                // Nothing here would be consumed: without this throw a stray '}' in an
                // array was "skipped" as an empty value forever, appending an element
                // per turn until memory ran out.
                throw Self.malformed("a value is missing before '\(Character(UnicodeScalar(first)))'")
            default:
                while let byte = peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte != UInt8(ascii: "]"),
                    byte != 0x20, byte != 0x0A, byte != 0x0D, byte != 0x09
                {
                    index += 1
                }
            }
        }

        /// Scans the array starting at `index` (its '['); returns each element's range.
        mutating func scanElements(of key: String) throws -> [Range<Int>] {
            index += 1
            var elements: [Range<Int>] = []
            skipWhitespace()
            if peek == UInt8(ascii: "]") {
                index += 1
                return elements
            }
            while true {
                skipWhitespace()
                guard peek != nil else { throw Self.malformed("the page ends inside \"\(key)\"") }
                let start = index
                try skipValue()
                elements.append(start..<index)
                skipWhitespace()
                switch peek {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return elements
                case nil: throw Self.malformed("the page ends inside \"\(key)\"")
                default: throw Self.malformed("the elements of \"\(key)\" are not separated by ','")
                }
            }
        }
    }
}
