import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// The opaque page and sync tokens of Google lists, readable only by the emulator.
///
/// A sync token is "every change after change number N" for one calendar (or the
/// calendar list), valid while its generation is current. A page token continues a
/// listing: where it stopped (the last id of a full listing, or the change-log index of an
/// increment) and the change number the listing started at, which becomes the
/// `nextSyncToken` on the last page. Anything a change during the listing touched is
/// therefore delivered again by the next increment: nothing is lost.
struct GoogleListToken: Equatable {
    enum Kind: String { case sync = "s", fullPage = "f", incrementPage = "i" }

    var kind: Kind
    /// The calendar id, or `calendarList`.
    var scope: String
    var generation: Int
    /// Sync token: the last change included. Page tokens: the change number the listing
    /// started at (the next sync token).
    var changeNumber: Int
    /// Sync token: unused. Full page: the next listing starts at this id (inclusive).
    /// Increment page: the change-log index to continue from, and the increment's base.
    var position: String = ""
    var base: Int = 0

    var encoded: String {
        let text = [kind.rawValue, scope, String(generation), String(changeNumber), position, String(base)]
            .map { $0.replacingOccurrences(of: "\u{1F}", with: "") }
            .joined(separator: "\u{1F}")
        // base64url, like Google's tokens look (they are opaque to clients).
        return Data(("CS1" + text).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    init(kind: Kind, scope: String, generation: Int, changeNumber: Int, position: String = "", base: Int = 0) {
        self.kind = kind
        self.scope = scope
        self.generation = generation
        self.changeNumber = changeNumber
        self.position = position
        self.base = base
    }

    /// Nil for anything the emulator did not issue (→ 400 invalid value).
    init?(decoding token: String) {
        let standard = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard let data = Data(base64Encoded: standard), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("CS1")
        else { return nil }
        let fields = text.dropFirst(3).split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, let kind = Kind(rawValue: fields[0]), let generation = Int(fields[2]),
            let changeNumber = Int(fields[3]), let base = Int(fields[5])
        else { return nil }
        self.init(
            kind: kind, scope: fields[1], generation: generation, changeNumber: changeNumber, position: fields[4],
            base: base)
    }
}
