import Foundation

@testable import CalSyncModel

/// What the equivalence tests of the providers' single-pass readers (``GoogleEventReader``,
/// ``GraphEventReader``) check item by item.
enum SinglePassAgreement {
    /// Per item: when `read` answers, the item is strict JSON and `JSONDecoder` reads the
    /// same `Wire` value. Returns how many items the reader answered for, of how many, and
    /// a line per item where the two part.
    static func check<Wire: Decodable & Equatable>(
        _ items: [ArraySlice<UInt8>], _ label: String, read: (ArraySlice<UInt8>) -> Wire?
    ) -> (answered: Int, items: Int, issues: [String]) {
        var answered = 0
        var issues: [String] = []
        for (index, item) in items.enumerated() {
            guard let fast = read(item) else { continue }
            answered += 1
            let slow = try? JSONDecoder().decode(Wire.self, from: Data(item))
            if !StrictJSON.isValid(item) || slow != fast {
                issues.append(
                    "\(label) item \(index): the reader says \(fast), the Codable path \(String(describing: slow))")
            }
        }
        return (answered, items.count, issues)
    }
}
