internal import CCurl
import CalSyncModel
import Foundation

/// One request in flight: the easy handle, what it sends, what came back, and the
/// continuation waiting for it.
///
/// Touched only on the loop thread once handed over (curl's callbacks run there); the
/// creating task only builds it. Hence `@unchecked Sendable`.
final class CurlTransfer: @unchecked Sendable {
    let id: UInt64
    let request: HTTPRequest
    let maximumBodySize: Int
    var continuation: CheckedContinuation<HTTPResponse, any Error>?
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    var statusLineSeen = false
    var headers: [(name: String, value: String)] = []
    var body = Data()
    var bodyTooLarge = false

    init(id: UInt64, request: HTTPRequest, maximumBodySize: Int) {
        self.id = id
        self.request = request
        self.maximumBodySize = maximumBodySize
    }

    /// Creates and configures the easy handle. Runs on the loop thread.
    func makeHandle(configuration: CurlTransport.Configuration) -> CalSyncError? {
        guard let easy = curl_easy_init() else {
            return CalSyncError(.transport, "libcurl could not create a transfer")
        }
        self.easy = easy
        let context = Unmanaged.passUnretained(self).toOpaque()
        var failures: [CURLoption] = []
        func set(_ option: CURLoption, _ value: Int) {
            if ccurl_setopt_long(easy, option, value) != CURLE_OK { failures.append(option) }
        }
        func set(_ option: CURLoption, _ value: String) {
            if ccurl_setopt_string(easy, option, value) != CURLE_OK { failures.append(option) }
        }
        set(CURLOPT_URL, request.url)
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_PROTOCOLS_STR, "http,https")
        set(CURLOPT_FOLLOWLOCATION, 0)
        // TLS verification is always on; only the CA bundle may be chosen.
        set(CURLOPT_SSL_VERIFYPEER, 1)
        set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = configuration.caFile { set(CURLOPT_CAINFO, caFile) }
        set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        // "" = every encoding this libcurl decodes (gzip, deflate, br…), decoded transparently.
        set(CURLOPT_ACCEPT_ENCODING, "")
        set(CURLOPT_USERAGENT, configuration.userAgent)
        set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.totalTimeout))
        set(CURLOPT_TCP_KEEPALIVE, 1)
        ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, &errorBuffer)
        ccurl_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION, curlTransferWrite)
        ccurl_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        ccurl_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION, curlTransferHeader)
        ccurl_setopt_pointer(easy, CURLOPT_HEADERDATA, context)

        switch request.method {
        case .GET: set(CURLOPT_HTTPGET, 1)
        default:
            set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
            // Anything but a GET goes out on a new connection: libcurl sends a request
            // again by itself when a reused connection closes before any answer, and a
            // write the server already applied would then be made twice (Google answers
            // the second PATCH 412, and an applied update ends as a conflict). On a new
            // connection the drop reaches the caller, which retries knowingly
            // (docs/write-back.md "Exactly once").
            set(CURLOPT_FRESH_CONNECT, 1)
        }
        if let body = request.body ?? (request.method == .GET || request.method == .DELETE ? nil : Data()) {
            ccurl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies: the Data need not outlive this call.
                _ = ccurl_setopt_pointer(
                    easy, CURLOPT_COPYPOSTFIELDS,
                    UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            }
        }
        // "Expect:" disables the 100-continue round trip for request bodies.
        for header in request.headers + [(name: "Expect", value: "")] {
            let line = header.value.isEmpty ? "\(header.name):" : "\(header.name): \(header.value)"
            headerList = curl_slist_append(headerList, line)
        }
        ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList)
        guard failures.isEmpty else {
            return CalSyncError(
                .transport, "libcurl refused \(failures.count) option(s) for \(request.redactedDescription)")
        }
        return nil
    }

    /// Frees the easy handle and header list. Runs on the loop thread.
    func releaseHandle() {
        if let easy { curl_easy_cleanup(easy) }
        easy = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
    }

    /// The response or the error for a finished transfer. Runs on the loop thread.
    func result(code: CURLcode) -> Result<HTTPResponse, any Error> {
        guard code == CURLE_OK else { return .failure(error(for: code)) }
        var status = 0
        ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: headers, body: body))
    }

    func error(for code: CURLcode) -> CalSyncError {
        let host = URL(string: request.url)?.host ?? "the server"
        let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return CalSyncError(.timeout, "\(request.method.rawValue) \(host) timed out: \(reason)")
        case CURLE_WRITE_ERROR where bodyTooLarge:
            let limit =
                maximumBodySize % (1 << 20) == 0 ? "\(maximumBodySize >> 20) MiB" : "\(maximumBodySize) bytes"
            return CalSyncError(
                .transport,
                "\(request.method.rawValue) \(host): the response is larger than the size limit of \(limit)")
        default:
            return CalSyncError(.transport, "\(request.method.rawValue) \(host) failed: \(reason)")
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

/// CURLOPT_WRITEFUNCTION: append to the body, or stop a body that grows past the limit.
private func curlTransferWrite(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context, let data else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    if transfer.body.count + length > transfer.maximumBodySize {
        transfer.bodyTooLarge = true
        return 0
    }
    data.withMemoryRebound(to: UInt8.self, capacity: length) { transfer.body.append($0, count: length) }
    return length
}

/// CURLOPT_HEADERFUNCTION: collect the final response's headers (a new status line —
/// after `100 Continue` or a redirect — starts over).
private func curlTransferHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context, let data else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }.trimmingCharacters(in: .whitespacesAndNewlines)
    if line.hasPrefix("HTTP/") {
        transfer.headers.removeAll()
    } else if let colon = line.firstIndex(of: ":") {
        transfer.headers.append(
            (
                String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            ))
    }
    return length
}
