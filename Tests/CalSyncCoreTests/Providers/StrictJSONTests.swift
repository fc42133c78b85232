import Testing

@testable import CalSyncGoogle
@testable import CalSyncModel

/// Items Foundation's JSONDecoder reads but SQLite's json_valid refuses are quarantined,
/// not stored in `events.raw` (found by FuzzedPageTests).
struct StrictJSONTests {
    static func valid(_ text: String) -> Bool { StrictJSON.isValid(Array(text.utf8)[...]) }

    @Test(
        arguments: [
            #"{}"#, #"{"a":1}"#, #" { "a" : [ 1 , -2.5e+3 , 0 , true , false , null , "x\"\\\/\b\f\n\r\t\u00e9" ] } "#,
            #"{"a":{"b":[{}]},"c":1e999}"#, #"[]"#, #""🧽""#, #"{"a":"\u001d"}"#,
        ])
    func acceptsJSON(text: String) {
        #expect(Self.valid(text))
    }

    @Test(
        arguments: [
            #"{"a":1,}"#, #"{"a":"",}"#, #"[1,]"#, "{\"a\":\"x\u{1D}y\"}", "{\"a\":\"x\ty\"}", #"{"a":01}"#,
            #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":+1}"#, #"{"a":tru}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#,
            #"{a:1}"#, #"{"a" 1}"#, #"{"a":1}}"#, #"{"a":1"#, "", #"{"a":NaN}"#, #"{"a":1e}"#,
        ])
    func refusesWhatJSONDecoderForgives(text: String) {
        #expect(!Self.valid(text))
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        #expect(!Self.valid(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)))
    }

    @Test func aTrailingCommaInAGooglePageQuarantinesTheItemOnly() throws {
        let page = try GoogleMapping.page(
            Array(
                #"{"items":[{"id":"bad","status":"confirmed","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"},},"#
                    .utf8)
                + Array(
                    #"{"id":"good","status":"confirmed","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}}]}"#
                        .utf8))
        #expect(page.changes.upserts.map(\.id) == ["good"])
        #expect(page.changes.quarantined.map(\.reason) == ["not valid JSON"])
    }
}
