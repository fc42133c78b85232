import CalSyncEmulator
import Foundation
import Testing

@testable import CalSyncGraph
@testable import CalSyncModel

/// The single-pass reader (``GraphEventReader``, through ``GraphMapping/page(_:fallbackZone:)``
/// and ``GraphMapping/master(_:fallbackZone:)``) and the Codable path (``StrictJSON``, then
/// `JSONDecoder` over ``GraphWire/Event``) give the same page, field by field: every
/// recorded fixture, the emulator's generated calendars, hand-written hostile items and
/// thousands of damaged pages. And the reader does answer for what Graph sends, rather
/// than leaving it all to the Codable path.
struct GraphEventReaderEquivalenceTests {
    static let zone = "Europe/Berlin"

    /// Where the two paths part, as lines naming the page and the field; empty when they agree.
    static func differences(_ bytes: [UInt8], _ label: String) -> [String] {
        let fast = Result { try GraphMapping.page(bytes, fallbackZone: zone) }
        let slow = Result { try GraphMapping.codablePage(bytes, fallbackZone: zone) }
        switch (fast, slow) {
        case (.failure(let a), .failure(let b)):
            let (a, b) = (a as? CalSyncError, b as? CalSyncError)
            return a?.code == b?.code && a?.message == b?.message
                ? [] : ["\(label): the pages fail differently: \(String(describing: a)) / \(String(describing: b))"]
        case (.success(let a), .success(let b)):
            var out: [String] = []
            if a.links.nextLink != b.links.nextLink || a.links.deltaLink != b.links.deltaLink {
                out.append("\(label): the links differ")
            }
            if a.stubs != b.stubs { out.append("\(label): the stubs differ") }
            out += GoogleEventReaderEquivalenceTests.fields(a.changes, b.changes, "\(label): page")
            return out
        default:
            return ["\(label): one path fails, the other does not: \(fast) / \(slow)"]
        }
    }

    static func items(_ page: [UInt8]) -> [ArraySlice<UInt8>] {
        (try? JSONItemScanner(page: page, arrayKey: "value", compacting: false).items) ?? []
    }

    @discardableResult
    static func check(_ bytes: [UInt8], _ label: String) -> (answered: Int, items: Int) {
        for difference in differences(bytes, label) { Issue.record(Comment(rawValue: difference)) }
        let wire = SinglePassAgreement.check(items(bytes), label, read: GraphEventReader.event)
        for issue in wire.issues { Issue.record(Comment(rawValue: issue)) }
        return (wire.answered, wire.items)
    }

    static func page(items: [String]) -> [UInt8] {
        Array(#"{"@odata.deltaLink":"https://graph.microsoft.com/d","value":["#.utf8)
            + Array(items.joined(separator: ",").utf8) + Array("]}".utf8)
    }

    /// A series master read on its own, both ways.
    static func checkMaster(_ bytes: [UInt8], _ label: String) {
        let fast = Result { try GraphMapping.master(bytes, fallbackZone: zone) }
        let slow = Result { try GraphMapping.master(bytes, fallbackZone: zone, singlePass: false) }
        switch (fast, slow) {
        case (.success(let a), .success(let b)):
            for difference in GoogleEventReaderEquivalenceTests.fields(a, b, "\(label): master") {
                Issue.record(Comment(rawValue: difference))
            }
        case (.failure(let a), .failure(let b)):
            #expect((a as? CalSyncError)?.code == (b as? CalSyncError)?.code, "\(label)")
        default: Issue.record("\(label): one path fails, the other does not: \(fast) / \(slow)")
        }
    }

    @Test func everyRecordedFixtureDecodesTheSame() throws {
        // The fixtures are shared/fixtures/graph, copied (FixtureCopyTests keeps them equal).
        let pages = try FuzzedPageTests.pages(.graph)
        #expect(pages.count >= 8)
        var answered = 0
        var items = 0
        for page in pages {
            let counts = Self.check(page.bytes, page.name)
            answered += counts.answered
            items += counts.items
        }
        // Every recorded item is read in one pass: none needs the Codable path.
        #expect(items >= 16 && answered == items)
        // Single objects: a master and a single as created, bare occurrences.
        for name in [
            "event-seriesmaster-recurring-created-201", "event-create-singleinstance-201",
            "calendarview-delta-occurrence-bare-2017", "calendarview-delta-occurrence-bare-2023",
        ] {
            let bytes = Array(try GraphFixture.data(name))
            #expect(GraphEventReader.event(bytes[...]) != nil, "\(name)")
            Self.checkMaster(bytes, name)
        }
    }

    /// A generated calendar's full round as the emulator renders it, in pages of 1,000:
    /// singles, exceptions and stubs; every item is read in one pass.
    @Test func generatedCalendarsDecodeTheSame() async throws {
        let now = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28
        for (seed, zone) in [(UInt64(7), "UTC"), (42, "W. Europe Standard Time")] {
            let state = EmulatorState(clock: { now })
            try await state.addGraphCalendar(id: "generated", timeZone: zone)
            try await state.generateGraphEvents(calendarID: "generated", count: 400, seed: seed)
            let items = await state.graphFullRoundRenderings(
                calendarID: "generated", start: now.addingTimeInterval(-90 * 86_400),
                end: now.addingTimeInterval(400 * 86_400)
            ).fast.map { String(decoding: $0.bytes, as: UTF8.self) }
            #expect(items.count > 2_000)
            var events = 0
            for (number, start) in stride(from: 0, to: items.count, by: 1_000).enumerated() {
                await Task.yield()  // as in damagedPagesDecodeTheSame
                let pageItems = Array(items[start..<min(start + 1_000, items.count)])
                let counts = Self.check(Self.page(items: pageItems), "seed \(seed) page \(number)")
                events += counts.answered
                // Whatever is not a stub is a whole event the reader reads.
                let stubs = pageItems.filter { GraphStubReader.read(Array($0.utf8)[...]) != nil }.count
                #expect(counts.answered >= pageItems.count - stubs, "seed \(seed) page \(number)")
            }
            #expect(events > 100)
        }
    }

    static let date =
        #""start":{"dateTime":"2026-01-01T10:00:00.0000000","timeZone":"UTC"},"end":{"dateTime":"2026-01-01T11:00:00.0000000","timeZone":"UTC"}"#

    /// Items a broken or hostile server could send: each is read the same both ways
    /// (decoded, quarantined, or the page refused).
    static let hostileItems: [String] = [
        // Escapes, surrogate pairs, lone surrogates, NUL, non-characters.
        #"{"id":"e1","subject":"a\"b\\c\/d\b\f\n\r\t",\#(date)}"#,
        #"{"id":"e2","subject":"\ud83d\ude00 \u00e9\u00E9 \u0000 nul",\#(date)}"#,
        #"{"id":"e3","subject":"\ud83d",\#(date)}"#,
        #"{"id":"e4","subject":"\ude00x",\#(date)}"#,
        #"{"id":"e5","body":{"contentType":"text","content":"\ud83d\ud83d"},\#(date)}"#,
        #"{"id":"e6","other":"\ud83d","subject":"lone surrogate elsewhere",\#(date)}"#,
        #"{"id":"e7","subject":"\uFFFF\uFFFE",\#(date)}"#,
        #"{"id":"e8","subject":"\u12G4",\#(date)}"#,
        #"{"id":"e9","subject":"bad \x escape",\#(date)}"#,
        // Keys: escaped, non-ASCII, empty, duplicated (known and unknown, top-level and nested).
        #"{"id":"k1","subj\u0065ct":"escaped key",\#(date)}"#,
        #"{"id":"k2","é":1,"":2,"subject":"odd keys",\#(date)}"#,
        #"{"id":"k3","subject":"first","subject":"second",\#(date)}"#,
        #"{"id":"k4","x":1,"x":"again",\#(date)}"#,
        #"{"id":"k5","start":{"dateTime":"2026-01-01T10:00:00","dateTime":"2026-02-01T10:00:00","timeZone":"UTC"},"end":null}"#,
        #"{"id":"k6","id":"k6b",\#(date)}"#,
        #"{"id":"k7","location":{"displayName":"a","displayName":"b"},\#(date)}"#,
        #"{"id":"k8","organizer":{"emailAddress":{"name":"a","name":"b"}},\#(date)}"#,
        // Numbers and literals where they are and are not expected.
        #"{"id":"n1","sequence":1e999,"x":-0.0e-5,"y":123456789012345678901234567890,\#(date)}"#,
        #"{"id":"n2","subject":5,\#(date)}"#,
        #"{"id":"n3","x":01,\#(date)}"#,
        #"{"id":"n4","x":1.,\#(date)}"#,
        #"{"id":"n5","x":tru,\#(date)}"#,
        #"{"id":6,\#(date)}"#,
        #"{"id":null,\#(date)}"#,
        #"{"id":"n6","isAllDay":1,\#(date)}"#,
        #"{"id":"n7","isCancelled":"true",\#(date)}"#,
        #"{"id":"n8","isAllDay":null,"isCancelled":false,\#(date)}"#,
        // Recurrence: integers written every way JSON allows, arrays with nulls, wrong shapes.
        #"{"id":"r1","type":"seriesMaster","recurrence":{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["monday","friday"],"firstDayOfWeek":"sunday"},"range":{"type":"endDate","startDate":"2026-01-01","endDate":"2026-06-30","recurrenceTimeZone":"UTC","numberOfOccurrences":0}},\#(date)}"#,
        #"{"id":"r2","type":"seriesMaster","recurrence":{"pattern":{"type":"daily","interval":2.0},"range":{"type":"noEnd","startDate":"2026-01-01"}},\#(date)}"#,
        #"{"id":"r3","type":"seriesMaster","recurrence":{"pattern":{"type":"daily","interval":1e0},"range":{"type":"noEnd","startDate":"2026-01-01"}},\#(date)}"#,
        #"{"id":"r4","type":"seriesMaster","recurrence":{"pattern":{"type":"daily","interval":-1},"range":{"type":"numbered","startDate":"2026-01-01","numberOfOccurrences":12345678901234567890}},\#(date)}"#,
        #"{"id":"r5","type":"seriesMaster","recurrence":{"pattern":{"type":"weekly","interval":1,"daysOfWeek":["monday",null]},"range":{"type":"noEnd","startDate":"2026-01-01"}},\#(date)}"#,
        #"{"id":"r6","type":"seriesMaster","recurrence":{"pattern":null,"range":null},\#(date)}"#,
        #"{"id":"r7","type":"seriesMaster","recurrence":"FREQ=DAILY",\#(date)}"#,
        #"{"id":"r8","type":"seriesMaster","recurrence":{"pattern":{"type":"absoluteYearly","interval":1,"month":13,"dayOfMonth":0,"index":"first"},"range":{"type":"noEnd","startDate":"0000-01-01"}},\#(date)}"#,
        #"{"id":"r9","type":"seriesMaster","recurrence":{"pattern":{"type":"daily","interval":01},"range":{"type":"noEnd","startDate":"2026-01-01"}},\#(date)}"#,
        #"{"id":"r10","type":"seriesMaster","recurrence":{"pattern":{"type":"daily","interval":-0},"range":{"type":"noEnd","startDate":"2026-01-01"}},\#(date)}"#,
        // People: organizer, attendees with every member, nulls and wrong shapes.
        #"{"id":"p1","organizer":{"emailAddress":{"name":"Ann","address":"ann@x"}},"attendees":[{"type":"required","status":{"response":"accepted","time":"2026-01-01T00:00:00Z"},"emailAddress":{"name":"Bo","address":"bo@x"}},{"type":"optional","status":null,"emailAddress":null}],\#(date)}"#,
        #"{"id":"p2","attendees":[null],\#(date)}"#,
        #"{"id":"p3","attendees":{},\#(date)}"#,
        #"{"id":"p4","organizer":{"emailAddress":"ann@x"},\#(date)}"#,
        #"{"id":"p5","organizer":null,"attendees":null,"location":null,"body":null,"onlineMeeting":null,"recurrence":null,"@removed":null,\#(date)}"#,
        #"{"id":"p6","organizer":{"type":"x","status":{},"emailAddress":{"address":"o@x","extra":[1,2]}},\#(date)}"#,
        #"{"id":"p7","attendees":[{"type":"resource","status":{"response":"none","time":"0001-01-01T00:00:00Z","x":true},"emailAddress":{"address":"room@x"},"proposedNewTime":null}],\#(date)}"#,
        // Kinds: removed, occurrences (whole and stub-like), exceptions, cancelled, all-day.
        #"{"id":"c1","@removed":{"reason":"deleted"}}"#,
        #"{"id":"c2","@removed":{}}"#,
        #"{"id":"c3","@removed":{"reason":5}}"#,
        #"{"id":"c4","type":"occurrence","seriesMasterId":"m",\#(date),"subject":"Café"}"#,
        #"{"id":"c5","type":"occurrence",\#(date),"subject":"Café"}"#,
        #"{"id":"c6","type":"exception","seriesMasterId":"m","originalStart":"2026-01-01T10:00:00Z","originalStartTimeZone":"UTC","isCancelled":true,\#(date)}"#,
        #"{"id":"c7","type":"exception","seriesMasterId":"m",\#(date)}"#,
        #"{"id":"c8","type":"singleInstance","isAllDay":true,"start":{"DateTime":"2026-01-01T00:00:00.0000000","TimeZone":"UTC"},"end":{"dateTime":"2026-01-02T00:00:00.0000000","timeZone":null,"TimeZone":"UTC"}}"#,
        #"{"id":"c9","type":"singleInstance","start":{"dateTime":"0001-01-01T00:00:00.0000000","timeZone":"UTC"},"end":{"dateTime":"0001-01-01T00:00:00.0000000","timeZone":"UTC"}}"#,
        #"{"id":"c10","start":{},"end":{"dateTime":5}}"#,
        #"{"type":"singleInstance",\#(date)}"#,
        #"{"id":"  ",\#(date)}"#,
        // Every other member, with the shapes Graph sends.
        #"{"@odata.etag":"W/\"abc\"","id":"f1","changeKey":"abc","iCalUId":"uid","subject":"S","bodyPreview":"p","body":{"contentType":"html","content":"<b>x</b>"},"originalStartTimeZone":"W. Europe Standard Time","originalEndTimeZone":"tzone://Microsoft/Custom","showAs":"free","sensitivity":"private","webLink":"https://o/x","onlineMeeting":{"joinUrl":"https://t/j","conferenceId":"1"},"onlineMeetingUrl":"https://t/u","createdDateTime":"2026-01-01T00:00:00.1234567Z","lastModifiedDateTime":"2026-01-02T00:00:00Z","location":{"displayName":"Room","locationType":"default","address":{}},\#(date)}"#,
        // Not objects, not JSON, trailing commas, raw control characters.
        #""a string""#, "[1,2]", "42", "null", "true",
        #"{"id":"j1",\#(date),}"#,
        #"{"id":"j2","subject":"tab\#tinside",\#(date)}"#,
        #"{"id":"j3" \#(date)}"#,
        #"{"id":"j4","x":[1 2],\#(date)}"#,
        // Whitespace between tokens and inside strings.
        "{ \"id\" : \"w1\" ,\n \"subject\" : \" spaced \" , \"isAllDay\" : false , \(date) , \"attendees\" : [ ] }",
    ]

    /// A trip-wire: the reader fills the wire types member by member, so a member added to
    /// them must be taught to ``GraphEventReader`` too (or it would stay nil on the fast path).
    @Test func theReaderKnowsEveryWireMember() {
        func members(_ value: Any) -> Int { Mirror(reflecting: value).children.count }
        #expect(members(GraphWire.Event()) == 28)
        #expect(members(GraphWire.Attendee()) == 3 && members(GraphWire.ResponseStatus()) == 2)
        #expect(members(GraphWire.Recipient()) == 1 && members(GraphWire.EmailAddress()) == 2)
        #expect(members(GraphWire.Body()) == 2 && members(GraphWire.Location()) == 1)
        #expect(members(GraphWire.OnlineMeeting()) == 1 && members(GraphWire.Removed()) == 1)
        #expect(members(GraphWire.Recurrence()) == 2 && members(GraphWire.Pattern()) == 7)
        #expect(members(GraphWire.Range()) == 5)
    }

    /// What the reader settles itself, and what it leaves to the Codable path.
    @Test func theReaderAnswersForWhatItCanBeSureOf() throws {
        func read(_ item: String) -> GraphWire.Event? { GraphEventReader.event(Array(item.utf8)[...]) }
        let full = try #require(read(Self.hostileItems.first { $0.contains(#""id":"p1""#) }!))
        #expect(full.organizer?.emailAddress?.address == "ann@x")
        #expect(full.attendees?.count == 2 && full.attendees?.first?.status?.response == "accepted")
        #expect(full.attendees?.last?.emailAddress == nil && full.start?.timeZone == "UTC")
        let series = try #require(read(Self.hostileItems.first { $0.contains(#""id":"r1""#) }!))
        #expect(series.recurrence?.pattern?.daysOfWeek == ["monday", "friday"])
        #expect(series.recurrence?.pattern?.interval == 1 && series.recurrence?.range?.numberOfOccurrences == 0)
        #expect(read(#"{"id":"a","subject":"q\"\n\ud83d\ude00é"}"#)?.subject == "q\"\n😀é")
        #expect(read(#"{"id":"a","@removed":{"reason":"deleted"}}"#)?.removed?.reason == "deleted")
        // Left to the Codable path: each would need the reader to guess JSONDecoder's choice.
        for doubtful in [
            #"{"id":"a","id":"b"}"#, #"{"i\u0064":"a"}"#, #"{"id":"\ud83d"}"#, #"{"id":5}"#,
            #"{"id":"a","attendees":[null]}"#, #"{"id":"a",}"#, "[]", #"{"id":"a","isAllDay":1}"#,
            #"{"id":"a","x":01}"#, #"{"id":"a","é":1}"#,
            #"{"id":"a","recurrence":{"pattern":{"interval":2.0}}}"#,
            #"{"id":"a","recurrence":{"pattern":{"interval":1e1}}}"#,
        ] {
            #expect(read(doubtful) == nil, "\(doubtful)")
        }
        let invalid = Array(#"{"id":"a","subject":""#.utf8) + [0xC3] + Array(#""}"#.utf8)
        #expect(GraphEventReader.event(invalid[...]) == nil)
    }

    @Test func hostileItemsDecodeTheSame() {
        for (index, item) in Self.hostileItems.enumerated() {
            Self.check(Self.page(items: [item]), "hostile item \(index)")
            Self.checkMaster(Array(item.utf8), "hostile item \(index) as a master")
        }
        Self.check(Self.page(items: Self.hostileItems), "all hostile items on one page")
    }

    @Test func invalidUTF8AndDeepNestingDecodeTheSame() {
        var items: [[UInt8]] = []
        // Invalid UTF-8 in a read member, in an unread one, in a key; overlong; encoded surrogate.
        for bad: [UInt8] in [[0xFF], [0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]] {
            items.append(Array(#"{"id":"u","subject":"a"#.utf8) + bad + Array(#"b",\#(Self.date)}"#.utf8))
            items.append(Array(#"{"id":"u","other":"a"#.utf8) + bad + Array(#"b",\#(Self.date)}"#.utf8))
            items.append(Array(#"{"id":"u",""#.utf8) + bad + Array(#"":1,\#(Self.date)}"#.utf8))
        }
        items.append(Array(#"{"id":"m","subject":"Grüße ✓ 😀","location":{"displayName":"東京"},\#(Self.date)}"#.utf8))
        // Nesting at StrictJSON's and JSONDecoder's limit (512 levels) and beyond, at the
        // top level and inside a member the reader reads.
        for depth in [100, 509, 510, 511, 512, 513, 2000] {
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            items.append(Array(#"{"id":"d\#(depth)","x":\#(nested),\#(Self.date)}"#.utf8))
            let objects = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
            items.append(Array(#"{"id":"o\#(depth)","location":{"x":\#(objects)},\#(Self.date)}"#.utf8))
            items.append(
                Array(#"{"id":"p\#(depth)","attendees":[{"emailAddress":{"x":\#(objects)}}],\#(Self.date)}"#.utf8))
        }
        for (index, item) in items.enumerated() {
            Self.check(Array(Self.page(items: []).dropLast(2)) + item + Array("]}".utf8), "byte-level item \(index)")
        }
    }

    @Test func damagedPagesDecodeTheSame() async throws {
        let pages = try FuzzedPageTests.pages(.graph) + [(name: "hostile", bytes: Self.page(items: Self.hostileItems))]
        var mutator = PageMutator(random: SplitMix64(seed: 0x18E7))
        for index in 0..<3_000 {
            // Seconds of decoding in all: the thread goes back to Swift's few cooperative
            // threads now and then, which the other tests share (ControlServer answers on
            // them: held for 10 s by tests like this one, two of its tests timed out).
            if index % 100 == 0 { await Task.yield() }
            let page = pages[index % pages.count]
            Self.check(mutator.mutate(page.bytes), "damaged case \(index) (from \(page.name))")
        }
    }
}
