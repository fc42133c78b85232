import CalSyncModel
import Foundation
import Synchronization

/// An HTTPTransport that answers from a script and records every request, for testing
/// clients without a server.
final class ScriptedTransport: HTTPTransport {
    private let state: Mutex<(responses: [HTTPResponse], requests: [HTTPRequest])>

    init(_ responses: [HTTPResponse]) {
        state = Mutex((responses, []))
    }

    var requests: [HTTPRequest] { state.withLock { $0.requests } }

    func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
        try state.withLock { state in
            state.requests.append(request)
            guard !state.responses.isEmpty else {
                throw CalSyncError(.transport, "the script has no response left for \(request.redactedDescription)")
            }
            return state.responses.removeFirst()
        }
    }
}

/// The recorded provider responses under Tests/CalSyncCoreTests/Fixtures.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// The bytes of `google/NAME.json` or `graph/NAME.json`.
    static func data(_ provider: String, _ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(provider).appendingPathComponent(name + ".json"))
    }

    /// Every fixture name (without `.json`) of a provider.
    static func names(_ provider: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(provider).path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }
}
