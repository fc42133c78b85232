/// A walk over one JSON item's bytes through a pointer: the cursor of Graph's single-pass
/// readers (``GraphStubReader`` for occurrence stubs, ``GraphEventReader`` for whole events)
/// and of ``GraphBatch``'s look for an answer's body.
///
/// It lives as long as the `withUnsafeBufferPointer` call that made it. Through the slice,
/// with a bounds check and, across the module boundary, a call per byte, the stub reader
/// was 15 % of a 10,000-event first sync. What a reader does not keep is skipped by
/// ``StrictJSON``, so its strictness is the Codable path's by construction; what it keeps
/// it reads only where it is sure `JSONDecoder` would read the same, and answers false
/// (the caller then leaves the item to `JSONDecoder`) everywhere else.
import CalSyncModel

/// A member an object is read for, recognised by its key's bytes (at most 64 per object:
/// ``JSONWalk/members(depth:read:)`` keeps one bit for each).
protocol KeptMember: RawRepresentable<UInt8> {
    init?(_ key: UnsafeBufferPointer<UInt8>)
}

struct JSONWalk {
    let buffer: UnsafeBufferPointer<UInt8>
    /// The same bytes as a slice, for ``StrictJSON`` to skip what the readers do not keep.
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

    /// `word` (a literal), consumed; false (nothing consumed) for anything else.
    mutating func literal(_ word: StaticString) -> Bool {
        guard buffer.count - position >= word.utf8CodeUnitCount,
            UnsafeBufferPointer(rebasing: buffer[position..<(position + word.utf8CodeUnitCount)]).spells(word)
        else { return false }
        position += word.utf8CodeUnitCount
        return true
    }

    /// `null`, consumed; false (nothing consumed) for anything else.
    mutating func null() -> Bool { literal("null") }

    /// Any JSON value, checked strictly by ``StrictJSON`` and skipped.
    mutating func skipValue(depth: Int) -> Bool {
        var reader = StrictJSON.Reader(bytes: slice, index: slice.startIndex + position)
        guard reader.value(depth: depth) else { return false }
        position = reader.index - slice.startIndex
        return true
    }

    /// Walks `{ "key": value, … }`, handing each key (its bytes, escape-free) to
    /// `member`, which reads or skips the value; false when anything is not as expected.
    mutating func object(member: (UnsafeBufferPointer<UInt8>, inout JSONWalk) -> Bool) -> Bool {
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
    /// are skipped at `depth`. A member met twice, or a key beyond ASCII (JSONDecoder
    /// validates keys), makes it false; one bit a member, as a Set hashed every key (1 % of
    /// a first sync).
    mutating func members<M: KeptMember>(depth: Int, read: (M, inout JSONWalk) -> Bool) -> Bool {
        var seen: UInt64 = 0
        return object { key, walk in
            guard let member = M(key) else {
                for byte in key where byte >= 0x80 { return false }
                return walk.skipValue(depth: depth)
            }
            let bit: UInt64 = 1 << member.rawValue
            guard seen & bit == 0 else { return false }
            seen |= bit
            return read(member, &walk)
        }
    }

    /// An object of the members of `M`, or null (nil): the value of an optional nested type,
    /// built from `empty` by `read`, which gets each member it keeps.
    mutating func optionalObject<M: KeptMember, Value>(
        _ target: inout Value?, depth: Int, empty: Value, read: (M, inout Value, inout JSONWalk) -> Bool
    ) -> Bool {
        if null() {
            target = nil
            return true
        }
        var value = empty
        guard members(depth: depth, read: { (member: M, walk) in read(member, &value, &walk) }) else { return false }
        target = value
        return true
    }

    /// `[ value, … ]`, handing each element to `element`; false when anything is not as expected.
    mutating func elements(_ element: (inout JSONWalk) -> Bool) -> Bool {
        guard expect(UInt8(ascii: "[")) else { return false }
        skipWhitespace()
        if expect(UInt8(ascii: "]")) { return true }
        while true {
            skipWhitespace()
            guard element(&self) else { return false }
            skipWhitespace()
            if expect(UInt8(ascii: "]")) { return true }
            guard expect(UInt8(ascii: ",")) else { return false }
        }
    }

    /// A string or null into `value` (``JSONStringValue``: escapes undone, UTF-8 checked);
    /// false for anything else.
    mutating func string(into value: inout String?) -> Bool {
        if null() {
            value = nil
            return true
        }
        guard let text = JSONStringValue.read(buffer, at: &position) else { return false }
        value = text
        return true
    }

    /// `true`, `false` or null into `value` (JSONDecoder takes no number or string for a Bool).
    mutating func bool(into value: inout Bool?) -> Bool {
        if literal("true") {
            value = true
        } else if literal("false") {
            value = false
        } else if null() {
            value = nil
        } else {
            return false
        }
        return true
    }

    /// An integer written plainly (`-?(0|[1-9][0-9]*)`, at most 18 digits) or null into
    /// `value`. A fraction, an exponent or a longer number is false: what JSONDecoder makes
    /// of those for an `Int` is left to it.
    mutating func integer(into value: inout Int?) -> Bool {
        if null() {
            value = nil
            return true
        }
        let negative = expect(UInt8(ascii: "-"))
        let start = position
        var number = 0
        while position < buffer.count, buffer[position] >= UInt8(ascii: "0"), buffer[position] <= UInt8(ascii: "9") {
            // Past 18 digits it is refused below; the number stops growing before it overflows.
            if position - start < 18 { number = number * 10 + Int(buffer[position] - UInt8(ascii: "0")) }
            position += 1
        }
        let digits = position - start
        guard digits > 0, digits <= 18, digits == 1 || buffer[start] != UInt8(ascii: "0") else { return false }
        switch peek {
        case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return false
        default: break
        }
        value = negative ? -number : number
        return true
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

// MARK: Graph's `dateTimeTimeZone`, read by both readers

/// The members of a `dateTimeTimeZone`, in both spellings Graph uses.
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

extension JSONWalk {
    /// `dateTimeTimeZone` at `depth` (its members one deeper): `dateTime` before
    /// `DateTime`, `timeZone` before `TimeZone`, as ``GraphWire/DateTimeTimeZone`` decodes
    /// them; a name met twice is left to JSONDecoder.
    mutating func times(into times: inout GraphWire.DateTimeTimeZone, depth: Int = 1) -> Bool {
        // The camelCase members, which Graph sends, are read straight into `times`; only
        // the PascalCase ones wait aside (moving four strings out of a tuple cost each of
        // a first sync's 400,000 times some 300 instructions).
        var read = GraphWire.DateTimeTimeZone(dateTime: nil, timeZone: nil)
        var pascal = GraphWire.DateTimeTimeZone(dateTime: nil, timeZone: nil)
        let complete = members(depth: depth + 1) { (member: TimeMember, walk) in
            switch member {
            case .dateTime: return walk.string(into: &read.dateTime)
            case .pascalDateTime: return walk.string(into: &pascal.dateTime)
            case .timeZone: return walk.string(into: &read.timeZone)
            case .pascalTimeZone: return walk.string(into: &pascal.timeZone)
            }
        }
        guard complete else { return false }
        if read.dateTime == nil { read.dateTime = pascal.dateTime }
        if read.timeZone == nil { read.timeZone = pascal.timeZone }
        times = read
        return true
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
