internal import CCurl

/// libcurl's process-wide initialisation, done once before any transfer.
public enum CurlGlobal {
    /// Initialises libcurl (idempotent, thread-safe). Call early in `main`.
    public static func initialize() {
        _ = initialized
    }

    private static let initialized: Bool = {
        // Before curl_global_init: keep OpenSSL 3 from registering its atexit cleanup, which can
        // run before libcurl's own teardown and double-free (swift-corelibs-foundation #5469).
        ccurl_disable_openssl_atexit()
        return curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    /// `libcurl/7.88.1 OpenSSL/3.0.17 zlib/1.2.13 … nghttp2/1.52.0`.
    public static var version: String {
        String(cString: curl_version())
    }
}
