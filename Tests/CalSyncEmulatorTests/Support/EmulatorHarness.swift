import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncModel
import CurlTransport
import Foundation
import Logging

/// A running emulator and an HTTP client for it: each test owns one.
struct EmulatorHarness {
    let emulator: ProviderEmulator
    let transport: CurlTransport
    var state: EmulatorState { emulator.state }
    var base: String { emulator.baseURL }

    static func start(
        options: EmulatorOptions = EmulatorOptions(), state: EmulatorState? = nil
    ) async throws
        -> EmulatorHarness
    {
        let emulator = try await ProviderEmulator.start(options: options, state: state)
        var logger = Logger(label: "calsync.emulator-tests")
        logger.logLevel = .critical
        return EmulatorHarness(emulator: emulator, transport: CurlTransport(logger: logger))
    }

    func stop() async {
        transport.shutdown()
        await emulator.stop()
    }

    /// A request to `path` (relative to the emulator) or to a full URL.
    func send(
        _ method: HTTPRequest.Method = .GET, _ pathOrURL: String, token: String? = nil,
        headers: [(name: String, value: String)] = [], body: Data? = nil
    ) async throws -> HTTPResponse {
        var allHeaders = headers
        if let token { allHeaders.append((name: "Authorization", value: "Bearer \(token)")) }
        if body != nil, !allHeaders.contains(where: { $0.name == "Content-Type" }) {
            allHeaders.append((name: "Content-Type", value: "application/json"))
        }
        let url = pathOrURL.hasPrefix("http") ? pathOrURL : base + pathOrURL
        return try await transport.perform(
            HTTPRequest(method: method, url: url, headers: allHeaders, body: body, totalTimeout: .seconds(30)))
    }

    func json(_ response: HTTPResponse) throws -> JSONValue {
        try JSONValue.parse(response.body)
    }

    /// A form POST (`application/x-www-form-urlencoded`).
    func postForm(
        _ path: String, _ fields: [(String, String)], headers: [(name: String, value: String)] = []
    )
        async throws -> HTTPResponse
    {
        let body = fields.map { "\($0.0)=\(Self.formEncode($0.1))" }.joined(separator: "&")
        return try await send(
            .POST, path, headers: headers + [(name: "Content-Type", value: "application/x-www-form-urlencoded")],
            body: Data(body.utf8))
    }

    static func formEncode(_ value: String) -> String {
        value.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(
                charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? value
    }
}

extension JSONValue {
    /// The `items` of a Google list page.
    var items: [JSONValue] { self["items"]?.arrayValue ?? [] }
    func string(_ key: String) -> String? { self[key]?.stringValue }
}
