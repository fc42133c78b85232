import Foundation
import Testing

@testable import CalSyncModel

/// ``CompactJSON/string(_:)`` writes JSON strings that read back as what was written,
/// on its shortcut (nothing to escape) and off it.
struct CompactJSONTests {
    @Test(
        arguments: [
            "", "AAMkAGI2TG93AAA=", "2026-03-29T07:30:00Z", "Café ☕ 会議", "say \"hi\"", #"back\slash"#, "line\nbreak",
            "tab\there", "\u{01}\u{1F}", "\u{7F}", "emoji 👩‍💻", "/slash/",
        ])
    func stringsReadBackAsWritten(_ text: String) throws {
        let json = CompactJSON.string(text)
        let read = try JSONSerialization.jsonObject(with: Data("[\(json)]".utf8)) as? [String]
        #expect(read == [text], "\(json)")
        #expect(!json.utf8.dropFirst().dropLast().contains { $0 < 0x20 })
    }

    @Test func nilIsNull() {
        #expect(CompactJSON.string(nil) == "null")
    }
}
