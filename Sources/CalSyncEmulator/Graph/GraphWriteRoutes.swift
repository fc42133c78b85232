import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// What Graph checks of a write (POST, PATCH, DELETE on events) before it looks at the
/// event: the token's permissions.
extension EmulatorState {
    /// Delegated permissions that let a token change events (`Calendars.Read` does not).
    static let graphWriteScopes: Set<String> = ["calendars.readwrite", "calendars.readwrite.shared"]

    /// The answer refusing a write, or nil to go ahead: 403 `ErrorAccessDenied` for a
    /// token granted no write permission (scopes compared without case and without the
    /// `https://graph.microsoft.com/` prefix, as the identity platform treats them).
    func graphWriteRefusal(_ request: EmulatorRequest) -> EmulatorResponse? {
        guard request.method != "GET" else { return nil }
        let token = request.header("Authorization").map { String($0.dropFirst("Bearer ".count)) } ?? ""
        let granted = (identity.scope(ofAccessToken: token, now: clock()) ?? "").split(separator: " ").map {
            $0.lowercased().replacingOccurrences(of: "https://graph.microsoft.com/", with: "")
        }
        guard granted.contains(where: Self.graphWriteScopes.contains) else {
            return GraphErrorBody.response(
                403, code: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again.")
        }
        return nil
    }
}
