public import CalSyncModel
public import CalSyncStore
public import Foundation
public import Logging

/// Sends one outbox row to its provider and records how it ended (docs/write-back.md).
/// The row was marked `sent` (one attempt more) before it gets here.
public struct OutboxPush: Sendable {
    /// How a row's attempt ended.
    public enum Ending: Sendable, Equatable {
        /// Applied and stored; the id of the event written (nil after a delete).
        case done(String?)
        case conflict(String)
        case failed(String)
        /// A transient failure (or no sign-in yet): the row is `pending` again.
        case retry(CalSyncError)
        /// The daemon stops: the row stays `sent` and is sent again at the next start.
        case interrupted
    }

    let store: CalendarStore
    let logger: Logger
    let now: @Sendable () -> Date

    public init(store: CalendarStore, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.logger = logger
        self.now = now
    }

    /// Why `account` may not write, for the row's `error`; nil when it may.
    public static func refusal(accountID: String, _ account: AccountConfiguration?) -> String? {
        guard let account else { return "account \(accountID) is not in the configuration" }
        if case .apiKey = account.auth {
            return "account \(accountID) reads public calendars with an API key: it cannot write"
        }
        guard account.write else {
            return "account \(accountID) is read-only: set write = true in its [[account]] table, then run "
                + "calsyncctl login \(accountID) again"
        }
        return nil
    }

    /// Sends `row` through the account's provider and records the ending in the store.
    public func push(
        _ row: OutboxRow, account: AccountConfiguration?, window: SyncWindow,
        provider makeProvider: () throws -> any CalendarProvider
    ) async -> Ending {
        let ending = await send(row, account: account, window: window, provider: makeProvider)
        log(row, ending)
        return ending
    }

    private func send(
        _ row: OutboxRow, account: AccountConfiguration?, window: SyncWindow,
        provider makeProvider: () throws -> any CalendarProvider
    ) async -> Ending {
        if let refusal = Self.refusal(accountID: row.accountID, account) {
            return await end(row, .failed(refusal))
        }
        // Where the calendar's occurrences come from, once the provider is known.
        var source = OccurrenceSource.expanded
        do {
            let provider = try makeProvider()
            source = provider.occurrenceSource
            guard let writer = provider as? any CalendarWriting else {
                return await end(row, .failed("\(row.accountID)'s provider cannot write events in this calsync"))
            }
            let draft = try OutboxPayload.parse(row.payload, op: row.op)
            let outcome: WriteOutcome
            switch row.op {
            case .create:
                outcome = try await writer.create(
                    calendarID: row.calendarID, draft: draft, clientKey: row.clientKey ?? ClientKey.make(),
                    notify: row.notify, logger: logger)
            case .update:
                outcome = try await writer.update(
                    calendarID: row.calendarID, eventID: row.eventID ?? "", changes: draft, ifEtag: row.etagToSend,
                    notify: row.notify, logger: logger)
            case .delete:
                outcome = try await writer.delete(
                    calendarID: row.calendarID, eventID: row.eventID ?? "", ifEtag: row.etagToSend,
                    notify: row.notify, logger: logger)
            }
            switch outcome {
            case .done(let written):
                return try await done(row, written, provider.occurrenceSource, window)
            case .conflict(let reason, let current):
                // Sent before: the first attempt may be what moved the etag.
                if row.attempts > 1, row.op == .update, let current, WriteRecognition.applied(draft, to: current) {
                    let replaced = row.eventID != current.id ? row.eventID : nil
                    return try await done(
                        row, WrittenEvent(event: current, occurrenceID: replaced), provider.occurrenceSource, window)
                }
                return await end(row, .conflict(reason))
            }
        } catch {
            let failure = CalSyncError.wrap(error)
            switch failure.code {
            case .cancelled:
                return .interrupted
            case .missingScope:
                return await end(
                    row,
                    .failed(
                        "the account's sign-in may not write events: run calsyncctl login \(row.accountID) again "
                            + "(write = true)"))
            case .refused, .invalidInput:
                return await end(row, .failed(failure.message))
            case .conflict:
                return await end(row, .conflict(failure.message))
            case .notFound where row.op == .delete:
                return (try? await done(row, nil, source, window)) ?? .retry(failure)
            case .notFound:
                return await end(row, .failed("the event is no longer at the provider: \(failure.message)"))
            default:
                if failure.isTransient || failure.code == .needsLogin || failure.code == .quotaExceeded
                    || failure.code == .store
                {
                    try? await store.returnWriteToPending(row, error: failure.message, now: now())
                    return .retry(failure)
                }
                return await end(row, .failed(failure.message))
            }
        }
    }

    private func done(
        _ row: OutboxRow, _ written: WrittenEvent?, _ source: OccurrenceSource, _ window: SyncWindow
    ) async throws -> Ending {
        try await store.finishWriteDone(row, written: written, occurrenceSource: source, window: window, now: now())
        return .done(written?.event.id ?? row.eventID)
    }

    private func end(_ row: OutboxRow, _ ending: Ending) async -> Ending {
        switch ending {
        case .conflict(let reason):
            try? await store.finishWrite(row, state: .conflict, error: reason, now: now())
        case .failed(let reason):
            try? await store.finishWrite(row, state: .failed, error: reason, now: now())
        case .done, .retry, .interrupted:
            break
        }
        return ending
    }

    private func log(_ row: OutboxRow, _ ending: Ending) {
        var metadata: Logger.Metadata = [
            "calsync.account": "\(row.accountID)", "calsync.calendar": "\(row.calendarID)",
            "calsync.outbox_id": "\(row.id)", "calsync.op": "\(row.op.rawValue)", "calsync.attempt": "\(row.attempts)",
        ]
        if let eventID = row.eventID { metadata["calsync.event"] = "\(eventID)" }
        metadata.merge(MessageID.metadata(MessageID.eventWritten)) { $1 }
        switch ending {
        case .done(let id):
            metadata["calsync.state"] = "done"
            if let id { metadata["calsync.result_event"] = "\(id)" }
            logger.notice("Event written", metadata: metadata)
        case .conflict(let reason):
            metadata["calsync.state"] = "conflict"
            metadata["calsync.error"] = "\(reason)"
            logger.warning("Event write conflicts with a change at the provider", metadata: metadata)
        case .failed(let reason):
            metadata["calsync.state"] = "failed"
            metadata["calsync.error"] = "\(reason)"
            logger.error("Event write failed", metadata: metadata)
        case .retry(let error):
            metadata["calsync.state"] = "pending"
            metadata["calsync.error"] = "\(error.message)"
            logger.warning("Event write will be retried", metadata: metadata)
        case .interrupted:
            break
        }
    }
}
