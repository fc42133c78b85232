import Foundation

/// A fault injected into the next `count` requests whose path starts with `pathPrefix`.
///
/// One fault may combine a delay with an outcome: an error status (with the API's own
/// error body and, when given, `Retry-After`), a body cut in the middle, or a connection
/// closed before any byte of the response.
public struct Fault: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// The request is answered as usual (after the delay, if any).
        case none
        /// An error status with the provider's error body; `retryAfter` is sent verbatim
        /// (`"2"`, `"2.128"` or an HTTP date).
        case status(Int, retryAfter: String?)
        /// The real response's headers, then half of its body, then the connection closes.
        case truncatedBody
        /// The connection closes without a response.
        case droppedConnection
        /// The real status and headers with the first half of the body, framed as a whole
        /// response (its `Content-Length` is the half's): a body a proxy cut or garbled on
        /// the way, which no transport error reveals.
        case cutBody
    }

    public var pathPrefix: String
    public var method: String?
    public var count: Int
    public var delay: Duration
    public var outcome: Outcome

    public init(
        pathPrefix: String, method: String? = nil, count: Int = 1, delay: Duration = .zero, outcome: Outcome
    ) {
        self.pathPrefix = pathPrefix
        self.method = method
        self.count = count
        self.delay = delay
        self.outcome = outcome
    }

    func matches(_ request: EmulatorRequest) -> Bool {
        request.path.hasPrefix(pathPrefix) && (method == nil || method == request.method)
    }
}

/// The faults waiting for their requests, consumed first come, first served.
package struct FaultPlan {
    package private(set) var pending: [Fault] = []

    package init() {}

    package mutating func add(_ fault: Fault) {
        guard fault.count > 0 else { return }
        pending.append(fault)
    }

    /// The fault for this request, if any, counting it down.
    package mutating func take(for request: EmulatorRequest) -> Fault? {
        guard let index = pending.firstIndex(where: { $0.matches(request) }) else { return nil }
        let fault = pending[index]
        pending[index].count -= 1
        if pending[index].count == 0 { pending.remove(at: index) }
        return fault
    }

    package mutating func removeAll() {
        pending.removeAll()
    }
}
