import CalSyncEngine
import CalSyncGoogle
import CalSyncGraph
import CalSyncModel
import CalSyncRecurrence
import Foundation
import GRDB
import Logging

@testable import CalSyncStore

/// A temporary directory for one test's store, removed at the end.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("calsync-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// A stand-in expander for store tests: a series with `RRULE:FREQ=DAILY;COUNT=n` has n
/// daily instances, with Google's instance ids as every expander gives them (the store's
/// views derive them); exceptions replace or (cancelled) remove the instance they name. The
/// real, libical-backed expander is tested on its own.
struct DailyTestExpander: OccurrenceExpanding {
    func occurrences(
        of master: CalendarEvent, exceptions: [CalendarEvent], window: SyncWindow, calendarTimeZone: String?
    ) throws -> OccurrenceExpansion {
        guard let rule = master.recurrence?.first, rule.hasPrefix("RRULE:FREQ=DAILY;COUNT="),
            let count = Int(rule.dropFirst("RRULE:FREQ=DAILY;COUNT=".count)),
            case .instant(let start) = master.start, case .instant(let end) = master.end
        else { throw CalSyncError(.decoding, "test expander reads only FREQ=DAILY;COUNT=n") }
        var byStart = Dictionary(uniqueKeysWithValues: exceptions.compactMap { e in e.originalStart.map { ($0, e) } })
        var result: [Occurrence] = []
        for day in 0..<count {
            let instanceStart = start.addingTimeInterval(Double(day) * 86_400)
            let original = EventTime.instant(instanceStart)
            if let exception = byStart.removeValue(forKey: original) {
                if exception.status != .cancelled {
                    result.append(
                        Occurrence(
                            instanceID: exception.id, eventID: exception.id, seriesID: master.id,
                            start: exception.start,
                            end: exception.end))
                }
                continue
            }
            result.append(
                Occurrence(
                    instanceID: RecurrenceExpander.instanceID(master: master.id, start: original), eventID: master.id,
                    seriesID: master.id, start: original,
                    end: .instant(end.addingTimeInterval(Double(day) * 86_400))))
        }
        return OccurrenceExpansion(occurrences: result, truncated: false)
    }
}

enum StoreFixtures {
    static let now = Timestamp.parse("2026-03-01T12:00:00Z")!
    static let window = SyncWindow.around(now, past: .seconds(30 * 86_400), future: .seconds(60 * 86_400))

    static func openStore(_ path: String) throws -> CalendarStore {
        try CalendarStore(
            path: path, writerName: "calsync-tests", expander: DailyTestExpander(), logger: Logger(label: "test"))
    }

    /// A store with account `a` and calendar `c` (zone Europe/Berlin).
    static func prepared(_ path: String) async throws -> CalendarStore {
        let store = try openStore(path)
        try await store.upsertAccount(
            id: "a", provider: "google", auth: "oauth", email: "ada@example.com", state: .ok, stateDetail: nil,
            now: now)
        try await store.replaceCalendars(
            accountID: "a",
            calendars: [
                RemoteCalendar(id: "c", name: "Work", timeZone: "Europe/Berlin", access: .owner, isPrimary: true)
            ],
            enabledIDs: ["c"], now: now)
        return store
    }

    static func timed(_ id: String, _ start: String, minutes: Double = 30, etag: String = "e1") -> CalendarEvent {
        let begin = Timestamp.parse(start)!
        return CalendarEvent(
            id: id, etag: etag, summary: "Event \(id)", start: .instant(begin),
            end: .instant(begin.addingTimeInterval(minutes * 60)), raw: #"{"id":"\#(id)"}"#)
    }

    /// A store migrated only up to `version` (as an older calsyncd left it) holding the
    /// Microsoft account `a`, its calendar `c` (the `calendars` rowid 1) and the series `m`
    /// (the `events` rowid 1, from 2026-03-02T08:00Z), then whatever `sql` adds, in that
    /// version's schema (v6 or later).
    static func olderStore(_ path: String, upTo version: String, sql: String) async throws {
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: version)
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO accounts(id, provider, auth, updated_at) VALUES ('a', 'microsoft', 'oauth', 'now');
                    INSERT INTO calendars(account_id, id, name, access, updated_at) VALUES ('a', 'c', 'Work', 'owner', 'now');
                    INSERT INTO events(account_id, calendar_id, id, kind, status, all_day, start, "end",
                        start_ts, end_ts, transparency, visibility, raw, synced_at)
                    VALUES ('a', 'c', 'm', 'series', 'confirmed', 0, '2026-03-02T08:00:00Z', '2026-03-02T08:30:00Z',
                        1772438400, 1772440200, 'opaque', 'default', '{}', 'now');
                    """ + sql)
        }
    }

    /// A daily series of `count` instances, 30 minutes each from `start`.
    static func dailySeries(_ id: String, _ start: String, count: Int, etag: String = "e1") -> CalendarEvent {
        var series = timed(id, start, etag: etag)
        series.kind = .series
        series.recurrence = ["RRULE:FREQ=DAILY;COUNT=\(count)"]
        return series
    }

    static func apply(
        _ store: CalendarStore, upserts: [CalendarEvent] = [], deletions: [String] = [],
        cursor: SyncCursor = .page("p"),
        mode: PageMode = .incremental, quarantined: [QuarantinedItem] = []
    ) async throws -> PageOutcome {
        try await store.applyPage(
            ChangePage(upserts: upserts, deletions: deletions, quarantined: quarantined), accountID: "a",
            calendarID: "c", cursor: cursor, fingerprint: "f", mode: mode, window: window, now: now)
    }
}
