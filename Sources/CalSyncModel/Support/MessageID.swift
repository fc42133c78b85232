public import Logging

/// The journal `MESSAGE_ID`s of calsync's key happenings, explained for administrators in
/// `systemd/calsync.catalog` (`journalctl -x`). Fixed forever: monitoring filters on them
/// (`journalctl MESSAGE_ID=c3a12edcecae45a9a6884b7e43d2a0d0`).
public enum MessageID {
    /// A calendar's poll finished.
    public static let syncFinished = "4a13eab7235a4ac7898cdb01e7ac1677"
    /// A full re-sync started (new calendar, expired token, changed parameters, window slide).
    public static let fullResyncStarted = "c3a12edcecae45a9a6884b7e43d2a0d0"
    /// An account's refresh token was refused: a person must sign in again.
    public static let needsLogin = "f1c30e5711aa440da664d0408df7bf64"
    /// A provider throttled requests; calsync waits and retries.
    public static let throttled = "3382ad6083a44657a7043610ac39996e"
    /// An event could not be read and was set aside.
    public static let quarantinedEvent = "c1bf1cce7b7d4b52827a6f3a53251b62"
    /// The safety valve held back a full re-sync's deletions.
    public static let deletionHeld = "f438508db5a3442093ea6bf5002d08fb"
    /// The configuration was reloaded (SIGHUP).
    public static let configurationReloaded = "34c47dc9651e4d46bcc543bd502534f0"
    /// A write of the outbox (event add, update or delete) ended: done, conflict, failed, or
    /// pending again after a transient failure (docs/write-back.md).
    public static let eventWritten = "9b0e5c8f2d7a4e61b3c4a1f06d2e8b57"

    /// The metadata entry that carries a message id (`MESSAGE_ID` in the journal).
    public static func metadata(_ id: String) -> Logger.Metadata {
        ["message_id": .string(id)]
    }
}
