/// An account's state in `accounts.state` (docs/store.md): the stored strings are the
/// public contract, the enum keeps the writer from spelling them.
public enum AccountState: String, Sendable, CaseIterable {
    case ok
    /// The refresh token was refused: `calsyncctl login` is needed.
    case needsLogin = "needs_login"
    /// The last poll failed with an error that a retry will not fix.
    case error
    /// Disabled in the configuration, or no longer in it.
    case disabled
}
