import Foundation

/// A response from one of the emulator's APIs.
public struct EmulatorResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response (`application/json; charset=UTF-8`, as both providers send).
    public static func json(
        _ status: Int, _ value: JSONValue, headers: [(name: String, value: String)] = []
    )
        -> EmulatorResponse
    {
        json(status, bytes: value.bytes, headers: headers)
    }

    public static func json(
        _ status: Int, bytes: [UInt8], headers: [(name: String, value: String)] = []
    )
        -> EmulatorResponse
    {
        EmulatorResponse(
            status: status, headers: [(name: "Content-Type", value: "application/json; charset=UTF-8")] + headers,
            body: bytes)
    }

    public static func text(
        _ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8"
    )
        -> EmulatorResponse
    {
        EmulatorResponse(status: status, headers: [(name: "Content-Type", value: contentType)], body: Array(text.utf8))
    }

    /// 302 to `location`.
    public static func redirect(to location: String) -> EmulatorResponse {
        EmulatorResponse(status: 302, headers: [(name: "Location", value: location)])
    }

    public var bodyJSON: JSONValue? { try? JSONValue.parse(Data(body)) }
}
