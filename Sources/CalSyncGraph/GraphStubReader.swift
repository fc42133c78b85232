/// Reads the seven members of ``GraphWire/InstanceStub`` straight from an item's bytes.
///
/// Most items of a Graph full sync are occurrence stubs — 196,251 of 206,000 at 10,000
/// events — and `JSONDecoder` spent 24 % of that sync's CPU on them, most of it building
/// a key dictionary per object. This reader walks the object once and keeps what the stub
/// type keeps. It answers only where it is sure to answer as `JSONDecoder` would: a key
/// or string with an escape, a duplicated member, a non-null `@removed`, a value of
/// another type or a byte beyond ASCII makes it return nil, and the caller decodes the
/// item with `JSONDecoder`.
import CalSyncModel
import CalSyncRecurrence

enum GraphStubReader {
    static func read(_ bytes: ArraySlice<UInt8>) -> GraphWire.InstanceStub? {
        // JSONDecoder refuses a document with bytes that are not UTF-8 anywhere, even in
        // members the stub skips; stubs are ASCII, so anything else is left to it.
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        var reader = StrictJSON.Reader(bytes: bytes, index: bytes.startIndex)
        var stub = GraphWire.InstanceStub()
        // The members met, one bit each: a Set hashed every key (1 % of a first sync).
        var seen: UInt8 = 0
        let complete = readObject(&reader) { key, reader in
            guard let member = Member(key) else { return reader.value(depth: 1) }
            guard seen & member.bit == 0 else { return false }
            seen |= member.bit
            switch member {
            case .id: return readString(&reader, into: &stub.id)
            case .type: return readString(&reader, into: &stub.type)
            case .seriesMasterId: return readString(&reader, into: &stub.seriesMasterId)
            case .etag: return readString(&reader, into: &stub.etag)
            case .removed: return reader.literal("null")
            case .start, .end:
                if reader.literal("null") { return true }
                var times = GraphWire.DateTimeTimeZone(dateTime: nil, timeZone: nil)
                guard readTimes(&reader, into: &times) else { return false }
                if member == .start { stub.start = times } else { stub.end = times }
                return true
            }
        }
        guard complete else { return nil }
        reader.skipWhitespace()
        return reader.index == bytes.endIndex ? stub : nil
    }

    enum Member: UInt8 {
        case id, type, seriesMasterId, removed, start, end, etag

        var bit: UInt8 { 1 << rawValue }

        init?(_ key: ArraySlice<UInt8>) {
            switch key.count {
            case 2 where key.elementsEqual("id".utf8): self = .id
            case 4 where key.elementsEqual("type".utf8): self = .type
            case 14 where key.elementsEqual("seriesMasterId".utf8): self = .seriesMasterId
            case 8 where key.elementsEqual("@removed".utf8): self = .removed
            case 5 where key.elementsEqual("start".utf8): self = .start
            case 3 where key.elementsEqual("end".utf8): self = .end
            case 11 where key.elementsEqual("@odata.etag".utf8): self = .etag
            default: return nil
            }
        }
    }

    /// `dateTimeTimeZone`: `dateTime` before `DateTime`, `timeZone` before `TimeZone`, as
    /// ``GraphWire/DateTimeTimeZone`` decodes them; a name met twice is left to JSONDecoder.
    static func readTimes(_ reader: inout StrictJSON.Reader, into times: inout GraphWire.DateTimeTimeZone) -> Bool {
        // The four names by their bytes, in slots: no String, no dictionary per object (a
        // first sync reads 400,000 of these; the dictionary was 3 % of its CPU).
        let names = ["dateTime", "DateTime", "timeZone", "TimeZone"]
        var found: [String?] = [nil, nil, nil, nil]
        var seen: UInt8 = 0
        let complete = readObject(&reader) { key, reader in
            guard let slot = names.firstIndex(where: { $0.utf8.elementsEqual(key) }) else {
                return reader.value(depth: 2)
            }
            guard seen & (1 << slot) == 0 else { return false }
            seen |= 1 << slot
            return readString(&reader, into: &found[slot])
        }
        guard complete else { return false }
        times.dateTime = found[0] ?? found[1]
        times.timeZone = found[2] ?? found[3]
        return true
    }

    /// Walks `{ "key": value, … }`, handing each key (its bytes, escape-free) to `member`,
    /// which reads or skips the value; false when anything is not as expected.
    static func readObject(
        _ reader: inout StrictJSON.Reader,
        member: (ArraySlice<UInt8>, inout StrictJSON.Reader) -> Bool
    ) -> Bool {
        reader.skipWhitespace()
        guard reader.expect(UInt8(ascii: "{")) else { return false }
        reader.skipWhitespace()
        if reader.expect(UInt8(ascii: "}")) { return true }
        while true {
            reader.skipWhitespace()
            guard let key = plainString(&reader) else { return false }
            reader.skipWhitespace()
            guard reader.expect(UInt8(ascii: ":")) else { return false }
            reader.skipWhitespace()
            guard member(key, &reader) else { return false }
            reader.skipWhitespace()
            if reader.expect(UInt8(ascii: "}")) { return true }
            guard reader.expect(UInt8(ascii: ",")) else { return false }
        }
    }

    /// A string or null into `value`; false for anything else, or a string with an escape
    /// other than `\"`, `\\` and `\/` (an occurrence's `@odata.etag` is `W/\"…\"`).
    static func readString(_ reader: inout StrictJSON.Reader, into value: inout String?) -> Bool {
        if reader.literal("null") {
            value = nil
            return true
        }
        // Most strings have no escape: their bytes are taken as they are.
        let start = reader.index
        if let plain = plainString(&reader) {
            value = String(decoding: plain, as: UTF8.self)  // ASCII: see read(_:)
            return true
        }
        reader.index = start
        guard reader.expect(UInt8(ascii: "\"")) else { return false }
        var bytes: [UInt8] = []
        while let byte = reader.peek {
            reader.index += 1
            switch byte {
            case UInt8(ascii: "\""):
                value = String(decoding: bytes, as: UTF8.self)
                return true
            case UInt8(ascii: "\\"):
                guard let escaped = reader.peek,
                    [UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/")].contains(escaped)
                else { return false }
                reader.index += 1
                bytes.append(escaped)
            case 0..<0x20: return false
            default: bytes.append(byte)
            }
        }
        return false
    }

    /// The bytes between the quotes of a string without escapes or control characters.
    static func plainString(_ reader: inout StrictJSON.Reader) -> ArraySlice<UInt8>? {
        guard reader.expect(UInt8(ascii: "\"")) else { return nil }
        let start = reader.index
        while let byte = reader.peek {
            switch byte {
            case UInt8(ascii: "\""):
                reader.index += 1
                return reader.bytes[start..<(reader.index - 1)]
            case UInt8(ascii: "\\"), 0..<0x20: return nil
            default: reader.index += 1
            }
        }
        return nil
    }
}
