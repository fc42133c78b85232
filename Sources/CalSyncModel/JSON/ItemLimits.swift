import Foundation

/// The largest event calsync stores: bigger items are quarantined, not written.
///
/// Nothing in a calendar needs more, and nothing else bounded one: a single event with a
/// 250 MB summary took 1.5 GB of memory and a 1 GB store. The limits are far above what
/// Google and Outlook let people type (Google caps a description at 8 KB of HTML,
/// Outlook's body at a few MB with attachments apart), so only a broken or hostile server
/// reaches them (docs/resilience.md, "Limits").
package enum ItemLimits {
    /// One item's JSON as received (`events.raw`).
    package static let maximumItemBytes = 2 << 20
    /// `summary` and `location` (UTF-8 bytes).
    static let maximumLineBytes = 64 << 10
    /// `description` (UTF-8 bytes).
    static let maximumDescriptionBytes = 1 << 20
    /// How much of an oversize item the quarantine keeps, for whoever looks into it.
    static let quarantinedExcerptBytes = 4096

    /// The quarantine entry for an item larger than ``maximumItemBytes``, nil for others.
    /// The item's id is read (the page's size is bounded by the transport), so that the
    /// event is quarantined under its own id.
    package static func oversizeItem(_ bytes: ArraySlice<UInt8>) -> QuarantinedItem? {
        guard bytes.count > maximumItemBytes else { return nil }
        struct Identified: Decodable { var id: String? }
        let id = (try? JSONDecoder().decode(Identified.self, from: Data(bytes)))?.id
        return QuarantinedItem(
            eventID: id.flatMap { $0.isEmpty ? nil : $0 },
            reason: "the item is \(bytes.count) bytes, more than the limit of \(maximumItemBytes >> 20) MiB",
            raw: String(decoding: bytes.prefix(quarantinedExcerptBytes), as: UTF8.self))
    }

    /// Why `event` is too large to store, nil when it is not.
    package static func oversizeField(_ event: CalendarEvent) -> String? {
        let fields: [(name: String, value: String?, limit: Int, unit: String)] = [
            ("summary", event.summary, maximumLineBytes, "\(maximumLineBytes >> 10) KiB"),
            ("location", event.location, maximumLineBytes, "\(maximumLineBytes >> 10) KiB"),
            ("description", event.description, maximumDescriptionBytes, "\(maximumDescriptionBytes >> 20) MiB"),
        ]
        for field in fields {
            if let count = field.value?.utf8.count, count > field.limit {
                return "the \(field.name) is \(count) bytes, more than the limit of \(field.unit)"
            }
        }
        return nil
    }
}
