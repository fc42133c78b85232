public import Foundation

/// One request the emulator received and what it answered, for tests to assert on
/// (what was sent, in which order, how often, and when).
public struct RecordedRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    public var status: Int
    /// Set when an injected fault decided the outcome.
    public var fault: Fault.Outcome?
    /// When the request had arrived (before any injected delay).
    public var receivedAt: Date
    /// When its answer was ready (after the delay).
    public var answeredAt: Date
    /// The Graph mailbox (user) whose access token the request carried; nil for other
    /// requests and unknown tokens.
    public var mailbox: String?

    package init(
        method: String, path: String, query: [(name: String, value: String)], headers: [(name: String, value: String)],
        status: Int, fault: Fault.Outcome?, receivedAt: Date, answeredAt: Date, mailbox: String?
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.status = status
        self.fault = fault
        self.receivedAt = receivedAt
        self.answeredAt = answeredAt
        self.mailbox = mailbox
    }

    public func parameter(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }

    package var json: JSONValue {
        var object: JSONValue = .object([
            ("method", .string(method)), ("path", .string(path)),
            ("query", .array(query.map { .object([("name", .string($0.name)), ("value", .string($0.value))]) })),
            ("status", .number(Double(status))),
            ("receivedAt", .string(EmulatorClock.rfc3339(receivedAt))),
            ("answeredAt", .string(EmulatorClock.rfc3339(answeredAt))),
        ])
        if let mailbox { object.set("mailbox", .string(mailbox)) }
        if let fault { object.set("fault", .string(String(describing: fault))) }
        return object
    }
}
