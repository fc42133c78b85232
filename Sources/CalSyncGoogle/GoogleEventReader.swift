import CalSyncModel

/// Reads one item of an events page straight from its bytes into ``GoogleWire/Event``, in
/// one pass that both checks the item is strict JSON and picks out the fields calsync reads.
///
/// It replaces, on the hot path, two passes and a decoder: ``StrictJSON`` over the item,
/// then `JSONDecoder` over the `Codable` wire types (16 % of a 100,000-event first sync's
/// profile, plus the retains, releases and mallocs of its intermediate values).
///
/// It answers only where it is sure to agree with that path, and returns nil everywhere
/// else, so that the Codable path decides (GoogleMapping): an item that is not strict JSON
/// or not an object, a known field of the wrong type, a duplicated known key (JSONDecoder
/// keeps the first), a key with an escape or a non-ASCII byte (JSONDecoder unescapes and
/// validates keys), a known string that is not valid UTF-8 or holds a lone surrogate escape
/// (JSONDecoder refuses the item). None of these occur in what Google sends; they are
/// hostile or damaged input, read the slow way. Values of fields calsync does not read are
/// checked with ``StrictJSON/Reader`` itself, so their strictness (nesting depth included)
/// is the Codable path's by construction. GoogleEventReaderEquivalenceTests compare both.
struct GoogleEventReader {
    /// The item's bytes (compacted by ``JSONItemScanner``; whitespace is still allowed).
    let item: ArraySlice<UInt8>
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    /// The item as ``GoogleWire/Event``, or nil when the Codable path must decide.
    static func event(_ item: ArraySlice<UInt8>) -> GoogleWire.Event? {
        item.withUnsafeBufferPointer { buffer in
            var reader = GoogleEventReader(item: item, bytes: buffer)
            reader.skipWhitespace()
            guard let event = reader.event() else { return nil }
            reader.skipWhitespace()
            return reader.index == buffer.count ? event : nil
        }
    }

    // MARK: the event and its parts (GoogleWire's fields; every other member is skipped)

    mutating func event() -> GoogleWire.Event? {
        var event = GoogleWire.Event()
        var seen = KeysSeen()
        let read = members(depth: 0) { reader, key in
            switch key.count {
            case 2 where reader.key(key, is: "id"): return seen.first(0) && reader.string(&event.id)
            case 3 where reader.key(key, is: "end"): return seen.first(1) && reader.time(&event.end, depth: 1)
            case 4 where reader.key(key, is: "etag"): return seen.first(2) && reader.string(&event.etag)
            case 5 where reader.key(key, is: "start"): return seen.first(3) && reader.time(&event.start, depth: 1)
            case 6 where reader.key(key, is: "status"): return seen.first(4) && reader.string(&event.status)
            case 7 where reader.key(key, is: "summary"): return seen.first(5) && reader.string(&event.summary)
            case 7 where reader.key(key, is: "created"): return seen.first(6) && reader.string(&event.created)
            case 7 where reader.key(key, is: "updated"): return seen.first(7) && reader.string(&event.updated)
            case 7 where reader.key(key, is: "iCalUID"): return seen.first(8) && reader.string(&event.iCalUID)
            case 8 where reader.key(key, is: "htmlLink"): return seen.first(9) && reader.string(&event.htmlLink)
            case 8 where reader.key(key, is: "location"): return seen.first(10) && reader.string(&event.location)
            case 9 where reader.key(key, is: "organizer"):
                return seen.first(11) && reader.person(&event.organizer, depth: 1)
            case 9 where reader.key(key, is: "attendees"):
                return seen.first(12) && reader.attendees(&event.attendees, depth: 1)
            case 9 where reader.key(key, is: "eventType"): return seen.first(13) && reader.string(&event.eventType)
            case 10 where reader.key(key, is: "recurrence"):
                return seen.first(14) && reader.strings(&event.recurrence)
            case 10 where reader.key(key, is: "visibility"): return seen.first(15) && reader.string(&event.visibility)
            case 11 where reader.key(key, is: "description"):
                return seen.first(16) && reader.string(&event.description)
            case 11 where reader.key(key, is: "hangoutLink"):
                return seen.first(17) && reader.string(&event.hangoutLink)
            case 12 where reader.key(key, is: "transparency"):
                return seen.first(18) && reader.string(&event.transparency)
            case 14 where reader.key(key, is: "conferenceData"):
                return seen.first(19) && reader.conferenceData(&event.conferenceData, depth: 1)
            case 16 where reader.key(key, is: "recurringEventId"):
                return seen.first(20) && reader.string(&event.recurringEventId)
            case 17 where reader.key(key, is: "originalStartTime"):
                return seen.first(21) && reader.time(&event.originalStartTime, depth: 1)
            default: return reader.skipValue(depth: 1)
            }
        }
        return read ? event : nil
    }

    /// `start`, `end`, `originalStartTime`: an object at `depth`, or null.
    mutating func time(_ target: inout GoogleWire.Time?, depth: Int) -> Bool {
        if isNull { return literal("null") }
        var time = GoogleWire.Time()
        var seen = KeysSeen()
        guard
            members(
                depth: depth,
                { reader, key in
                    if reader.key(key, is: "date") { return seen.first(0) && reader.string(&time.date) }
                    if reader.key(key, is: "dateTime") { return seen.first(1) && reader.string(&time.dateTime) }
                    if reader.key(key, is: "timeZone") { return seen.first(2) && reader.string(&time.timeZone) }
                    return reader.skipValue(depth: depth + 1)
                })
        else { return false }
        target = time
        return true
    }

    mutating func person(_ target: inout GoogleWire.Person?, depth: Int) -> Bool {
        if isNull { return literal("null") }
        var person = GoogleWire.Person()
        var seen = KeysSeen()
        guard
            members(
                depth: depth,
                { reader, key in
                    if reader.key(key, is: "email") { return seen.first(0) && reader.string(&person.email) }
                    if reader.key(key, is: "displayName") {
                        return seen.first(1) && reader.string(&person.displayName)
                    }
                    if reader.key(key, is: "self") { return seen.first(2) && reader.bool(&person.isSelf) }
                    return reader.skipValue(depth: depth + 1)
                })
        else { return false }
        target = person
        return true
    }

    mutating func attendees(_ target: inout [GoogleWire.Attendee]?, depth: Int) -> Bool {
        if isNull { return literal("null") }
        var attendees: [GoogleWire.Attendee] = []
        guard elements({ reader in reader.attendee(into: &attendees, depth: depth + 1) }) else { return false }
        target = attendees
        return true
    }

    /// One element of `attendees`: an object (a null element fails the Codable path too).
    mutating func attendee(into attendees: inout [GoogleWire.Attendee], depth: Int) -> Bool {
        var attendee = GoogleWire.Attendee()
        var seen = KeysSeen()
        guard
            members(
                depth: depth,
                { reader, key in
                    switch key.count {
                    case 4 where reader.key(key, is: "self"): return seen.first(0) && reader.bool(&attendee.isSelf)
                    case 5 where reader.key(key, is: "email"):
                        return seen.first(1) && reader.string(&attendee.email)
                    case 8 where reader.key(key, is: "optional"):
                        return seen.first(2) && reader.bool(&attendee.optional)
                    case 8 where reader.key(key, is: "resource"):
                        return seen.first(3) && reader.bool(&attendee.resource)
                    case 9 where reader.key(key, is: "organizer"):
                        return seen.first(4) && reader.bool(&attendee.organizer)
                    case 11 where reader.key(key, is: "displayName"):
                        return seen.first(5) && reader.string(&attendee.displayName)
                    case 14 where reader.key(key, is: "responseStatus"):
                        return seen.first(6) && reader.string(&attendee.responseStatus)
                    default: return reader.skipValue(depth: depth + 1)
                    }
                })
        else { return false }
        attendees.append(attendee)
        return true
    }

    mutating func conferenceData(_ target: inout GoogleWire.ConferenceData?, depth: Int) -> Bool {
        if isNull { return literal("null") }
        var conference = GoogleWire.ConferenceData()
        var seen = KeysSeen()
        guard
            members(
                depth: depth,
                { reader, key in
                    guard reader.key(key, is: "entryPoints") else { return reader.skipValue(depth: depth + 1) }
                    return seen.first(0) && reader.entryPoints(&conference.entryPoints, depth: depth + 1)
                })
        else { return false }
        target = conference
        return true
    }

    mutating func entryPoints(_ target: inout [GoogleWire.EntryPoint]?, depth: Int) -> Bool {
        if isNull { return literal("null") }
        var entryPoints: [GoogleWire.EntryPoint] = []
        let read = elements { reader in
            var entryPoint = GoogleWire.EntryPoint()
            var seen = KeysSeen()
            guard
                reader.members(
                    depth: depth + 1,
                    { reader, key in
                        if reader.key(key, is: "entryPointType") {
                            return seen.first(0) && reader.string(&entryPoint.entryPointType)
                        }
                        if reader.key(key, is: "uri") { return seen.first(1) && reader.string(&entryPoint.uri) }
                        return reader.skipValue(depth: depth + 2)
                    })
            else { return false }
            entryPoints.append(entryPoint)
            return true
        }
        guard read else { return false }
        target = entryPoints
        return true
    }

    /// `recurrence`: strings only (a null element fails the Codable path), or null.
    mutating func strings(_ target: inout [String]?) -> Bool {
        if isNull { return literal("null") }
        var strings: [String] = []
        let read = elements { reader in
            guard reader.peek == Self.quote, let string = reader.stringValue() else { return false }
            strings.append(string)
            return true
        }
        guard read else { return false }
        target = strings
        return true
    }

    // MARK: JSON values

    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
    var isNull: Bool { peek == UInt8(ascii: "n") }

    mutating func skipWhitespace() {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    mutating func expect(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func literal(_ word: StaticString) -> Bool {
        guard bytes.count - index >= word.utf8CodeUnitCount, matches(at: index, word) else { return false }
        index += word.utf8CodeUnitCount
        return true
    }

    /// An object's members, `{…}` as ``StrictJSON`` reads it; `member` reads each value.
    /// Keys are handed over as ranges of `bytes` without their quotes.
    mutating func members(depth: Int, _ member: (inout GoogleEventReader, Range<Int>) -> Bool) -> Bool {
        guard expect(UInt8(ascii: "{")) else { return false }
        skipWhitespace()
        if expect(UInt8(ascii: "}")) { return true }
        while true {
            skipWhitespace()
            guard let key = key() else { return false }
            skipWhitespace()
            guard expect(UInt8(ascii: ":")) else { return false }
            skipWhitespace()
            guard member(&self, key) else { return false }
            skipWhitespace()
            if expect(UInt8(ascii: "}")) { return true }
            guard expect(UInt8(ascii: ",")) else { return false }
        }
    }

    /// An array's elements, `[…]`; `element` reads each one.
    mutating func elements(_ element: (inout GoogleEventReader) -> Bool) -> Bool {
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

    /// A key of plain ASCII without escapes (nil otherwise: JSONDecoder unescapes keys and
    /// refuses invalid UTF-8 in them, which the slow path settles).
    mutating func key() -> Range<Int>? {
        guard expect(Self.quote) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Self.quote {
                index += 1
                return start..<(index - 1)
            }
            guard byte >= 0x20, byte < 0x80, byte != Self.backslash else { return nil }
            index += 1
        }
        return nil
    }

    func key(_ key: Range<Int>, is name: StaticString) -> Bool {
        key.count == name.utf8CodeUnitCount && matches(at: key.lowerBound, name)
    }

    /// Whether `word` is at `start` (the caller checked there are enough bytes).
    func matches(at start: Int, _ word: StaticString) -> Bool {
        let text = word.utf8Start
        for offset in 0..<word.utf8CodeUnitCount where bytes[start + offset] != text[offset] { return false }
        return true
    }

    /// The value of a member whose key is not read: checked exactly as ``StrictJSON`` does.
    mutating func skipValue(depth: Int) -> Bool {
        var reader = StrictJSON.Reader(bytes: item, index: item.startIndex + index)
        guard reader.value(depth: depth) else { return false }
        index = reader.index - item.startIndex
        return true
    }

    /// A `String?` member: a string or null.
    mutating func string(_ target: inout String?) -> Bool {
        if isNull { return literal("null") }
        guard peek == Self.quote, let value = stringValue() else { return false }
        target = value
        return true
    }

    /// A `Bool?` member: true, false or null (JSONDecoder takes no number or string).
    mutating func bool(_ target: inout Bool?) -> Bool {
        switch peek {
        case UInt8(ascii: "t"):
            target = true
            return literal("true")
        case UInt8(ascii: "f"):
            target = false
            return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return false
        }
    }

    /// The string starting at `index` (its opening quote), unescaped (``JSONStringValue``).
    mutating func stringValue() -> String? { JSONStringValue.read(bytes, at: &index) }
}

/// Which known keys of one object were read, to hand an object with a duplicated one to
/// the Codable path.
struct KeysSeen {
    var bits: UInt32 = 0

    /// False when key number `bit` was seen before.
    mutating func first(_ bit: Int) -> Bool {
        let mask: UInt32 = 1 << bit
        guard bits & mask == 0 else { return false }
        bits |= mask
        return true
    }
}
