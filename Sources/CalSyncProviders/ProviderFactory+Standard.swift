public import CalSyncEngine
public import CalSyncModel

extension ProviderFactory {
    /// The clients of the providers calsync ships (``ProviderKinds/standard``): each kind
    /// makes its own, from the account's settings.
    /// - Parameter windowSlide: `[sync] window_slide`, how long a Graph round's frozen window lasts.
    public static func standard(
        transport: any HTTPTransport, environment: [String: String], windowSlide: Duration = .seconds(7 * 86_400),
        kinds: [any ProviderKind] = ProviderKinds.standard
    ) -> ProviderFactory {
        // One maker per kind for the factory's lifetime: what its clients share (a
        // mailbox's request limit, calendar lists kept between polls) lives there.
        let makers = Dictionary(
            kinds.map { ($0.name, $0.providerMaker(transport: transport)) }, uniquingKeysWith: { first, _ in first })
        return ProviderFactory { account, tokens in
            guard let make = makers[account.provider] else {
                throw CalSyncError(
                    .config, "account \(account.name): provider \(account.provider) is not built in")
            }
            var apiKey: String?
            if case .apiKey(let source) = account.auth { apiKey = try source.resolve(environment: environment).value }
            var client = ProviderAccount(
                name: account.name, endpoints: account.endpoints, calendars: account.calendars,
                timeZone: account.timeZone, apiKey: apiKey, windowSlide: windowSlide)
            account.settings.configure(&client)
            return try make(client, tokens)
        }
    }
}
