import CalSyncModel
import Foundation

/// Proof Key for Code Exchange (RFC 7636) with the S256 method, as Google's desktop-app
/// flow and Microsoft's loopback flow require.
public struct PKCE: Sendable, Equatable {
    /// The secret kept by calsyncctl until the code exchange (43 characters).
    public let verifier: String
    /// `BASE64URL(SHA256(verifier))`, sent in the authorization URL.
    public let challenge: String

    /// A fresh verifier from 32 random bytes.
    public init<R: RandomNumberGenerator>(using generator: inout R) {
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        self.init(verifier: PKCE.base64URL(bytes))
    }

    /// The pair for a given verifier (tests, and RFC 7636's example).
    public init(verifier: String) {
        self.verifier = verifier
        self.challenge = PKCE.base64URL(SHA256.hash(verifier.utf8))
    }

    /// Base64url without padding (RFC 7636 appendix A).
    public static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
