import Foundation
import Testing

@testable import CalSyncGraph
@testable import CalSyncModel

/// ``GraphStubReader`` answers as `JSONDecoder` decoding ``GraphWire/InstanceStub`` does,
/// or not at all.
struct GraphStubReaderTests {
    static func decoded(_ bytes: ArraySlice<UInt8>) -> GraphWire.InstanceStub? {
        try? JSONDecoder().decode(GraphWire.InstanceStub.self, from: Data(bytes))
    }

    static func read(_ text: String) -> GraphWire.InstanceStub? {
        GraphStubReader.read(Array(text.utf8)[...])
    }

    @Test func aBareOccurrenceIsReadWithoutJSONDecoder() throws {
        let bytes = Array(try GraphFixture.data("calendarview-delta-occurrence-bare-2023"))[...]
        let stub = try #require(GraphStubReader.read(bytes))
        #expect(stub == Self.decoded(bytes))
        #expect(stub.id == "id" && stub.type == "occurrence" && stub.seriesMasterId == "seriesMasterId")
        #expect(stub.start == .init(dateTime: "2023-07-23T10:25:00.0000000", timeZone: "UTC"))
        #expect(stub.removed == nil)
        // The etag's quotes are escaped; of it the stub keeps the change key.
        #expect(stub.changeKey == "DwAAABYAAAC9YbapXssvT4RTG13UUr6AAAhT48i7")
        #expect(stub.end == .init(dateTime: "2023-07-23T10:55:00.0000000", timeZone: "UTC"))
        #expect(
            Self.read(#"{"id":"a\/b\\c\"","type":"occurrence"}"#)
                == Self.decoded(Array(#"{"id":"a\/b\\c\"","type":"occurrence"}"#.utf8)[...]))
    }

    @Test func membersItCannotBeSureOfAreLeftToJSONDecoder() {
        // An escaped key, a member twice, a non-null @removed, another type.
        #expect(Self.read(#"{"i\u0064":"a","type":"occurrence"}"#) == nil)
        #expect(Self.read(#"{"id":"a","id":"b"}"#) == nil)
        #expect(Self.read(#"{"id":"a","@removed":{"reason":"deleted"}}"#) == nil)
        #expect(Self.read(#"{"id":5}"#) == nil)
        #expect(Self.read(#"{"id":"a","start":"2026-01-01"}"#) == nil)
        #expect(Self.read(#"{"id":"a","start":{"dateTime":"x","dateTime":"y"}}"#) == nil)
        #expect(Self.read(#"{"id":"a"} trailing"#) == nil)
        #expect(Self.read(#"["id"]"#) == nil)
        #expect(Self.read(#"{"id":"a","subject":"Café"}"#) == nil)
        // What it is sure of: escapes in values (undone as JSONDecoder does), nulls, other
        // members of any shape, both spellings of times.
        for escaped in [#"{"id":"a\nb","type":"occurrence"}"#, #"{"id":"a\u002fb\ud83d\ude00","type":"occurrence"}"#] {
            let stub = Self.read(escaped)
            #expect(stub != nil && stub == Self.decoded(Array(escaped.utf8)[...]), "\(escaped)")
        }
        #expect(Self.read(#"{"id":"a\ud83d","type":"occurrence"}"#) == nil)
        #expect(
            Self.read(#"{"id":null,"@removed":null,"start":null,"x":[1,{"y":"\"z"}],"type":"occurrence"}"#)
                == GraphWire.InstanceStub(id: nil, removed: nil, type: "occurrence", seriesMasterId: nil, start: nil))
        #expect(
            Self.read(#"{"start":{"DateTime":"2026-01-01T10:00:00","TimeZone":"UTC","extra":true}}"#)?.start
                == .init(dateTime: "2026-01-01T10:00:00", timeZone: "UTC"))
        #expect(
            Self.read(#"{"start":{"DateTime":"late","dateTime":"first","timeZone":null,"TimeZone":"Tokyo"}}"#)?.start
                == .init(dateTime: "first", timeZone: "Tokyo"))
    }

    /// A page as Graph may send it, indented: its stubs are read as sent (not compacted
    /// first) and equal those of the same page without whitespace; an event beside them
    /// is still kept compacted.
    @Test func anIndentedPagesStubsAreReadAsSent() throws {
        let stub = String(decoding: try GraphFixture.data("calendarview-delta-occurrence-bare-2023"), as: UTF8.self)
        #expect(stub.contains("\n"))
        let single = """
            {
              "id": "single-1", "type": "singleInstance", "subject": "Lunch",
              "start": { "dateTime": "2023-07-24T12:00:00.0000000", "timeZone": "UTC" },
              "end": { "dateTime": "2023-07-24T13:00:00.0000000", "timeZone": "UTC" }
            }
            """
        let page =
            "{\n  \"@odata.deltaLink\": \"https://graph.microsoft.com/d\",\n  \"value\": [\n\(stub),\n\(single)\n  ]\n}"
        let indented = try GraphMapping.page(Array(page.utf8), fallbackZone: "UTC")
        let compact = try GraphMapping.page(
            Array(JSONItemScanner.compact(Array(page.utf8)[...])), fallbackZone: "UTC")
        #expect(indented.stubs.count == 1)
        #expect(indented.stubs == compact.stubs)
        #expect(indented.changes.upserts.map(\.id) == ["single-1"])
        #expect(indented.changes.upserts.first?.raw == compact.changes.upserts.first?.raw)
        #expect(indented.changes.upserts.first?.raw.contains("\n") == false)
    }

    /// A stub's `@odata.etag` is its master's change key, quoted and marked weak.
    @Test func theChangeKeyIsTheEtagWithoutItsQuotes() {
        #expect(
            GraphMapping.changeKey(etag: #"W/"DwAAABYAAAC9YbapXssvT4RTG13UUr6AAAhT48i7""#)
                == "DwAAABYAAAC9YbapXssvT4RTG13UUr6AAAhT48i7")
        #expect(GraphMapping.changeKey(etag: #""m1""#) == "m1")
        #expect(GraphMapping.changeKey(etag: "W/m1") == "m1")
        #expect(GraphMapping.changeKey(etag: #"W/"""#) == nil)
        #expect(GraphMapping.changeKey(etag: "") == nil)
        #expect(GraphMapping.changeKey(etag: nil) == nil)
        // One quote is no pair of quotes: kept as it is.
        #expect(GraphMapping.changeKey(etag: #"W/""#) == #"""#)
        #expect(GraphMapping.changeKey(etag: #""é"#) == #""é"#)
        #expect(GraphMapping.changeKey(etag: #""é""#) == "é")
        #expect(GraphMapping.changeKey(etag: "W/") == nil)
    }

    /// The change key is cut from the bytes of an etag as Graph spells it; every other
    /// spelling takes the whole string's path, and both answer as JSONDecoder does.
    @Test func theChangeKeyIsReadFromTheEtagAsJSONDecoderReadsIt() {
        let etags: [(json: String, changeKey: String?)] = [
            (#""W/\"DwAAABYAAAC9\"""#, "DwAAABYAAAC9"),
            (#""W/\"\"""#, nil),
            (#""W/\"a\/b\"""#, "a/b"),
            (#""W/\"a\"b""#, #""a"b"#),
            (#""W/\"a\u0022""#, "a"),
            (#""\"m1\"""#, "m1"),
            (#""W/m1""#, "m1"),
            (#""W/\"""#, #"""#),
            (#""""#, nil),
            ("null", nil),
        ]
        for (json, changeKey) in etags {
            let item = #"{"id":"o1","@odata.etag":"# + json + #","type":"occurrence"}"#
            let read = Self.read(item)
            #expect(read != nil, "\(json)")
            #expect(read?.changeKey == changeKey, "\(json)")
            #expect(read == Self.decoded(Array(item.utf8)[...]), "\(json)")
        }
        // Not a string, or a string not closed: neither reader takes it.
        #expect(Self.read(#"{"id":"o1","@odata.etag":5}"#) == nil)
        #expect(Self.read(#"{"id":"o1","@odata.etag":"W/\"k"#) == nil)
    }

    /// Every item of the Graph fixtures, and 5,000 damaged copies of them: where the reader
    /// answers, JSONDecoder answers the same.
    @Test func itNeverAnswersOtherwiseThanJSONDecoder() throws {
        var items: [[UInt8]] = []
        for (_, page) in try FuzzedPageTests.pages(.graph) {
            guard let scanned = try? JSONItemScanner(page: page, arrayKey: "value") else { continue }
            items += scanned.items.map(Array.init)
        }
        for name in try Fixtures.names("graph") where name.hasPrefix("calendarview-delta-occurrence") {
            items.append(Array(try GraphFixture.data(name)))
        }
        #expect(items.count >= 15)
        var mutator = PageMutator(random: SplitMix64(seed: 0x57AB))
        var answered = 0
        for index in 0..<5_000 {
            let original = items[index % items.count]
            let bytes = index < items.count ? original : mutator.mutate(original)
            guard let read = GraphStubReader.read(bytes[...]) else { continue }
            answered += 1
            #expect(read == Self.decoded(bytes[...]), "case \(index): \(String(decoding: bytes, as: UTF8.self))")
        }
        // Enough answers for the comparison to mean something (842 with this seed: many
        // fixture items carry non-ASCII text, and damage often breaks the JSON).
        #expect(answered > 500)
    }
}
