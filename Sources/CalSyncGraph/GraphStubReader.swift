/// Reads the seven members of ``GraphWire/InstanceStub`` straight from an item's bytes.
///
/// Most items of a Graph full sync are occurrence stubs — 196,251 of 206,000 at 10,000
/// events — and `JSONDecoder` spent 24 % of that sync's CPU on them, most of it building
/// a key dictionary per object. This reader walks the object once (``JSONWalk``) and keeps
/// what the stub type keeps. It answers only where it is sure to answer as `JSONDecoder`
/// would: a key with an escape, a string JSONDecoder would refuse, a duplicated member, a
/// non-null `@removed`, a value of another type or a byte beyond ASCII makes it return
/// nil, and the caller decodes the item with `JSONDecoder`. Whole events take
/// ``GraphEventReader``, on the same walk.
import CalSyncModel

enum GraphStubReader {
    static func read(_ bytes: ArraySlice<UInt8>) -> GraphWire.InstanceStub? {
        bytes.withUnsafeBufferPointer { buffer in
            // Stubs are ASCII: an item with any other byte is left to JSONDecoder whole,
            // rather than settling here which bytes it would take (it refuses invalid UTF-8
            // in what it reads, takes it in members it skips).
            var high: UInt8 = 0
            for byte in buffer { high |= byte }
            guard high < 0x80 else { return nil }
            var walk = JSONWalk(buffer: buffer, slice: bytes)
            var stub = GraphWire.InstanceStub()
            let complete = walk.members(depth: 1) { (member: Member, walk) in
                switch member {
                case .id: return walk.string(into: &stub.id)
                case .type: return walk.string(into: &stub.type)
                case .seriesMasterId: return walk.string(into: &stub.seriesMasterId)
                case .etag: return walk.changeKey(into: &stub.changeKey)
                case .removed: return walk.null()
                case .start, .end:
                    if walk.null() { return true }
                    var times = GraphWire.DateTimeTimeZone(dateTime: nil, timeZone: nil)
                    guard walk.times(into: &times) else { return false }
                    if member == .start { stub.start = times } else { stub.end = times }
                    return true
                }
            }
            guard complete else { return nil }
            walk.skipWhitespace()
            return walk.position == buffer.count ? stub : nil
        }
    }

    enum Member: UInt8, KeptMember {
        case id, type, seriesMasterId, removed, start, end, etag

        init?(_ key: UnsafeBufferPointer<UInt8>) {
            switch key.count {
            case 2 where key.spells("id"): self = .id
            case 4 where key.spells("type"): self = .type
            case 14 where key.spells("seriesMasterId"): self = .seriesMasterId
            case 8 where key.spells("@removed"): self = .removed
            case 5 where key.spells("start"): self = .start
            case 3 where key.spells("end"): self = .end
            case 11 where key.spells("@odata.etag"): self = .etag
            default: return nil
            }
        }
    }
}

extension JSONWalk {
    /// The change key of the `@odata.etag` value here, or null into `value`. Graph sends
    /// `"W/\"<key>\""`: the key is cut from the bytes in one copy. Any other spelling is
    /// read whole, unescaped, and cut by ``GraphMapping/changeKey(etag:)``, so both ways
    /// answer alike.
    mutating func changeKey(into value: inout String?) -> Bool {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        let opening = position + 5
        if opening < buffer.count, buffer[position] == quote, buffer[position + 1] == UInt8(ascii: "W"),
            buffer[position + 2] == UInt8(ascii: "/"), buffer[position + 3] == backslash, buffer[position + 4] == quote
        {
            var index = opening
            while index < buffer.count {
                let byte = buffer[index]
                if byte == quote || byte < 0x20 || byte >= 0x80 { break }
                if byte == backslash {
                    // The key ends at `\""`; any other escape takes the whole path.
                    guard index > opening, buffer.count - index >= 3, buffer[index + 1] == quote,
                        buffer[index + 2] == quote
                    else { break }
                    value = String(decoding: UnsafeBufferPointer(rebasing: buffer[opening..<index]), as: UTF8.self)
                    position = index + 3
                    return true
                }
                index += 1
            }
        }
        var etag: String?
        guard string(into: &etag) else { return false }
        value = GraphMapping.changeKey(etag: etag)
        return true
    }
}
