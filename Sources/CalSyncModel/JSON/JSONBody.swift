package import Foundation

/// A whole response body decoded as one value (a calendar list, mailbox settings, an
/// envelope), with the provider's failure as `.decoding` naming what was read — or
/// `.transport` when the body is not JSON at all (``ResponseBody``).
package enum JSONBody {
    package static func decode<T: Decodable>(_ type: T.Type, _ body: Data, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            // Not JSON at all: a `.transport` error, retried (``ResponseBody``).
            throw ResponseBody.classify(CalSyncError(.decoding, "\(what) is not readable: \(error)"), body: body)
        }
    }
}
