import CalSyncAuth
import CalSyncModel
import CalSyncStore
import Foundation

/// One request to the daemon's control socket: a single JSON line from `calsyncctl`.
///
/// The protocol is private to calsyncd and calsyncctl of the same version (both ship
/// together); it is documented in docs/daemon.md for the curious, not as an API.
public struct ControlRequest: Codable, Sendable, Equatable {
    public enum Command: String, Codable, Sendable {
        /// Poll now (`calsyncctl sync`).
        case sync
        /// Is the daemon alive, with its pid and STATUS line (`calsyncctl status`).
        case status
        /// Remove a no-longer-configured account's data from the store (`calsyncctl forget`).
        case forget
        /// Look at the outbox now: `calsyncctl event …` queued a write (docs/write-back.md).
        case push
        /// Stop the scheduler loop so that the watchdog fires: for testing the unit's
        /// watchdog restart. Honoured only when calsyncd runs with `CALSYNC_DEBUG_COMMANDS=1`.
        case debugWedgeScheduler = "debug-wedge-scheduler"
    }

    public var command: Command
    /// `sync`: one account (nil = every enabled account); `forget`: the account.
    public var account: String?
    /// `sync`: one calendar of `account` (its id or its name).
    public var calendar: String?
    /// `sync --full`: a full re-sync even though the cursor is valid.
    public var full: Bool
    /// `sync --force`: apply a re-sync that the safety valve would hold.
    public var force: Bool
    /// `sync --wait`: answer after the poll with its results.
    public var wait: Bool

    public init(
        command: Command, account: String? = nil, calendar: String? = nil, full: Bool = false, force: Bool = false,
        wait: Bool = false
    ) {
        self.command = command
        self.account = account
        self.calendar = calendar
        self.full = full
        self.force = force
        self.wait = wait
    }
}

/// The daemon's one-line JSON answer.
public struct ControlResponse: Codable, Sendable, Equatable {
    /// One calendar's outcome of a `sync --wait`.
    public struct CalendarOutcome: Codable, Sendable, Equatable {
        public var account: String
        public var calendar: String?
        /// The same line `calsyncd --once` prints.
        public var line: String
        public var succeeded: Bool

        public init(account: String, calendar: String?, line: String, succeeded: Bool) {
            self.account = account
            self.calendar = calendar
            self.line = line
            self.succeeded = succeeded
        }
    }

    public var ok: Bool
    /// Why the request was refused (`ok` false), for the user.
    public var error: String?
    public var pid: Int32?
    /// The daemon's STATUS line as systemd shows it.
    public var status: String?
    /// The store the daemon writes, so that a client can tell it reached the right one.
    public var store: String?
    /// `sync --wait`: one entry per calendar polled.
    public var results: [CalendarOutcome]?
    /// `forget`: the number of events removed.
    public var removedEvents: Int?

    public init(
        ok: Bool, error: String? = nil, pid: Int32? = nil, status: String? = nil, store: String? = nil,
        results: [CalendarOutcome]? = nil, removedEvents: Int? = nil
    ) {
        self.removedEvents = removedEvents
        self.ok = ok
        self.error = error
        self.pid = pid
        self.status = status
        self.store = store
        self.results = results
    }

    public static func refused(_ message: String) -> ControlResponse {
        ControlResponse(ok: false, error: message)
    }
}

extension ControlRequest {
    /// One line of JSON (no newline inside: JSONEncoder escapes them).
    func encodedLine() throws -> Data {
        try JSONEncoder().encode(self) + Data("\n".utf8)
    }
}

extension ControlResponse {
    func encodedLine() -> Data {
        // Every field is a plain value: encoding cannot fail.
        ((try? JSONEncoder().encode(self)) ?? Data(#"{"ok":false}"#.utf8)) + Data("\n".utf8)
    }
}
