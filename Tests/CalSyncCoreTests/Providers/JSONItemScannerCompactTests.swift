import Testing

@testable import CalSyncModel

struct JSONItemScannerCompactTests {
    @Test func removesWhitespaceOutsideStringsOnly() {
        let pretty = Array("{\n  \"summary\" : \"Team sync\\\" now\",\n\t\"n\": [1, 2]\r\n}".utf8)
        let compact = JSONItemScanner.compact(pretty[...])
        #expect(String(decoding: compact, as: UTF8.self) == #"{"summary":"Team sync\" now","n":[1,2]}"#)
    }

    @Test func returnsCompactTextUnchanged() {
        let text = Array(#"xx{"a":"b c"}"#.utf8)
        let slice = text[2...]
        let compact = JSONItemScanner.compact(slice)
        #expect(compact.startIndex == slice.startIndex)
        #expect(Array(compact) == Array(slice))
    }
}
