/// Reads the seven members of ``GraphWire/InstanceStub`` straight from an item's bytes.
///
/// Most items of a Graph full sync are occurrence stubs — 196,251 of 206,000 at 10,000
/// events — and `JSONDecoder` spent 24 % of that sync's CPU on them, most of it building
/// a key dictionary per object. This reader walks the object once and keeps what the stub
/// type keeps. It answers only where it is sure to answer as `JSONDecoder` would: a key
/// or string with an escape, a duplicated member, a non-null `@removed`, a value of
/// another type or a byte beyond ASCII makes it return nil, and the caller decodes the
/// item with `JSONDecoder`.
///
/// It walks the bytes through a pointer (``Walk``): through the slice, with a bounds
/// check and, across the module boundary, a call per byte, it was still 15 % of a
/// 10,000-event first sync. Members it does not keep are skipped by ``StrictJSON``.
import CalSyncModel
import CalSyncRecurrence

enum GraphStubReader {
    static func read(_ bytes: ArraySlice<UInt8>) -> GraphWire.InstanceStub? {
        bytes.withUnsafeBufferPointer { buffer in
            // JSONDecoder refuses a document with bytes that are not UTF-8 anywhere, even in
            // members the stub skips; stubs are ASCII, so anything else is left to it.
            var high: UInt8 = 0
            for byte in buffer { high |= byte }
            guard high < 0x80 else { return nil }
            var walk = Walk(buffer: buffer, slice: bytes)
            var stub = GraphWire.InstanceStub()
            let complete = walk.members(depth: 1) { (member: Member, walk) in
                switch member {
                case .id: return walk.string(into: &stub.id)
                case .type: return walk.string(into: &stub.type)
                case .seriesMasterId: return walk.string(into: &stub.seriesMasterId)
                case .etag: return walk.string(into: &stub.etag)
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

    /// A member an object is read for, recognised by its key's bytes.
    protocol KeptMember: RawRepresentable<UInt8> {
        init?(_ key: UnsafeBufferPointer<UInt8>)
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

    /// The members of a `dateTimeTimeZone` the stub keeps, in both spellings Graph uses.
    enum TimeMember: UInt8, KeptMember {
        case dateTime, pascalDateTime, timeZone, pascalTimeZone

        init?(_ key: UnsafeBufferPointer<UInt8>) {
            if key.spells("dateTime") {
                self = .dateTime
            } else if key.spells("DateTime") {
                self = .pascalDateTime
            } else if key.spells("timeZone") {
                self = .timeZone
            } else if key.spells("TimeZone") {
                self = .pascalTimeZone
            } else {
                return nil
            }
        }
    }

    /// A position in the item's bytes, read through a pointer that lives as long as the
    /// `withUnsafeBufferPointer` call of ``read(_:)``.
    struct Walk {
        let buffer: UnsafeBufferPointer<UInt8>
        /// The same bytes as a slice, for ``StrictJSON`` to skip what the stub does not keep.
        let slice: ArraySlice<UInt8>
        var position = 0

        init(buffer: UnsafeBufferPointer<UInt8>, slice: ArraySlice<UInt8>) {
            self.buffer = buffer
            self.slice = slice
        }

        var peek: UInt8? { position < buffer.count ? buffer[position] : nil }

        mutating func skipWhitespace() {
            while position < buffer.count {
                switch buffer[position] {
                case 0x20, 0x0A, 0x0D, 0x09: position += 1
                default: return
                }
            }
        }

        mutating func expect(_ byte: UInt8) -> Bool {
            guard position < buffer.count, buffer[position] == byte else { return false }
            position += 1
            return true
        }

        /// `null`, consumed; false (nothing consumed) for anything else.
        mutating func null() -> Bool {
            guard buffer.count - position >= 4, buffer[position] == UInt8(ascii: "n"),
                buffer[position + 1] == UInt8(ascii: "u"), buffer[position + 2] == UInt8(ascii: "l"),
                buffer[position + 3] == UInt8(ascii: "l")
            else { return false }
            position += 4
            return true
        }

        /// Any JSON value, checked strictly by ``StrictJSON`` and skipped.
        mutating func skipValue(depth: Int) -> Bool {
            var reader = StrictJSON.Reader(bytes: slice, index: slice.startIndex + position)
            guard reader.value(depth: depth) else { return false }
            position = reader.index - slice.startIndex
            return true
        }

        /// Walks `{ "key": value, … }`, handing each key (its bytes, escape-free) to
        /// `member`, which reads or skips the value; false when anything is not as expected.
        mutating func object(member: (UnsafeBufferPointer<UInt8>, inout Walk) -> Bool) -> Bool {
            skipWhitespace()
            guard expect(UInt8(ascii: "{")) else { return false }
            skipWhitespace()
            if expect(UInt8(ascii: "}")) { return true }
            while true {
                skipWhitespace()
                guard let key = plainString() else { return false }
                skipWhitespace()
                guard expect(UInt8(ascii: ":")) else { return false }
                skipWhitespace()
                guard member(key, &self) else { return false }
                skipWhitespace()
                if expect(UInt8(ascii: "}")) { return true }
                guard expect(UInt8(ascii: ",")) else { return false }
            }
        }

        /// Walks an object for the members of `M` it keeps, handing each to `read`; others
        /// are skipped. A member met twice makes it false (left to JSONDecoder); one bit a
        /// member, as a Set hashed every key (1 % of a first sync).
        mutating func members<M: KeptMember>(depth: Int, read: (M, inout Walk) -> Bool) -> Bool {
            var seen: UInt8 = 0
            return object { key, walk in
                guard let member = M(key) else { return walk.skipValue(depth: depth) }
                let bit: UInt8 = 1 << member.rawValue
                guard seen & bit == 0 else { return false }
                seen |= bit
                return read(member, &walk)
            }
        }

        /// `dateTimeTimeZone`: `dateTime` before `DateTime`, `timeZone` before `TimeZone`, as
        /// ``GraphWire/DateTimeTimeZone`` decodes them; a name met twice is left to JSONDecoder.
        mutating func times(into times: inout GraphWire.DateTimeTimeZone) -> Bool {
            var found: (dateTime: String?, pascalDateTime: String?, timeZone: String?, pascalTimeZone: String?)
            let complete = members(depth: 2) { (member: TimeMember, walk) in
                switch member {
                case .dateTime: return walk.string(into: &found.dateTime)
                case .pascalDateTime: return walk.string(into: &found.pascalDateTime)
                case .timeZone: return walk.string(into: &found.timeZone)
                case .pascalTimeZone: return walk.string(into: &found.pascalTimeZone)
                }
            }
            guard complete else { return false }
            times.dateTime = found.dateTime ?? found.pascalDateTime
            times.timeZone = found.timeZone ?? found.pascalTimeZone
            return true
        }

        /// A string or null into `value`; false for anything else, or a string with an
        /// escape other than `\"`, `\\` and `\/` (an occurrence's `@odata.etag` is `W/\"…\"`).
        mutating func string(into value: inout String?) -> Bool {
            if null() {
                value = nil
                return true
            }
            // Most strings have no escape: their bytes are taken as they are.
            let start = position
            if let plain = plainString() {
                value = String(decoding: plain, as: UTF8.self)  // ASCII: see read(_:)
                return true
            }
            position = start
            guard expect(UInt8(ascii: "\"")) else { return false }
            var bytes: [UInt8] = []
            while position < buffer.count {
                let byte = buffer[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    value = String(decoding: bytes, as: UTF8.self)
                    return true
                case UInt8(ascii: "\\"):
                    guard position < buffer.count else { return false }
                    let escaped = buffer[position]
                    guard escaped == UInt8(ascii: "\"") || escaped == UInt8(ascii: "\\") || escaped == UInt8(ascii: "/")
                    else { return false }
                    position += 1
                    bytes.append(escaped)
                case 0..<0x20: return false
                default: bytes.append(byte)
                }
            }
            return false
        }

        /// The bytes between the quotes of a string without escapes or control characters.
        mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
            guard expect(UInt8(ascii: "\"")) else { return nil }
            let start = position
            while position < buffer.count {
                switch buffer[position] {
                case UInt8(ascii: "\""):
                    position += 1
                    return UnsafeBufferPointer(rebasing: buffer[start..<(position - 1)])
                case UInt8(ascii: "\\"), 0..<0x20: return nil
                default: position += 1
                }
            }
            return nil
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes are `word`'s (compared byte by byte: `elementsEqual` with a
    /// `String.UTF8View` was 2 % of a Graph first sync).
    func spells(_ word: StaticString) -> Bool {
        guard count == word.utf8CodeUnitCount else { return false }
        let letters = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for index in 0..<count where self[index] != letters[index] { return false }
        return true
    }
}
