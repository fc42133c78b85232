import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// Requests in flight per Graph mailbox, and the most seen at once: Outlook allows 4
/// concurrent requests per app and mailbox (`MailboxConcurrency`), and clients are checked
/// against that number here. A request counts from its arrival (before any injected
/// delay) until its answer is ready; the mailbox is the user its access token was issued
/// to (expired tokens count too: the client still holds a request open).
struct GraphMailboxLoad {
    struct Load: Sendable, Equatable {
        var inFlight = 0
        var maximum = 0
    }

    private(set) var mailboxes: [String: Load] = [:]

    mutating func begin(_ mailbox: String) {
        mailboxes[mailbox, default: Load()].inFlight += 1
        let load = mailboxes[mailbox]!
        mailboxes[mailbox]!.maximum = max(load.maximum, load.inFlight)
    }

    mutating func end(_ mailbox: String) {
        mailboxes[mailbox]?.inFlight -= 1
    }

    /// Forgets the maxima (requests still in flight keep counting).
    mutating func resetMaxima() {
        for mailbox in mailboxes.keys { mailboxes[mailbox]!.maximum = mailboxes[mailbox]!.inFlight }
    }
}

extension EmulatorState {
    /// Called when a request arrives: its time and, for Graph API requests, the mailbox
    /// now holding one more request in flight.
    func arrive(_ request: EmulatorRequest) -> (receivedAt: Date, mailbox: String?) {
        var mailbox: String?
        if request.segments(after: options.graphBasePath) != nil, let authorization = request.header("Authorization"),
            authorization.hasPrefix("Bearer ")
        {
            mailbox = identity.owner(ofAccessToken: String(authorization.dropFirst(7)), provider: .microsoft)
        }
        if let mailbox { graphLoad.begin(mailbox) }
        return (clock(), mailbox)
    }

    /// The most Graph requests that were in flight at once for `mailbox` (default: the
    /// default Microsoft user) since the start or the last ``resetGraphConcurrency()``.
    public func graphMaximumConcurrency(mailbox: String? = nil) -> Int {
        graphLoad.mailboxes[mailbox ?? options.microsoftUser]?.maximum ?? 0
    }

    /// Requests in flight and the maximum seen, by mailbox.
    public var graphConcurrency: [String: (inFlight: Int, maximum: Int)] {
        graphLoad.mailboxes.mapValues { (inFlight: $0.inFlight, maximum: $0.maximum) }
    }

    /// Starts counting maxima afresh.
    public func resetGraphConcurrency() {
        graphLoad.resetMaxima()
    }

    /// `GET /_emulator/graph/concurrency`: `{"mailboxes": {"user": {"inFlight", "maximum"}}}`.
    func graphConcurrencyJSON() -> JSONValue {
        .object([
            (
                "mailboxes",
                .object(
                    graphLoad.mailboxes.keys.sorted().map { mailbox in
                        let load = graphLoad.mailboxes[mailbox]!
                        return (
                            mailbox,
                            .object([
                                ("inFlight", .number(Double(load.inFlight))),
                                ("maximum", .number(Double(load.maximum))),
                            ])
                        )
                    })
            )
        ])
    }
}
