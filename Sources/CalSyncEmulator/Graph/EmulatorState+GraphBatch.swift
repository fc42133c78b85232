import CalSyncEmulatorServer
import Foundation

/// `POST /v1.0/$batch`: Graph's JSON batching. Up to 20 requests (`id`, `method`, `url`
/// relative to the version root, optional `headers` and `body`), each answered as if sent
/// on its own with the batch's bearer token, in `responses` (`id`, `status`, `headers`,
/// `body`). The batch is one request in flight for the mailbox; an injected status fault
/// whose path matches a request of the batch answers that request alone (as Graph
/// throttles the requests of a batch one by one), other faults apply to whole requests only.
extension EmulatorState {
    static let graphBatchLimit = 20

    func graphBatch(_ request: EmulatorRequest) -> EmulatorResponse {
        guard let body = try? JSONValue.parse(request.body), let requests = body["requests"]?.arrayValue else {
            return GraphErrorBody.badRequest("Invalid batch payload format.")
        }
        guard requests.count <= Self.graphBatchLimit else {
            return GraphErrorBody.badRequest(
                "The number of batch requests exceeds the maximum of \(Self.graphBatchLimit).")
        }
        var ids: Set<String> = []
        var writer = JSONWriter(reservingCapacity: 4096)
        writer.append("{\"responses\":[")
        for (offset, item) in requests.enumerated() {
            guard let id = item["id"]?.stringValue, let method = item["method"]?.stringValue,
                let url = item["url"]?.stringValue, ids.insert(id).inserted
            else {
                return GraphErrorBody.badRequest("Each batch request needs a unique id, a method and a url.")
            }
            let answer = graphBatchAnswer(item, method: method, url: url, batch: request)
            if offset > 0 { writer.append(",") }
            writer.append("{\"id\":")
            writer.writeString(id)
            writer.append(",\"status\":\(answer.status),\"headers\":{")
            for (index, header) in answer.headers.enumerated() {
                if index > 0 { writer.append(",") }
                writer.writeString(header.name)
                writer.append(":")
                writer.writeString(header.value)
            }
            writer.append("}")
            if let first = answer.body.first(where: { $0 != 0x20 }),
                first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
            {
                writer.append(",\"body\":")
                writer.writeRaw(answer.body)
            } else if !answer.body.isEmpty {
                writer.append(",\"body\":")
                writer.writeString(String(decoding: answer.body, as: UTF8.self))
            }
            writer.append("}")
        }
        writer.append("]}")
        return .json(200, bytes: writer.output)
    }

    /// One request of a batch, answered by the emulator's own routes.
    func graphBatchAnswer(_ item: JSONValue, method: String, url: String, batch: EmulatorRequest) -> EmulatorResponse {
        let relative = url.hasPrefix("/") ? url : "/" + url
        let parts = relative.splitting("?", maxSplits: 1).map(String.init)
        let root =
            options.graphBasePath.hasSuffix("/") ? String(options.graphBasePath.dropLast()) : options.graphBasePath
        let query: [(name: String, value: String)] =
            parts.count > 1
            ? parts[1].splitting("&").map { pair in
                let halves = pair.splitting("=", maxSplits: 1).map { $0.formDecoded }
                return (name: halves[0], value: halves.count > 1 ? halves[1] : "")
            } : []
        var headers = batch.headers.filter { $0.name == "authorization" }
        if case .object(let members) = item["headers"] ?? .null {
            headers += members.compactMap { name, value in value.stringValue.map { (name: name, value: $0) } }
        }
        let body = item["body"].map { Data($0.bytes) } ?? Data()
        let sub = EmulatorRequest(method: method, rawPath: root + parts[0], query: query, headers: headers, body: body)
        if let fault = faults.pending.first(where: { $0.matches(sub) }),
            case .status(let status, let retryAfter) = fault.outcome
        {
            _ = takeFault(for: sub)
            return injectedErrorResponse(for: sub, status: status, retryAfter: retryAfter, message: fault.message)
        }
        if sub.segments(after: options.graphBasePath)?.first == "$batch" {
            return GraphErrorBody.badRequest("A batch cannot contain a batch.")
        }
        return respond(to: sub)
    }
}
