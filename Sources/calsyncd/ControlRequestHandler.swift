import CalSyncAuth
import CalSyncEngine
import CalSyncModel
import CalSyncProviders
import CalSyncStore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Answers `calsyncctl`'s requests on the control socket from the running scheduler.
/// Who may ask for what is ``ControlAccess``'s rule (docs/daemon.md).
struct ControlRequestHandler: Sendable {
    let scheduler: SyncScheduler
    /// Sends the outbox's rows; woken by `push`.
    var pusher: OutboxPusher?
    let storePath: String
    /// `CALSYNC_DEBUG_COMMANDS=1`: accept `debug-wedge-scheduler` (the watchdog test).
    let debugCommands: Bool
    var access = ControlAccess()

    func handle(_ request: ControlRequest, from peer: ControlPeer?) async -> ControlResponse {
        if let refusal = access.refusal(for: request, from: peer) {
            return .refused(refusal)
        }
        switch request.command {
        case .status:
            return ControlResponse(ok: true, pid: getpid(), status: scheduler.statusLine(), store: storePath)
        case .sync:
            if request.calendar != nil, request.account == nil {
                return .refused("a calendar needs its account: ACCOUNT/CALENDAR")
            }
            do {
                let results = try await scheduler.pollNow(
                    account: request.account,
                    options: .init(calendar: request.calendar, full: request.full, force: request.force),
                    wait: request.wait, rateLimited: !access.isPrivileged(peer))
                return ControlResponse(
                    ok: true, pid: getpid(), status: scheduler.statusLine(), store: storePath,
                    results: request.wait
                        ? results.map {
                            .init(
                                account: $0.accountID, calendar: $0.calendarID, line: $0.line, succeeded: $0.succeeded)
                        } : nil)
            } catch {
                return .refused(error.message)
            }
        case .forget:
            guard let account = request.account else { return .refused("forget needs an account") }
            do {
                let removed = try await scheduler.forget(account: account)
                return ControlResponse(ok: true, pid: getpid(), store: storePath, removedEvents: removed)
            } catch {
                return .refused(error.message)
            }
        case .push:
            // Waking the pusher only makes it look sooner than its next check: harmless
            // for any peer (writing rows needs write access to the store itself).
            pusher?.wake()
            return ControlResponse(ok: true, pid: getpid(), store: storePath)
        case .debugWedgeScheduler:
            guard debugCommands else {
                return .refused(
                    "debug commands are off (start calsyncd with CALSYNC_DEBUG_COMMANDS=1 to test the watchdog)")
            }
            scheduler.wedgeForTesting()
            return ControlResponse(ok: true, pid: getpid())
        }
    }
}
