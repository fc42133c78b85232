import Testing

@testable import CalSyncModel

/// Damaged pages the fuzz test (FuzzedPageTests) found: before the fix a stray `}` or `]`
/// inside the items array was "skipped" as an empty value without moving forward, so the
/// scan never ended and appended an element per turn until memory ran out.
struct JSONItemScannerMalformedTests {
    static func scan(_ text: String) throws -> JSONItemScanner {
        try JSONItemScanner(page: Array(text.utf8), arrayKey: "items")
    }

    @Test(
        arguments: [
            #"{"items":[{"id":"a"},}]}"#,  // stray '}' where an element should be
            #"{"items":[}]}"#,
            #"{"items":[{"id":"a"}}]}"#,  // an extra '}' after an element
            #"{"items":[{"id":"a"},]}"#,  // trailing ','
            #"{"items":[,{"id":"a"}]}"#,  // leading ','
            #"{"items":[{"id":"a"},,{"id":"b"}]}"#,  // doubled ','
            #"{"items":[{"id":"a"} {"id":"b"}]}"#,  // missing ','
            #"{"items":[{"id":"a"}],]}"#,  // stray ']' then ','
            #"{"items":[:]}"#,
            #"{"kind":"x",,"items":[]}"#,
            #"{"kind":"x","items":[],}"#,
            #"{"kind":}"#,
            #"{"items":[{"id":"a"}]}}"#,  // more after the object
            #"{"items":[{"id":"a"}"#,  // cut short
            #"{"items":[{"id":"a\"#,
        ])
    func strayPunctuationIsAnError(page: String) {
        let error = #expect(throws: CalSyncError.self) { try Self.scan(page) }
        #expect(error?.code == .decoding)
        #expect(error?.message.contains("not readable JSON") == true)
    }

    @Test func wellFormedPagesStillScan() throws {
        let empty = try Self.scan(#" { "items" : [ ] , "nextSyncToken" : "t" } "#)
        #expect(empty.items.isEmpty)
        #expect(String(decoding: empty.envelope, as: UTF8.self) == #" { "items" : [] , "nextSyncToken" : "t" } "#)

        let two = try Self.scan("{\n \"items\": [ {\"id\": \"a\"} ,\n{\"id\":\"b\", \"n\": [1, {}]} ]\n}")
        #expect(two.items.map { String(decoding: $0, as: UTF8.self) } == [#"{"id":"a"}"#, #"{"id":"b","n":[1,{}]}"#])

        let none = try Self.scan("{}")
        #expect(none.items.isEmpty)
    }
}
