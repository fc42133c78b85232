import CalSyncAuth
public import CalSyncModel
public import CalSyncStore
public import Foundation
public import Logging

/// `calsyncctl forget ACCOUNT`: an account taken out of the configuration keeps its data in
/// the store (a reload never deletes what readers rely on) until someone asks for this.
public enum ForgetAccount {
    /// Removes `account` and all its rows; refused while `configuration` still names it.
    /// - Returns: the number of events removed.
    public static func run(
        _ account: String, configuration: CalSyncConfiguration, store: CalendarStore, now: Date, logger: Logger
    ) async throws(CalSyncError) -> Int {
        guard configuration.account(named: account) == nil else {
            throw CalSyncError(
                .invalidInput,
                "account \(account) is still in the configuration: remove its [[account]] table (and reload calsyncd) first"
            )
        }
        let removed: Int?
        do {
            removed = try await store.forgetAccount(id: account, now: now)
        } catch {
            throw CalSyncError(.store, "cannot remove account \(account) from the store: \(error)")
        }
        guard let removed else { throw CalSyncError(.invalidInput, "the store holds no account named \(account)") }
        logger.notice("Account forgotten", metadata: ["calsync.account": "\(account)", "calsync.events": "\(removed)"])
        return removed
    }
}
