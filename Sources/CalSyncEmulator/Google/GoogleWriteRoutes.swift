import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// What Google checks of a write (insert, update, patch, delete) before it looks at the
/// event: the token's scopes and the `sendUpdates` parameter.
extension EmulatorState {
    /// Scopes that let a token change events (`calendar.readonly` does not).
    static let googleWriteScopes: Set<String> = [
        "https://www.googleapis.com/auth/calendar", "https://www.googleapis.com/auth/calendar.events",
        "https://www.googleapis.com/auth/calendar.events.owned",
    ]

    /// `sendUpdates` values Google's discovery document lists.
    static let googleSendUpdates: Set<String> = ["all", "externalOnly", "none"]

    /// The answer refusing a write by a signed-in user, or nil to go ahead: 403
    /// `insufficientPermissions` for a token granted no write scope, 400 for an unknown
    /// `sendUpdates` value.
    func googleWriteRefusal(_ request: EmulatorRequest) -> EmulatorResponse? {
        guard request.method != "GET" else { return nil }
        let token = request.header("Authorization").map { String($0.dropFirst("Bearer ".count)) } ?? ""
        let granted = identity.scope(ofAccessToken: token, now: clock())?.split(separator: " ").map(String.init) ?? []
        guard granted.contains(where: Self.googleWriteScopes.contains) else {
            return GoogleErrorBody.insufficientScopes()
        }
        if let sendUpdates = request.parameter("sendUpdates"), !Self.googleSendUpdates.contains(sendUpdates) {
            return GoogleErrorBody.invalidValue("sendUpdates")
        }
        return nil
    }
}

extension GoogleErrorBody {
    /// A token without the scope the request needs: Google's 403 with the gRPC status and
    /// `ErrorInfo` the newer error shape carries.
    static func insufficientScopes() -> EmulatorResponse {
        let body: JSONValue = .object([
            (
                "error",
                .object([
                    ("code", 403), ("message", "Request had insufficient authentication scopes."),
                    (
                        "errors",
                        .array([
                            .object([
                                ("message", "Insufficient Permission"), ("domain", "global"),
                                ("reason", "insufficientPermissions"),
                            ])
                        ])
                    ),
                    ("status", "PERMISSION_DENIED"),
                    (
                        "details",
                        .array([
                            .object([
                                ("@type", "type.googleapis.com/google.rpc.ErrorInfo"),
                                ("reason", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"), ("domain", "googleapis.com"),
                            ])
                        ])
                    ),
                ])
            )
        ])
        return .json(403, body)
    }
}
