import CalSyncModel
import Foundation

/// Graph's JSON batching (`POST {graph}/$batch`): up to 20 GET requests in one body, one
/// answer per request, each with its own status, headers and body
/// (docs/providers-graph.md "Series masters").
enum GraphBatch {
    /// Graph refuses a batch of more than 20 requests.
    static let maximumRequests = 20

    /// One request of a batch: its id inside the batch and its URL relative to the
    /// versioned base (`/me/calendars/…`).
    struct Request: Equatable {
        var id: String
        var url: String
    }

    /// One answer of a batch, as an HTTP response of its own (so the provider's error
    /// mapping reads it as it reads any response); `body` is the answer's JSON body as sent.
    struct Answer {
        var id: String
        var response: HTTPResponse
    }

    /// The request body: `{"requests":[{"id","method":"GET","url","headers"}…]}`. The
    /// `Prefer` preferences travel with every request of the batch (a batch's own headers
    /// are not its requests').
    static func body(_ requests: [Request], prefer: String) -> Data {
        let items = requests.map { request in
            "{\"id\":\(CompactJSON.string(request.id)),\"method\":\"GET\",\"url\":\(CompactJSON.string(request.url)),"
                + "\"headers\":{\"Prefer\":\(CompactJSON.string(prefer))}}"
        }
        return Data(("{\"requests\":[" + items.joined(separator: ",") + "]}").utf8)
    }

    /// The answers of a batch response, in the order sent (Graph answers in any order).
    /// - Throws: `.decoding` when the body is not a batch response (`.transport` when it
    ///   is not JSON at all, ``ResponseBody``).
    static func answers(_ bytes: [UInt8]) throws -> [Answer] {
        let (_, items) = try PageDecoder.scan(
            bytes, arrayKey: "responses", envelope: Envelope.self, naming: "a $batch response")
        return try items.map(answer)
    }

    struct Envelope: Decodable {}

    /// The members of one answer but its body, which is kept as bytes.
    struct Head: Decodable {
        var id: String
        var status: Int
        var headers: [String: String]?
    }

    static func answer(_ item: ArraySlice<UInt8>) throws -> Answer {
        guard let head = try? JSONDecoder().decode(Head.self, from: Data(item)) else {
            throw CalSyncError(.decoding, "an answer of a $batch response has no id or status")
        }
        let body = member("body", of: item) ?? []
        let headers = (head.headers ?? [:]).sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        return Answer(id: head.id, response: HTTPResponse(status: head.status, headers: headers, body: Data(body)))
    }

    /// The bytes of a top-level member's value of a JSON object; nil when absent or when
    /// the object cannot be walked.
    static func member(_ name: String, of object: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        object.withUnsafeBufferPointer { buffer in
            var walk = JSONWalk(buffer: buffer, slice: object)
            var found: ArraySlice<UInt8>?
            let complete = walk.object { key, walk in
                let start = object.startIndex + walk.position
                guard walk.skipValue(depth: 1) else { return false }
                if key.elementsEqual(name.utf8) { found = object[start..<(object.startIndex + walk.position)] }
                return true
            }
            return complete ? found : nil
        }
    }
}
