import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// How the emulator behaves; every field has the default the demo and tests use.
public struct EmulatorOptions: Sendable {
    /// Google Calendar API v3's base path (`https://www.googleapis.com/calendar/v3`).
    public var googleBasePath = "/calendar/v3"
    /// Microsoft Graph's base path (`https://graph.microsoft.com/v1.0`).
    public var graphBasePath = "/v1.0"
    /// The signed-in Google user (the id of their primary calendar).
    public var googleUser = "user@example.com"
    /// The signed-in Microsoft user.
    public var microsoftUser = "user@contoso.example"
    /// Lifetime of issued access tokens (`expires_in`).
    public var accessTokenLifetime: Duration = .seconds(3599)
    /// Keys accepted as `key=` for public Google calendars.
    public var googleAPIKeys: Set<String> = ["emulator-api-key"]
    /// The authorization pages consent (redirect with a code) or refuse (`access_denied`).
    public var consentGranted = true
    /// Device codes are approved after their first poll, as if the user typed the code.
    public var deviceCodeAutoApprove = true
    public var deviceCodeLifetime: Duration = .seconds(900)
    /// Seconds between device-code polls (`interval`); faster polls get `slow_down`.
    public var deviceCodeInterval = 1
    /// Microsoft rotates refresh tokens on every grant; when set, the old one then stops
    /// working (as Microsoft may do), so a client that loses the new one must sign in again.
    public var microsoftInvalidatesOldRefreshTokens = false
    /// Google's largest events page (2,500). Google may return fewer items than
    /// `maxResults` asks for; a smaller cap makes many-page listings out of few events.
    public var googleMaximumPageSize = 2500
    /// Graph's largest page (`Prefer: odata.maxpagesize` above it is lowered to it).
    public var graphMaximumPageSize = 1000
    /// Graph's page size without `Prefer: odata.maxpagesize`.
    public var graphDefaultPageSize = 10
    /// Seed of the generator and of ids, so generated calendars are reproducible.
    public var seed: UInt64 = 1
    /// Keep at most this many recorded requests (oldest dropped first).
    public var requestLogLimit = 100_000

    public init() {}
}
