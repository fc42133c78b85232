package import Foundation

/// Foundation's text helpers (`trimmingCharacters`, `removingPercentEncoding`,
/// `replacingOccurrences`) go through NSString and UTF-16 on Linux. The emulator calls
/// them on every path segment, query parameter, `Prefer` preference and `$select` name,
/// and in a Graph `$batch` of 20 GETs they were most of the time. These give the same
/// results without Foundation (or skip it when there is nothing to change).
extension StringProtocol {
    /// `trimmingCharacters(in: set)`, scalar by scalar from both ends.
    package func trimming(_ set: CharacterSet) -> String {
        let scalars = Substring(self).unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, set.contains(scalars[start]) { start = scalars.index(after: start) }
        while end > start, set.contains(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }

    /// `trimmingCharacters(in: .whitespaces)` (spaces of category Zs and tabs), without
    /// building the character set on every call.
    package var trimmingSpacesAndTabs: String {
        let scalars = Substring(self).unicodeScalars
        func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\t" || scalar == " " || (!scalar.isASCII && scalar.properties.generalCategory == .spaceSeparator)
        }
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, isWhitespace(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isWhitespace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }

    /// Whether the UTF-8 holds `byte`, over contiguous storage when there is one (the
    /// generic `utf8.contains` walks an iterator).
    package func containsByte(_ byte: UInt8) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.contains(byte) } ?? utf8.contains(byte)
    }

    /// `removingPercentEncoding`, decoded here: nil when a `%` is not followed by two
    /// hex digits or the bytes are not UTF-8, as Foundation has it.
    package var percentDecoded: String? {
        guard containsByte(UInt8(ascii: "%")) else { return String(self) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
            else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A form or query value: `+` is a space, then percent-decoded (the text as it came
    /// when it does not decode).
    package var formDecoded: String {
        let spaced =
            containsByte(UInt8(ascii: "+")) ? replacingOccurrences(of: "+", with: " ") : String(self)
        return spaced.percentDecoded ?? String(self)
    }

    /// `split(separator:maxSplits:omittingEmptySubsequences:)` at an ASCII byte: the
    /// same pieces for the URL and header text it is used on, without the grapheme
    /// breaking `Character` splitting does.
    package func splitting(
        _ separator: Unicode.Scalar, maxSplits: Int = .max, omittingEmptySubsequences: Bool = true
    ) -> [Substring] {
        precondition(separator.isASCII)
        return Substring(self).utf8.split(
            separator: UInt8(separator.value), maxSplits: maxSplits,
            omittingEmptySubsequences: omittingEmptySubsequences
        ).map { Substring($0) }
    }
}
