public import Foundation

/// An HTTP request as calsync's providers build it.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable { case GET, POST, PUT, PATCH, DELETE }

    public var method: Method
    public var url: String
    /// Header fields in order; names compared case-insensitively by the server.
    public var headers: [(name: String, value: String)]
    public var body: Data?
    /// Connection establishment limit.
    public var connectTimeout: Duration
    /// The whole exchange's limit, first byte to last.
    public var totalTimeout: Duration

    public init(
        method: Method = .GET, url: String, headers: [(name: String, value: String)] = [], body: Data? = nil,
        connectTimeout: Duration = .seconds(10), totalTimeout: Duration = .seconds(120)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
    }

    /// A description safe for logs: method and URL with secret query values masked
    /// (`key`, `access_token`); headers are never included.
    public var redactedDescription: String {
        "\(method.rawValue) \(HTTPRequest.redact(url: url))"
    }

    static func redact(url: String) -> String {
        guard let queryStart = url.firstIndex(of: "?") else { return url }
        let secretNames: Set<String> = ["key", "access_token", "refresh_token", "client_secret", "code"]
        let query = url[url.index(after: queryStart)...].split(separator: "&").map { pair -> String in
            let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return secretNames.contains(name) ? "\(name)=REDACTED" : String(pair)
        }
        return url[..<queryStart] + "?" + query.joined(separator: "&")
    }
}

/// An HTTP response: status, headers and the whole body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// Performs HTTP requests. The daemon uses libcurl (`CurlTransport`); tests may use fakes.
///
/// Implementations never block the cooperative thread pool, honour task cancellation
/// (throwing ``CalSyncError`` `.cancelled`) and never log `Authorization` values.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the whole response; any HTTP status is a response, not an
    /// error. Throws ``CalSyncError`` with `.transport`, `.timeout` or `.cancelled`.
    func perform(_ request: HTTPRequest) async throws -> HTTPResponse
}
