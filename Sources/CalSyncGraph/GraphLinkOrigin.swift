import CalSyncModel
import Foundation

/// The origin (scheme, host, port) of a URL, as RFC 6454 compares them: the scheme and host
/// without regard to case, a missing port as the scheme's default.
///
/// Graph's `@odata.nextLink` and `@odata.deltaLink` are absolute URLs the server chooses,
/// and every request to them carries the account's bearer token. calsync follows them only
/// on the origin of `graph_url`: a link to another host, port or scheme (an `https` base
/// sending us to `http`) is a page we cannot read, never a request that hands the token to
/// someone else (docs/providers-graph.md, "Links").
struct GraphLinkOrigin: Equatable, CustomStringConvertible {
    var scheme: String
    var host: String
    var port: Int

    /// nil when `url` is not an absolute URL with a scheme and a host.
    init?(_ url: String) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        let port: Int
        if let explicit = components.port {
            port = explicit
        } else if scheme == "https" {
            port = 443
        } else if scheme == "http" {
            port = 80
        } else {
            return nil
        }
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    var description: String {
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(bracketed):\(port)"
    }

    /// `link` when it lies on `base`'s origin; else a `.decoding` error naming the link's
    /// origin (never the whole link: it may carry a token of its own).
    static func checked(_ link: String, base: String, what: String) throws(CalSyncError) -> String {
        guard let expected = GraphLinkOrigin(base) else {
            throw CalSyncError(.decoding, "graph_url has no http(s) origin; \(what) not followed")
        }
        guard let origin = GraphLinkOrigin(link) else {
            throw CalSyncError(.decoding, "\(what) is not an absolute http(s) URL; not followed")
        }
        guard origin == expected else {
            throw CalSyncError(
                .decoding, "\(what) leads to \(origin), not to graph_url's origin \(expected); not followed")
        }
        return link
    }
}
