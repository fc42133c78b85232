import Foundation

/// The one loop that reads a provider's page of items: scan the page without decoding it,
/// decode the envelope, and for each item check it is strict JSON, decode it, and
/// quarantine (with its raw bytes) what cannot be read, so a bad item never fails the page.
package enum PageDecoder {
    /// What an item of the page was read as, and the id a quarantined item is filed under.
    package typealias Read<Extra: Equatable & Sendable> = (id: String?, item: PageItem<Extra>)

    /// A page's envelope (everything but the item array) and its items, unparsed.
    /// - Throws: ``CalSyncError`` `.decoding` naming `page` when the page is not a JSON
    ///   object or its envelope does not decode.
    /// - Parameter compacting: false leaves the items as sent (``JSONItemScanner``).
    package static func scan<Envelope: Decodable>(
        _ bytes: [UInt8], arrayKey: String, envelope: Envelope.Type, naming page: String, compacting: Bool = true
    ) throws -> (envelope: Envelope, items: [ArraySlice<UInt8>]) {
        // A body that is not JSON at all (cut short, garbled) is a `.transport` error of the
        // request (``ResponseBody``); JSON of the wrong shape stays `.decoding`.
        do {
            let scanned = try JSONItemScanner(page: bytes, arrayKey: arrayKey, compacting: compacting)
            return (try JSONBody.decode(envelope, Data(scanned.envelope), what: page), scanned.items)
        } catch let error as CalSyncError {
            throw ResponseBody.classify(error, body: bytes)
        }
    }

    /// Decodes a page item by item into `changes`: upserts and deletions in page order,
    /// unreadable items quarantined.
    /// - Parameters:
    ///   - fastRead: a provider's single pass over an item that checks it is strict JSON
    ///     and maps it (Google's ``GoogleEventReader``); nil hands the item to the steps
    ///     below, which then decide alone, so it answers only when it agrees with them.
    ///   - read: the provider's mapping of one strictly valid item (bytes and its text,
    ///     kept as `events.raw`); nil when it is not a readable event object at all.
    ///   - envelopeRead: the envelope, as soon as it is decoded and before any item is: a
    ///     provider may act on the page's links early (Graph asks for the next page).
    ///   - seen: every item read, in page order (for what a provider keeps beside the
    ///     changes: Graph's series instances and its occurrence stubs).
    ///   - extraRead: a provider's single pass over an item it keeps beside the changes
    ///     (Graph's occurrence stubs, 95 % of a first listing's items), tried first: nothing
    ///     of such an item is stored as JSON, so it needs neither its text nor the strictness
    ///     check. It answers only for items it reads whole; anything else (nil) takes the
    ///     steps below. It gets the item as sent, whitespace and all (``GraphStubReader``
    ///     reads whitespace as JSON does).
    package static func decode<Envelope: Decodable, Extra>(
        _ bytes: [UInt8], arrayKey: String, envelope: Envelope.Type, naming page: String,
        changes: (Envelope) -> ChangePage = { _ in ChangePage() },
        envelopeRead: (Envelope) -> Void = { _ in },
        extraRead: ((_ item: ArraySlice<UInt8>) -> Extra?)? = nil,
        fastRead: ((_ item: ArraySlice<UInt8>, _ raw: String, _ envelope: Envelope) -> Read<Extra>?)? = nil,
        read: (_ item: ArraySlice<UInt8>, _ raw: String, _ envelope: Envelope) -> Read<Extra>?,
        seen: (PageItem<Extra>) -> Void = { _ in }
    ) throws -> (envelope: Envelope, changes: ChangePage) {
        // With a provider's own reader the items are compacted one by one, after it
        // passed on them: what it reads whole (Graph's stubs) is never kept as text, and
        // compacting them was a pass over most of a Graph first listing's bytes for nothing.
        let compactedByScan = extraRead == nil
        let (envelope, items) = try scan(
            bytes, arrayKey: arrayKey, envelope: envelope, naming: page, compacting: compactedByScan)
        envelopeRead(envelope)
        var decoded = changes(envelope)
        for item in items {
            // Bounded before anything is decoded (``ItemLimits``): an item over the limit as
            // sent takes the steps below, which check it compacted.
            if item.count <= ItemLimits.maximumItemBytes, let extra = extraRead?(item) {
                seen(.extra(extra))
                continue
            }
            let itemBytes = compactedByScan ? item : JSONItemScanner.compact(item)
            if let oversize = ItemLimits.oversizeItem(itemBytes) {
                decoded.quarantined.append(oversize)
                continue
            }
            let raw = String(decoding: itemBytes, as: UTF8.self)
            let id: String?
            let item: PageItem<Extra>
            if let fast = fastRead?(itemBytes, raw, envelope) {
                (id, item) = fast
            } else {
                // What JSONDecoder forgives (a trailing comma, a raw control character) would
                // be stored in events.raw, where readers' JSON parsers refuse it.
                guard StrictJSON.isValid(itemBytes) else {
                    decoded.quarantined.append(QuarantinedItem(eventID: nil, reason: "not valid JSON", raw: raw))
                    continue
                }
                guard let slow = read(itemBytes, raw, envelope) else {
                    decoded.quarantined.append(
                        QuarantinedItem(eventID: nil, reason: "not a readable event object", raw: raw))
                    continue
                }
                (id, item) = slow
            }
            seen(item)
            switch item {
            case .upsert(let event):
                if let reason = ItemLimits.oversizeField(event) {
                    decoded.quarantined.append(QuarantinedItem(eventID: event.id, reason: reason, raw: raw))
                } else {
                    decoded.upserts.append(event)
                }
            case .delete(let id): decoded.deletions.append(id)
            case .quarantine(let reason):
                decoded.quarantined.append(QuarantinedItem(eventID: id, reason: reason, raw: raw))
            case .extra: break
            }
        }
        return (envelope, decoded)
    }
}
