import CalSyncEmulatorServer
import Foundation
import Testing

/// The emulator's own text helpers (`CheapText.swift`) give what the Foundation calls
/// they replace give.
@Suite struct CheapTextTests {
    static let samples = [
        "", "plain", "%41%42c", "a%2Fb%3D%3d", "100%", "%zz", "%4", "%C3%A9t%C3%A9", "%C3%28", "%FF", "a+b%2Bc",
        "  spaced\t", "\u{00A0}nbsp\u{2003}", "\"UTC\"", "\"", "caf\u{E9}", " \n line \n ",
    ]

    @Test(arguments: samples)
    func sameAsFoundation(text: String) {
        #expect(text.percentDecoded == text.removingPercentEncoding)
        #expect(
            text.formDecoded
                == (text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text))
        #expect(text.trimmingSpacesAndTabs == text.trimmingCharacters(in: .whitespaces))
        let quotes = CharacterSet(charactersIn: "\"")
        #expect(text.trimming(quotes) == text.trimmingCharacters(in: quotes))
        for separator in [",", "/", "=", "%"] as [Unicode.Scalar] {
            #expect(
                text.splitting(separator) == text.split(separator: Character(separator)),
                "split at \(separator)")
            #expect(
                text.splitting(separator, maxSplits: 1, omittingEmptySubsequences: false)
                    == text.split(separator: Character(separator), maxSplits: 1, omittingEmptySubsequences: false))
        }
    }
}
