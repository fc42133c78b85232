public import Foundation

/// A request as the emulator's APIs see it, independent of the HTTP server library.
public struct EmulatorRequest: Sendable {
    public var method: String
    /// The path, percent-decoded (`/calendar/v3/calendars/a#b/events` for `a%23b`): a `#`
    /// can only arrive encoded, since clients cut unencoded ones off.
    public var path: String
    /// The path as sent, still percent-encoded (segments are split on it, then decoded).
    public var rawPath: String
    /// Query items in order, percent-decoded; names may repeat (`eventTypes`).
    public var query: [(name: String, value: String)]
    /// Header fields with lower-cased names.
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(
        method: String, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: Data = Data()
    ) {
        self.init(method: method, rawPath: path, query: query, headers: headers, body: body)
    }

    public init(
        method: String, rawPath: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: Data = Data()
    ) {
        self.method = method
        self.rawPath = rawPath
        self.path = rawPath.percentDecoded ?? rawPath
        self.query = query
        self.headers = headers.map { (name: $0.name.lowercased(), value: $0.value) }
        self.body = body
    }

    /// The first value of a query parameter.
    public func parameter(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// Every value of a repeatable query parameter, comma-separated lists split.
    public func parameters(_ name: String) -> [String] {
        query.filter { $0.name == name }.flatMap { $0.value.split(separator: ",").map(String.init) }
    }

    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }

    /// Every value of a header that may be sent several times (`Prefer`), comma lists split.
    public func headerValues(_ name: String) -> [String] {
        let lowered = name.lowercased()
        return headers.filter { $0.name == lowered }.flatMap {
            $0.value.splitting(",").map { $0.trimmingSpacesAndTabs }
        }
    }

    /// The path's segments after `prefix`, each percent-decoded; nil when the path does
    /// not start with `prefix`.
    public func segments(after prefix: String) -> [String]? {
        let trimmedPrefix = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        guard rawPath == trimmedPrefix || rawPath.hasPrefix(trimmedPrefix + "/") else { return nil }
        return rawPath.dropFirst(trimmedPrefix.count).splitting("/").map {
            $0.percentDecoded ?? String($0)
        }
    }

    /// The body as an `application/x-www-form-urlencoded` form (`+` is a space).
    public var formFields: [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }
}
