import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Testing

@testable import CalSyncGoogle
@testable import CalSyncModel

/// The single-pass reader (``GoogleEventReader``, through ``GoogleMapping/page(_:)``) and
/// the Codable path (``GoogleMapping/codablePage(_:)``: ``StrictJSON``, then `JSONDecoder`
/// over ``GoogleWire/Event``) give the same page, field by field: every recorded fixture,
/// the emulator's generated calendars, hand-written hostile items and thousands of damaged
/// pages. And the reader does answer for what Google sends, rather than leaving it all to
/// the Codable path.
struct GoogleEventReaderEquivalenceTests {
    /// Where the two paths part, as lines naming the page and the field; empty when they agree.
    static func differences(_ bytes: [UInt8], _ label: String) -> [String] {
        let fast = Result { try GoogleMapping.page(bytes) }
        let slow = Result { try GoogleMapping.codablePage(bytes) }
        switch (fast, slow) {
        case (.failure(let a), .failure(let b)):
            let (a, b) = (a as? CalSyncError, b as? CalSyncError)
            return a?.code == b?.code && a?.message == b?.message
                ? [] : ["\(label): the pages fail differently: \(String(describing: a)) / \(String(describing: b))"]
        case (.success(let a), .success(let b)):
            var out: [String] = []
            if a.envelope.timeZone != b.envelope.timeZone || a.envelope.nextPageToken != b.envelope.nextPageToken
                || a.envelope.nextSyncToken != b.envelope.nextSyncToken
            {
                out.append("\(label): the envelopes differ")
            }
            out += fields(a.changes, b.changes, "\(label): page")
            return out
        default:
            return ["\(label): one path fails, the other does not: \(fast) / \(slow)"]
        }
    }

    /// Each field that differs, named by its path (upserts[3].summary, …).
    static func fields(_ a: Any, _ b: Any, _ path: String) -> [String] {
        let (left, right) = (Mirror(reflecting: a), Mirror(reflecting: b))
        guard !left.children.isEmpty, left.children.count == right.children.count else {
            let (x, y) = (String(reflecting: a), String(reflecting: b))
            return x == y ? [] : ["\(path): \(x.prefix(200)) ≠ \(y.prefix(200))"]
        }
        return zip(left.children, right.children).enumerated().flatMap { index, pair in
            fields(pair.0.value, pair.1.value, path + "." + (pair.0.label ?? "[\(index)]"))
        }
    }

    /// Per item: when the reader answers, `JSONDecoder` agrees (``SinglePassAgreement``).
    static func wireAgreement(_ bytes: [UInt8], _ label: String) -> (answered: Int, items: Int, issues: [String]) {
        guard let scanned = try? JSONItemScanner(page: bytes, arrayKey: "items") else { return (0, 0, []) }
        return SinglePassAgreement.check(scanned.items, label, read: GoogleEventReader.event)
    }

    static func check(_ bytes: [UInt8], _ label: String) -> (answered: Int, items: Int) {
        for difference in differences(bytes, label) { Issue.record(Comment(rawValue: difference)) }
        let wire = wireAgreement(bytes, label)
        for issue in wire.issues { Issue.record(Comment(rawValue: issue)) }
        return (wire.answered, wire.items)
    }

    static func page(items: [String]) -> [UInt8] {
        Array(#"{"kind":"calendar#events","timeZone":"Europe/Berlin","nextSyncToken":"s","items":["#.utf8)
            + Array(items.joined(separator: ",").utf8) + Array("]}".utf8)
    }

    @Test func everyRecordedFixtureDecodesTheSame() throws {
        // The fixtures are shared/fixtures/google, copied (FixtureCopyTests keeps them equal).
        let pages = try FuzzedPageTests.pages(.google)
        #expect(pages.count >= 10)
        var answered = 0
        var items = 0
        for page in pages {
            let counts = Self.check(page.bytes, page.name)
            answered += counts.answered
            items += counts.items
        }
        // Every recorded item is read in one pass: none needs the Codable path.
        #expect(items > 20 && answered == items)
    }

    @Test func generatedCalendarsDecodeTheSame() async throws {
        for seed: UInt64 in [1, 7, 42] {
            let state = EmulatorState()
            let calendar = "user@example.com"
            try await state.generateGoogleEvents(calendarID: calendar, count: 3000, seed: seed)
            let token = await state.issueTokens(provider: .google).accessToken
            var pageToken: String?
            var pages = 0
            repeat {
                var query = [(name: "maxResults", value: "2500"), (name: "showDeleted", value: "true")]
                if let pageToken { query.append((name: "pageToken", value: pageToken)) }
                let answer = await state.respond(
                    to: EmulatorRequest(
                        method: "GET", rawPath: "/calendar/v3/calendars/user%40example.com/events", query: query,
                        headers: [(name: "Authorization", value: "Bearer \(token)")], body: Data()))
                #expect(answer.status == 200)
                let bytes = Array(answer.body)
                let counts = Self.check(bytes, "seed \(seed) page \(pages)")
                #expect(counts.items > 0 && counts.answered == counts.items)
                pageToken = try GoogleMapping.page(bytes).envelope.nextPageToken
                pages += 1
            } while pageToken != nil && pages < 10
            #expect(pages == 2)
        }
    }

    /// Items a broken or hostile server could send: each is read the same both ways
    /// (decoded, quarantined, or the page refused).
    static let hostileItems: [String] = [
        // Escapes, surrogate pairs, lone surrogates, NUL, non-characters.
        #"{"id":"e1","summary":"a\"b\\c\/d\b\f\n\r\t","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"e2","summary":"\ud83d\ude00 \u00e9\u00E9 \u0000 nul","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"e3","summary":"\ud83d","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"e4","summary":"\ude00x","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"e5","summary":"\ud83d\ud83d","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"e6","other":"\ud83d","summary":"lone surrogate elsewhere","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"e7","summary":"\uFFFF\uFFFE","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"e8","summary":"\u12G4","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"e9","summary":"bad \x escape","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        // Keys: escaped, non-ASCII, empty, duplicated (known and unknown).
        #"{"id":"k1","summ\u0061ry":"escaped key","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"k2","é":1,"":2,"summary":"odd keys","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"k3","summary":"first","summary":"second","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"k4","x":1,"x":"again","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"k5","start":{"date":"2026-01-01","date":"2026-02-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"k6","id":"k6b","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        // Numbers and literals where they are and are not expected.
        #"{"id":"n1","sequence":1e999,"x":-0.0e-5,"y":123456789012345678901234567890,"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"n2","summary":5,"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"n3","x":01,"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"n4","x":1.,"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"n5","x":tru,"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":6,"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":null,"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"b1","organizer":{"email":"a@b","self":1},"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"b2","attendees":[{"email":"a@b","optional":"true"}],"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"b3","attendees":[{"email":"a@b","optional":true,"organizer":false,"self":null,"resource":true,"responseStatus":"accepted","displayName":"A"},{"email":null}],"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        // Null where a value or an element is expected; wrong shapes.
        #"{"id":"z1","summary":null,"organizer":null,"attendees":null,"recurrence":null,"conferenceData":null,"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"z2","attendees":[null],"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"z3","recurrence":["RRULE:FREQ=DAILY",null],"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"z4","recurrence":"RRULE:FREQ=DAILY","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"z5","start":"2026-01-01","end":{"date":"2026-01-02"}}"#,
        #"{"id":"z6","start":{},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"z7","conferenceData":{"entryPoints":[{"entryPointType":"phone","uri":"tel:1"},{"entryPointType":"video","uri":"https://v"}]},"start":{"dateTime":"2026-01-01T10:00:00Z"},"end":{"dateTime":"2026-01-01T11:00:00Z"}}"#,
        #"{"id":"z8","conferenceData":{"entryPoints":[null]},"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"z9","conferenceData":{"entryPoints":{}},"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"r1","recurrence":["rrule:freq=weekly"," FREQ=DAILY ","EXDATE;VALUE=DATE:20260105"],"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"c1","status":"cancelled","recurringEventId":"s","originalStartTime":{"dateTime":"2026-01-01T10:00:00Z","timeZone":"UTC"}}"#,
        #"{"id":"c2","status":"cancelled","recurringEventId":"s"}"#,
        #"{"id":"c3","status":"cancelled"}"#,
        #"{"status":"confirmed","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        // Not objects, not JSON, trailing commas, raw control characters.
        #""a string""#, "[1,2]", "42", "null", "true",
        #"{"id":"j1","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"},}"#,
        #"{"id":"j2","summary":"tab\#tinside","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"j3" "start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        #"{"id":"j4","x":[1 2],"start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}"#,
        // Whitespace between tokens (compacted first) and inside strings.
        "{ \"id\" : \"w1\" ,\n \"summary\" : \" spaced \" , \"start\" : { \"date\" : \"2026-01-01\" } , \"end\" : {\"date\":\"2026-01-02\"} }",
    ]

    /// A trip-wire: the reader fills the wire types field by field, so a field added to
    /// them must be taught to ``GoogleEventReader`` too (or it would stay nil on the fast path).
    @Test func theReaderKnowsEveryWireField() {
        func fields(_ value: Any) -> Int { Mirror(reflecting: value).children.count }
        #expect(fields(GoogleWire.Event()) == 22)
        #expect(fields(GoogleWire.Time()) == 3 && fields(GoogleWire.Person()) == 3)
        #expect(fields(GoogleWire.Attendee()) == 7 && fields(GoogleWire.EntryPoint()) == 2)
        #expect(fields(GoogleWire.ConferenceData()) == 1)
    }

    /// The comparison itself notices a difference, and names the field.
    @Test func aDifferentFieldIsNamed() {
        let event = CalendarEvent(
            id: "e", kind: .single, status: .confirmed, start: .date(CalendarDate("2026-01-01")!),
            end: .date(CalendarDate("2026-01-02")!), raw: "{}")
        var changed = event
        changed.summary = "x"
        #expect(Self.fields(ChangePage(upserts: [event]), ChangePage(upserts: [event]), "page").isEmpty)
        let named = Self.fields(ChangePage(upserts: [event]), ChangePage(upserts: [changed]), "page")
        #expect(named.count == 1 && named.first?.hasPrefix("page.upserts.[0].summary") == true)
    }

    /// What the reader settles itself, and what it leaves to the Codable path.
    @Test func theReaderAnswersForWhatItCanBeSureOf() {
        let date = #""start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}"#
        func read(_ item: String) -> GoogleWire.Event? { GoogleEventReader.event(Array(item.utf8)[...]) }
        let escaped = read(#"{"id":"a","summary":"q\"b\\\/\n\ud83d\ude00\u0000\u00e9",\#(date),"x":[1e5,{"y":null}]}"#)
        #expect(escaped?.summary == "q\"b\\/\n😀\u{0}é" && escaped?.start?.date == "2026-01-01")
        let full = read(
            #"{"id":"b","organizer":{"email":"o@x","self":true},"attendees":[{"email":"a@x","optional":true}],"#
                + #""recurrence":["RRULE:FREQ=DAILY"],"conferenceData":{"entryPoints":[{"entryPointType":"video","uri":"u"}]},\#(date)}"#
        )
        #expect(full?.organizer?.isSelf == true && full?.attendees?.first?.optional == true)
        #expect(full?.recurrence == ["RRULE:FREQ=DAILY"] && full?.conferenceData?.entryPoints?.first?.uri == "u")
        // Left to the Codable path: each would need the reader to guess JSONDecoder's choice.
        for doubtful in [
            #"{"id":"a","id":"b",\#(date)}"#, #"{"i\u0064":"a",\#(date)}"#, #"{"id":"\ud83d",\#(date)}"#,
            #"{"id":5,\#(date)}"#, #"{"id":"a","attendees":[null],\#(date)}"#, #"{"id":"a",\#(date),}"#, "[]",
            #"{"id":"a","organizer":{"self":1},\#(date)}"#, #"{"id":"a","x":01,\#(date)}"#,
        ] {
            #expect(read(doubtful) == nil, "\(doubtful)")
        }
        #expect(read(#"{"id":"a","summary":""#) == nil)
        var invalid = Array(#"{"id":"a","summary":""#.utf8) + [0xC3] + Array(#""}"#.utf8)
        #expect(GoogleEventReader.event(invalid[...]) == nil)
        // Invalid UTF-8 in a field calsync does not read: JSONDecoder takes it, so does the reader.
        invalid = Array(#"{"id":"a","other":""#.utf8) + [0xC3] + Array(#""}"#.utf8)
        #expect(GoogleEventReader.event(invalid[...])?.id == "a")
    }

    @Test func hostileItemsDecodeTheSame() {
        for (index, item) in Self.hostileItems.enumerated() {
            _ = Self.check(Self.page(items: [item]), "hostile item \(index)")
        }
        _ = Self.check(Self.page(items: Self.hostileItems), "all hostile items on one page")
    }

    @Test func invalidUTF8AndDeepNestingDecodeTheSame() {
        let date = #""start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}"#
        var items: [[UInt8]] = []
        // Invalid UTF-8 in a read field, in an unread one, in a key; overlong; encoded surrogate.
        for bad: [UInt8] in [[0xFF], [0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]] {
            items.append(Array(#"{"id":"u","summary":"a"#.utf8) + bad + Array(#"b",\#(date)}"#.utf8))
            items.append(Array(#"{"id":"u","other":"a"#.utf8) + bad + Array(#"b",\#(date)}"#.utf8))
            items.append(Array(#"{"id":"u",""#.utf8) + bad + Array(#"":1,\#(date)}"#.utf8))
        }
        // Valid multi-byte text read as is.
        items.append(Array(#"{"id":"m","summary":"Grüße ✓ 😀","location":"東京",\#(date)}"#.utf8))
        // Nesting at StrictJSON's and JSONDecoder's limit (512 levels) and beyond.
        for depth in [100, 509, 510, 511, 512, 513, 2000] {
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            items.append(Array(#"{"id":"d\#(depth)","x":\#(nested),\#(date)}"#.utf8))
            let objects = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
            items.append(Array(#"{"id":"o\#(depth)","conferenceData":{"x":\#(objects)},\#(date)}"#.utf8))
        }
        for (index, item) in items.enumerated() {
            _ = Self.check(
                Array(Self.page(items: []).dropLast(2)) + item + Array("]}".utf8), "byte-level item \(index)")
        }
    }

    @Test func oversizeItemsAndFieldsDecodeTheSame() {
        let date = #""start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}"#
        let line = String(repeating: "x", count: ItemLimits.maximumLineBytes)
        let description = String(repeating: "d", count: ItemLimits.maximumDescriptionBytes)
        let items = [
            #"{"id":"s1","summary":"\#(line)",\#(date)}"#,
            #"{"id":"s2","summary":"\#(line)x",\#(date)}"#,
            #"{"id":"s3","location":"\#(line)x",\#(date)}"#,
            #"{"id":"s4","description":"\#(description)x",\#(date)}"#,
            // An escape makes 6 bytes of JSON one byte of text: the limit counts the text.
            #"{"id":"s5","summary":"\#(String(repeating: "\\u0041", count: ItemLimits.maximumLineBytes))",\#(date)}"#,
            #"{"id":"s6","other":"\#(String(repeating: "o", count: ItemLimits.maximumItemBytes))",\#(date)}"#,
        ]
        for (index, item) in items.enumerated() {
            _ = Self.check(Self.page(items: [item]), "oversize item \(index)")
        }
    }

    @Test func damagedPagesDecodeTheSame() async throws {
        let pages = try FuzzedPageTests.pages(.google) + [(name: "hostile", bytes: Self.page(items: Self.hostileItems))]
        var mutator = PageMutator(random: SplitMix64(seed: 0x19DE))
        for index in 0..<3_000 {
            // Seconds of decoding in all: the thread goes back to Swift's few cooperative
            // threads now and then, which the other tests share (ControlServer answers on
            // them: held for 10 s by tests like this one, two of its tests timed out).
            if index % 100 == 0 { await Task.yield() }
            let page = pages[index % pages.count]
            _ = Self.check(mutator.mutate(page.bytes), "damaged case \(index) (from \(page.name))")
        }
    }
}
