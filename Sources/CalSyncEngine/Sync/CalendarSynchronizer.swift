import CalSyncAuth
public import CalSyncModel
public import CalSyncStore
public import Foundation
public import Logging

/// One poll of one calendar: follow the provider's pages to the end and apply each page
/// with its cursor in one transaction.
///
/// - A saved cursor whose fingerprint still matches the request parameters makes the
///   poll incremental; otherwise (new calendar, changed parameters, a crash mid-way
///   through a full sync) the poll is a full re-sync by mark and sweep.
/// - An expired cursor (`.cursorExpired`: Google 410 or invalid token, Graph 410 or a
///   dead link) drops it and restarts as a full re-sync, at most once per poll.
/// - An incremental chain broken by a crash or an error restarts from the last saved
///   end-of-round cursor; a full re-sync goes on from the page after the last one applied
///   (saved with it), once: if that page fails, the next poll starts the re-sync over.
/// - When the day changes, the occurrence window slides first, without any request.
/// - A deletion the safety valve held is weighed again against the configuration in force
///   at every poll: once `max_delete_ratio` allows it, the poll is a full re-sync whose
///   sweep applies it (`--force` stays the one-off way).
/// - Every full listing is followed at once by one incremental poll from the cursor it
///   saved: a listing resumed after a crash (or a long one) ends with the provider's state
///   as of its first page, and the increment brings in what changed since (one request
///   when nothing did).
/// - A poll ends by emptying a WAL that grew past its limit (``CalendarStore/truncateLargeWAL()``).
public struct CalendarSynchronizer: Sendable {
    /// What one poll did.
    public struct Outcome: Sendable, Equatable {
        public var fullSync = false
        public var pages = 0
        public var inserted = 0
        public var updated = 0
        public var deleted = 0
        public var quarantined = 0
        public var sweep: SweepResult?
        /// The calendar reached its occurrence cap in this poll (docs/resilience.md "Limits").
        public var occurrencesCapped = false

        /// `+3 ~1 -2` style summary for one line of output.
        public var summary: String {
            var parts = ["\(pages) page\(pages == 1 ? "" : "s")", "+\(inserted) ~\(updated) -\(deleted)"]
            if fullSync { parts.append("full sync") }
            if quarantined > 0 { parts.append("\(quarantined) quarantined") }
            if case .held(let wouldDelete, let total) = sweep {
                parts.append("deletion of \(wouldDelete)/\(total) held by the safety valve")
            }
            return parts.joined(separator: ", ")
        }

        /// Adds the follow-up increment of a full listing (the sweep stays the listing's).
        mutating func add(_ increment: Outcome) {
            pages += increment.pages
            inserted += increment.inserted
            updated += increment.updated
            deleted += increment.deleted
            quarantined += increment.quarantined
            sweep = increment.sweep ?? sweep
            occurrencesCapped = occurrencesCapped || increment.occurrencesCapped
        }
    }

    let store: CalendarStore
    let logger: Logger
    let now: @Sendable () -> Date

    public init(store: CalendarStore, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.logger = logger
        self.now = now
    }

    /// Polls `calendarID` once.
    /// - Parameters:
    ///   - full: start a full re-sync even if the cursor is valid (`calsyncctl sync --full`).
    ///   - forceDeletion: let the sweep delete what the safety valve would hold (`--force`).
    public func poll(
        provider: any CalendarProvider, accountID: String, calendarID: String, window: SyncWindow,
        maxDeleteRatio: Double, full: Bool = false, forceDeletion: Bool = false
    ) async throws -> Outcome {
        var outcome = try await pollOnce(
            provider: provider, accountID: accountID, calendarID: calendarID, window: window,
            maxDeleteRatio: maxDeleteRatio, full: full, forceDeletion: forceDeletion, reweighHeld: true)
        // Only where the listing saved a delta cursor: an API-key calendar has none and
        // re-lists at every poll anyway.
        if outcome.fullSync, try await store.savedCursor(accountID: accountID, calendarID: calendarID) != nil {
            let increment = try await pollOnce(
                provider: provider, accountID: accountID, calendarID: calendarID, window: window,
                maxDeleteRatio: maxDeleteRatio, full: false, forceDeletion: false, reweighHeld: false)
            outcome.add(increment)
        }
        if outcome.occurrencesCapped {
            // Once per poll, however many pages met the cap.
            logger.warning(
                "Calendar occurrences capped",
                metadata: [
                    "calsync.account": "\(accountID)", "calsync.calendar": "\(calendarID)",
                    "calsync.limit": "\(store.maximumOccurrencesPerCalendar)",
                ])
        }
        await store.truncateLargeWAL()
        return outcome
    }

    /// One listing: incremental from the saved cursor, or a full re-sync (resumed, asked
    /// for, or needed).
    private func pollOnce(
        provider: any CalendarProvider, accountID: String, calendarID: String, window: SyncWindow,
        maxDeleteRatio: Double, full: Bool, forceDeletion: Bool, reweighHeld: Bool
    ) async throws -> Outcome {
        var metadata: Logger.Metadata = ["calsync.account": "\(accountID)", "calsync.calendar": "\(calendarID)"]
        var windowCapped = false
        // A provider that lists occurrences may keep them for a longer window (Graph's round).
        let occurrenceWindow = provider.occurrenceWindow(for: window)
        if let stored = try await store.storedWindow(accountID: accountID, calendarID: calendarID),
            stored != occurrenceWindow
        {
            windowCapped = try await store.rebuildOccurrences(
                accountID: accountID, calendarID: calendarID, window: occurrenceWindow, now: now(),
                occurrenceSource: provider.occurrenceSource)
            logger.debug("Occurrence window moved", metadata: metadata)
        }
        let fingerprint = provider.cursorFingerprint(calendarID: calendarID, window: window)
        let saved = try await store.savedCursor(accountID: accountID, calendarID: calendarID)
        var fullSync = full || saved == nil || saved?.fingerprint != fingerprint
        // A held deletion that the ratio in force no longer holds (raised since): re-list
        // and let the sweep weigh it again.
        var reweighing = false
        if reweighHeld, !fullSync,
            let share = try await store.heldDeletionShare(accountID: accountID, calendarID: calendarID),
            share < maxDeleteRatio
        {
            fullSync = true
            reweighing = true
        }
        var retriedAfterExpiry = false
        // A full re-sync that a crash or an error interrupted (its marks are in the store).
        var resumePage =
            fullSync && !full && saved == nil
            ? try await store.takeFullSyncResumePage(
                accountID: accountID, calendarID: calendarID, fingerprint: fingerprint) : nil
        while true {
            var cursor: SyncCursor = .initial
            if fullSync, let page = resumePage {
                resumePage = nil
                cursor = .page(page)
                metadata["calsync.reason"] = "interrupted"
                logger.info("Full re-sync resumed at the page after the last one applied", metadata: metadata)
            } else if fullSync {
                try await store.beginFullSync(accountID: accountID, calendarID: calendarID, now: now())
                let reason =
                    full
                    ? "requested"
                    : reweighing
                        ? "held deletion within max_delete_ratio now"
                        : saved == nil
                            ? "no saved cursor" : retriedAfterExpiry ? "cursor expired" : "parameters changed"
                metadata["calsync.reason"] = "\(reason)"
                logger.info(
                    "Full re-sync started",
                    metadata: metadata.merging(MessageID.metadata(MessageID.fullResyncStarted)) { $1 })
            } else if let saved {
                cursor = .delta(saved.token)
            }
            var outcome = Outcome(fullSync: fullSync)
            outcome.occurrencesCapped = windowCapped
            do {
                while true {
                    let page = try await provider.changes(
                        calendarID: calendarID, cursor: cursor, window: window,
                        notes: { [store] key in
                            try await store.providerNote(accountID: accountID, calendarID: calendarID, key: key)
                        }, logger: logger)
                    let isLast: Bool
                    if case .page = page.next { isLast = false } else { isLast = true }
                    let mode: PageMode =
                        !fullSync
                        ? .incremental
                        : isLast ? .fullSyncEnd(maxDeleteRatio: maxDeleteRatio, force: forceDeletion) : .fullSync
                    let applied = try await store.applyPage(
                        page.changes, accountID: accountID, calendarID: calendarID, cursor: page.next,
                        fingerprint: fingerprint, mode: mode, window: occurrenceWindow, now: now(),
                        occurrenceSource: provider.occurrenceSource)
                    outcome.pages += 1
                    outcome.inserted += applied.inserted
                    outcome.updated += applied.updated
                    outcome.deleted += applied.deleted
                    outcome.quarantined += applied.quarantined
                    outcome.sweep = applied.sweep ?? outcome.sweep
                    outcome.occurrencesCapped = outcome.occurrencesCapped || applied.occurrencesCapped
                    for series in applied.truncatedSeries {
                        logger.notice(
                            "Recurring series capped", metadata: metadata.merging(["calsync.event": "\(series)"]) { $1 }
                        )
                    }
                    guard case .page(let token) = page.next else { return outcome }
                    cursor = .page(token)
                }
            } catch let error as CalSyncError where error.code == .cursorExpired && !retriedAfterExpiry {
                logger.info(
                    "Sync cursor expired", metadata: metadata.merging(["calsync.error": "\(error.message)"]) { $1 })
                retriedAfterExpiry = true
                fullSync = true
            }
        }
    }
}
