package import Foundation

/// A whole response body decoded as one value (a calendar list, mailbox settings, an
/// envelope), with the provider's failure as `.decoding` naming what was read.
package enum JSONBody {
    package static func decode<T: Decodable>(_ type: T.Type, _ body: Data, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw CalSyncError(.decoding, "\(what) is not readable: \(error)")
        }
    }
}
