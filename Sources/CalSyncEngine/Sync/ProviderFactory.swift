import CalSyncAuth
/// Makes the provider client of a configured account. One entry per provider kind lives
/// in ``ProviderFactory/standard(transport:)``; tests inject their own.
public import CalSyncModel
import CalSyncStore

public struct ProviderFactory: Sendable {
    /// Builds the client; `tokens` is nil for API-key accounts.
    public var make: @Sendable (AccountConfiguration, (any AccessTokenProviding)?) throws -> any CalendarProvider

    public init(
        make: @escaping @Sendable (AccountConfiguration, (any AccessTokenProviding)?) throws -> any CalendarProvider
    ) {
        self.make = make
    }
}
