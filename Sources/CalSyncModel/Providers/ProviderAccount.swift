/// What a provider client is made from: the account's settings as the configuration
/// validated them, secrets already read.
public struct ProviderAccount: Sendable {
    /// The account's name (its id in the store).
    public var name: String
    public var endpoints: ProviderEndpoints
    /// Calendar ids (or names) to sync; nil means every calendar listed.
    public var calendars: [String]?
    /// Google: the event types requested explicitly on every list call.
    public var eventTypes: [String]
    /// The configured `time_zone`, for when the provider gives none.
    public var timeZone: String?
    /// Microsoft: requests in flight per mailbox.
    public var maxConcurrentRequests: Int
    /// The API key read from its source, for accounts that use one instead of sign-in.
    public var apiKey: String?
    /// `[sync] window_slide`: how long a Graph round's frozen window lasts.
    public var windowSlide: Duration

    public init(
        name: String, endpoints: ProviderEndpoints, calendars: [String]? = nil, eventTypes: [String] = [],
        timeZone: String? = nil, maxConcurrentRequests: Int = 4, apiKey: String? = nil,
        windowSlide: Duration = .seconds(7 * 86_400)
    ) {
        self.name = name
        self.endpoints = endpoints
        self.calendars = calendars
        self.eventTypes = eventTypes
        self.timeZone = timeZone
        self.maxConcurrentRequests = maxConcurrentRequests
        self.apiKey = apiKey
        self.windowSlide = windowSlide
    }
}
