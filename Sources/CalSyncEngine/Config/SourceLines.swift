import CalSyncAuth
import CalSyncModel
import CalSyncStore
import Foundation

/// Finds the line of a key in the TOML text, for error messages: TOMLKit reports positions
/// only for syntax errors. Tracks `[section]` and `[[section]]` headers (counting array
/// tables) and `key = …` lines; good enough for the flat files calsync reads.
struct SourceLines {
    private struct Entry {
        var section: String?
        var index: Int?
        var key: String?
        var line: Int
    }
    private var entries: [Entry] = []

    init(_ text: String) {
        var section: String?
        var index: Int?
        var counts: [String: Int] = [:]
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            let number = offset + 1
            if line.hasPrefix("[[") {
                let name = line.dropFirst(2).prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                index = counts[name, default: 0]
                counts[name] = index! + 1
                section = name
                entries.append(Entry(section: name, index: index, key: nil, line: number))
            } else if line.hasPrefix("[") {
                section = line.dropFirst().prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                index = nil
                entries.append(Entry(section: section, index: nil, key: nil, line: number))
            } else if let equals = line.firstIndex(of: "="), !line.hasPrefix("#") {
                let key = line[..<equals].trimmingCharacters(in: .whitespaces)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                entries.append(Entry(section: section, index: index, key: key, line: number))
            }
        }
    }

    /// The line of `key` in `section` (the `index`-th table of an array of tables).
    func line(ofKey key: String, section: String?, index: Int?) -> Int? {
        entries.first { $0.key == key && $0.section == section && $0.index == index }?.line
            ?? entries.first { $0.key == nil && $0.section == (section ?? key) && $0.index == index }?.line
    }

    /// The line of the `index`-th `[[section]]` header.
    func line(ofHeader section: String, index: Int) -> Int? {
        entries.first { $0.key == nil && $0.section == section && $0.index == index }?.line
    }
}
