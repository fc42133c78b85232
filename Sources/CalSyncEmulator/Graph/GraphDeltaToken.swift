import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// The opaque `$skiptoken` / `$deltatoken` of calendarView delta links.
///
/// Both freeze the round's window. A delta token is "every change after change number
/// `base`"; a skip token continues a round: the round's base (-1 for a full round), the
/// change number it started at (`snapshot`, the next delta token's base), and the last
/// item id delivered (items are paged in id order). A change made during a round is
/// therefore delivered again by the next increment: nothing is lost, items may repeat.
struct GraphDeltaToken: Equatable {
    enum Kind: String { case skip = "s", delta = "d" }

    var kind: Kind
    var calendarID: String
    var generation: Int
    var windowStart: Date
    var windowEnd: Date
    /// Delta: the last change included. Skip: the round's base (-1 for a full round).
    var base: Int
    /// Skip: the change number the round started at. Delta: the link's issue number.
    var snapshot: Int
    /// Skip: the last item id delivered ("" before the first page).
    var position: String = ""

    var encoded: String {
        let fields = [
            kind.rawValue, calendarID, String(generation), String(Int64(windowStart.timeIntervalSince1970)),
            String(Int64(windowEnd.timeIntervalSince1970)), String(base), String(snapshot), position,
        ]
        let text = "GD1" + fields.map { $0.replacingOccurrences(of: "\u{1F}", with: "") }.joined(separator: "\u{1F}")
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(
        kind: Kind, calendarID: String, generation: Int, windowStart: Date, windowEnd: Date, base: Int,
        snapshot: Int, position: String = ""
    ) {
        self.kind = kind
        self.calendarID = calendarID
        self.generation = generation
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.base = base
        self.snapshot = snapshot
        self.position = position
    }

    /// Nil for anything the emulator did not issue (→ 400).
    init?(decoding token: String) {
        var standard = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        guard let data = Data(base64Encoded: standard), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("GD1")
        else { return nil }
        let fields = text.dropFirst(3).split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 8, let kind = Kind(rawValue: fields[0]), let generation = Int(fields[2]),
            let start = Int64(fields[3]), let end = Int64(fields[4]), let base = Int(fields[5]),
            let snapshot = Int(fields[6])
        else { return nil }
        self.init(
            kind: kind, calendarID: fields[1], generation: generation,
            windowStart: Date(timeIntervalSince1970: TimeInterval(start)),
            windowEnd: Date(timeIntervalSince1970: TimeInterval(end)), base: base, snapshot: snapshot,
            position: fields[7])
    }
}
