import Foundation

/// A fault injected into the next `count` requests whose path starts with `pathPrefix`.
///
/// One fault may combine a delay with an outcome: an error status (with the API's own
/// error body and, when given, `Retry-After`), a body cut in the middle, or a connection
/// closed before any byte of the response. Hostile-server faults change the answer the
/// outcome leaves (docs/emulator.md "Faults"): extra or overriding headers, Graph links
/// sent to another origin, a body padded past a size, an error message of one's own.
public struct Fault: Sendable, Equatable {
    /// A header line the fault adds to the answer, replacing any of the same name.
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

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
    /// Sent verbatim, however long or odd (`Retry-After: 1e300`, a 200 KiB value).
    public var headers: [Header]
    /// Replaces the emulator's own origin (`http://127.0.0.1:PORT`) wherever the body names
    /// it, i.e. in Graph's `@odata.nextLink`/`@odata.deltaLink`: links to another origin.
    public var linkOrigin: String?
    /// Pads a JSON object body with spaces after its `{` to at least this many bytes: still
    /// valid JSON, but past a client's body limit.
    public var paddedBodyBytes: Int?
    /// The error message of a `.status` outcome's body, instead of the API's usual words.
    public var message: String?

    public init(
        pathPrefix: String, method: String? = nil, count: Int = 1, delay: Duration = .zero, outcome: Outcome,
        headers: [Header] = [], linkOrigin: String? = nil, paddedBodyBytes: Int? = nil, message: String? = nil
    ) {
        self.pathPrefix = pathPrefix
        self.method = method
        self.count = count
        self.delay = delay
        self.outcome = outcome
        self.headers = headers
        self.linkOrigin = linkOrigin
        self.paddedBodyBytes = paddedBodyBytes
        self.message = message
    }

    /// Whether the fault changes anything beyond its outcome and delay.
    public var rewritesResponse: Bool {
        !headers.isEmpty || linkOrigin != nil || paddedBodyBytes != nil
    }

    /// `response` with this fault's headers, links and padding applied.
    package func rewrite(_ response: EmulatorResponse, ownOrigin: String) -> EmulatorResponse {
        var response = response
        for header in headers {
            response.headers.removeAll { $0.name.caseInsensitiveCompare(header.name) == .orderedSame }
            response.headers.append((name: header.name, value: header.value))
        }
        if let linkOrigin, !ownOrigin.isEmpty {
            response.body = Self.replacing(Array(ownOrigin.utf8), with: Array(linkOrigin.utf8), in: response.body)
        }
        if let paddedBodyBytes, response.body.first == UInt8(ascii: "{"), response.body.count < paddedBodyBytes {
            let padding = [UInt8](repeating: UInt8(ascii: " "), count: paddedBodyBytes - response.body.count)
            response.body.insert(contentsOf: padding, at: 1)
        }
        return response
    }

    private static func replacing(_ needle: [UInt8], with replacement: [UInt8], in body: [UInt8]) -> [UInt8] {
        guard !needle.isEmpty, body.count >= needle.count else { return body }
        var result: [UInt8] = []
        result.reserveCapacity(body.count)
        var index = 0
        while index < body.count {
            if body[index] == needle[0], index + needle.count <= body.count,
                body[index..<index + needle.count].elementsEqual(needle)
            {
                result += replacement
                index += needle.count
            } else {
                result.append(body[index])
                index += 1
            }
        }
        return result
    }

    package func matches(_ request: EmulatorRequest) -> Bool {
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
