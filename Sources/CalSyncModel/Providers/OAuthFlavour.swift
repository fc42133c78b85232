/// How one identity platform speaks OAuth where platforms differ: whether the scopes go
/// with every grant (Microsoft's v2.0 endpoints want them on refreshes too) and what to
/// tell the user when it refuses a refresh token. Each provider kind says its own.
public struct OAuthFlavour: Sendable, Equatable {
    /// The platform's name in messages ("Google", "Microsoft").
    public var name: String
    /// Send `scope` with refresh and code grants.
    public var sendsScopesWithGrants: Bool
    /// The sentence for a refused refresh token: `said` is the endpoint's error and first
    /// line of its description, `codes` its numeric error codes (Microsoft's AADSTS).
    public var loginAdvice: @Sendable (_ said: String, _ codes: [Int]) -> String

    public init(
        name: String, sendsScopesWithGrants: Bool,
        loginAdvice: @escaping @Sendable (_ said: String, _ codes: [Int]) -> String
    ) {
        self.name = name
        self.sendsScopesWithGrants = sendsScopesWithGrants
        self.loginAdvice = loginAdvice
    }

    /// A platform no kind describes: plain advice, scopes only at sign-in.
    public static let unnamed = OAuthFlavour(name: "the identity provider", sendsScopesWithGrants: false) { said, _ in
        "The identity provider refused the refresh token (\(said)): sign in again."
    }

    /// Flavours are told apart by name: a kind has one.
    public static func == (lhs: OAuthFlavour, rhs: OAuthFlavour) -> Bool {
        lhs.name == rhs.name && lhs.sendsScopesWithGrants == rhs.sendsScopesWithGrants
    }
}
