import Foundation
import Testing

@testable import CalSyncModel

/// The shortcut trims must answer exactly what Foundation's trims answer.
struct WhitespaceTests {
    static let samples = [
        "", " ", "\t", "\n", "abc", " abc", "abc ", "\tabc\t", "a b c", "\u{00A0}id\u{00A0}", "\u{3000}名前\u{3000}",
        "id\u{2028}", "\r\nline\r\n", "\u{200B}zero-width\u{200B}", "é", " é ", "AAMkAGI2TG93AAA=", "\u{1680}x",
        "x\u{205F}", "\u{85}next\u{85}",
    ]

    @Test(arguments: samples)
    func trimmingWhitespaceAnswersAsFoundationDoes(_ text: String) {
        #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
        #expect(text.trimmingWhitespaceAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(text[...].trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
    }
}
