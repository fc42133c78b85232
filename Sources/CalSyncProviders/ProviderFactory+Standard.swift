import CalSyncAuth
public import CalSyncEngine
import CalSyncGoogle
import CalSyncGraph
public import CalSyncModel

extension ProviderFactory {
    /// The providers calsync ships, one line each.
    /// - Parameter windowSlide: `[sync] window_slide`, how long a Graph round's frozen window lasts.
    public static func standard(
        transport: any HTTPTransport, environment: [String: String], windowSlide: Duration = .seconds(7 * 86_400)
    ) -> ProviderFactory {
        // One request limit per Microsoft mailbox, shared by every provider value made for it.
        let mailboxes = GraphMailboxes()
        // Google calendar lists and their sync tokens, kept between polls.
        let calendarLists = GoogleCalendarListCache()
        return ProviderFactory { account, tokens in
            switch account.provider {
            case .google:
                let access: GoogleProvider.Access
                if case .apiKey(let source) = account.auth {
                    access = .apiKey(
                        try source.resolve(environment: environment).value, calendarIDs: account.calendars ?? [])
                } else if let tokens {
                    access = .oauth(tokens)
                } else {
                    throw CalSyncError(.needsLogin, "account \(account.name) is not signed in yet.")
                }
                var configuration = GoogleProvider.Configuration(
                    apiBaseURL: account.endpoints.api, eventTypes: account.eventTypes, access: access)
                if case .oauth = access { configuration.calendarList = (calendarLists, account.name) }
                return GoogleProvider(configuration: configuration, transport: transport)
            case .microsoft:
                guard let tokens else {
                    throw CalSyncError(.needsLogin, "account \(account.name) is not signed in yet.")
                }
                return GraphProvider(
                    configuration: .init(
                        apiBaseURL: account.endpoints.api, timeZone: account.timeZone, windowSlide: windowSlide),
                    tokens: tokens, transport: transport,
                    mailbox: mailboxes.mailbox(
                        account: account.name, maxConcurrentRequests: account.maxConcurrentRequests))
            }
        }
    }
}
