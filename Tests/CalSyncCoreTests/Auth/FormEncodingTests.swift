import Testing

@testable import CalSyncModel

struct FormEncodingTests {
    @Test func escapesEverythingButUnreservedCharacters() {
        #expect(
            FormEncoding.encode([("refresh_token", "1//0a+b/c="), ("scope", "offline_access Calendars.Read")])
                == "refresh_token=1%2F%2F0a%2Bb%2Fc%3D&scope=offline_access%20Calendars.Read")
    }

    @Test func decodesWhatItEncodes() {
        let fields = FormEncoding.decode("code=4%2F0Ab&state=x+y&empty=&flag")
        #expect(fields == ["code": "4/0Ab", "state": "x y", "empty": "", "flag": ""])
    }
}
