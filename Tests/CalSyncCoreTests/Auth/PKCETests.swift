import Testing

@testable import CalSyncAuth
@testable import CalSyncModel

struct PKCETests {
    @Test func matchesTheRFC7636Example() {
        // RFC 7636 appendix B.
        let pkce = PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(pkce.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    @Test func freshVerifiersAreLongEnoughAndURLSafe() {
        var generator = SystemRandomNumberGenerator()
        let first = PKCE(using: &generator)
        let second = PKCE(using: &generator)
        #expect(first.verifier.count == 43)
        #expect(first.verifier != second.verifier)
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(first.verifier.allSatisfy(allowed.contains))
        #expect(first.challenge.allSatisfy(allowed.contains))
    }
}
