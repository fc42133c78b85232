import Foundation

extension StringProtocol {
    /// `trimmingCharacters(in: .whitespaces)`, without Foundation's call when both ends are
    /// visible ASCII — the case of nearly every id, name and zone a provider sends.
    /// Foundation's trim goes through `NSString` on Linux and was 8 % of a Graph full
    /// sync's CPU (docs/benchmarks.md), one call per id and text field.
    package func trimmingWhitespace() -> String {
        hasVisibleASCIIEnds ? String(self) : trimmingCharacters(in: .whitespaces)
    }

    /// `trimmingCharacters(in: .whitespacesAndNewlines)`, with the same shortcut.
    package func trimmingWhitespaceAndNewlines() -> String {
        hasVisibleASCIIEnds ? String(self) : trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Neither end is a character either Foundation set holds. Only ASCII is decided here:
    /// Foundation's sets are not Unicode's White_Space (they hold U+200B, for one).
    private var hasVisibleASCIIEnds: Bool {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last else { return false }
        return (0x21..<0x7F).contains(first.value) && (0x21..<0x7F).contains(last.value)
    }
}
