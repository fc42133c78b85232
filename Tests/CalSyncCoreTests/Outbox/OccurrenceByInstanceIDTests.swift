import Foundation
import GRDB
import Testing

@testable import CalSyncModel
@testable import CalSyncStore

/// The outbox's look-ups of one occurrence by its id (``OccurrenceByInstanceID``): the same
/// answer as a search of the whole view for every id a store holds, derived or stored, and
/// no walk over a calendar's rows to find it.
struct OccurrenceByInstanceIDTests {
    /// Calendar `c` of LeanOccurrenceTests (expanded: singles, series timed and all-day,
    /// exceptions moved and cancelled, an orphan exception) and calendar `g`, whose
    /// occurrences are listed under a provider's own ids (Graph's).
    static func store(_ path: String) async throws -> CalendarStore {
        let store = try await LeanOccurrenceTests.realStore(path)
        try await store.replaceCalendars(
            accountID: "a",
            calendars: [
                RemoteCalendar(id: "c", name: "Work", timeZone: "Europe/Berlin", access: .owner),
                RemoteCalendar(id: "g", name: "Outlook", timeZone: "Europe/Berlin", access: .owner),
            ],
            enabledIDs: ["c", "g"], now: StoreFixtures.now)
        _ = try await store.applyPage(
            ChangePage(upserts: LeanOccurrenceTests.events()), accountID: "a", calendarID: "c", cursor: .page("p"),
            fingerprint: "f", mode: .incremental, window: StoreFixtures.window, now: StoreFixtures.now)
        var master = StoreFixtures.timed("AAgm", "2026-03-02T08:00:00Z", etag: "master-etag")
        master.kind = .series
        master.recurrence = ["RRULE:FREQ=DAILY;COUNT=3"]
        var exception = StoreFixtures.timed("AAgx", "2026-03-03T10:00:00Z", etag: "exception-etag")
        exception.kind = .exception
        exception.seriesID = "AAgm"
        var page = ChangePage(upserts: [master, exception])
        page.listedOccurrences = [
            ListedOccurrencesTests.occurrence("AAgm_1", "2026-03-02T08:00:00Z", series: "AAgm", event: "AAgm"),
            ListedOccurrencesTests.occurrence("AAgx", "2026-03-03T10:00:00Z", series: "AAgm", event: "AAgx"),
            ListedOccurrencesTests.occurrence("AAgm_20260304T080000Z", "2026-03-04T08:00:00Z", event: "AAgm"),
        ]
        _ = try await store.applyPage(
            page, accountID: "a", calendarID: "g", cursor: .page("p"), fingerprint: "f", mode: .incremental,
            window: StoreFixtures.window, now: StoreFixtures.now, occurrenceSource: .listed)
        return store
    }

    /// The statements as they were: the whole view searched for the id.
    static let searchedOccurrence = """
        SELECT series_id, start, "end" FROM occurrences WHERE account_id = ?1 AND calendar_id = ?2 AND instance_id = ?3
        """
    static let searchedEtag = """
        SELECT e.etag FROM occurrences o
        JOIN events e ON e.account_id = o.account_id AND e.calendar_id = o.calendar_id AND e.id = o.event_id
        WHERE o.account_id = ?1 AND o.calendar_id = ?2 AND o.instance_id = ?3
        """

    @Test func everyIDFindsWhatTheWholeViewWouldAndNothingElse() async throws {
        let directory = try TemporaryDirectory()
        let store = try await Self.store(directory.path("calsync.db"))
        let queue = try DatabaseQueue(path: store.path)
        try await queue.read { db in
            let keys = try Row.fetchAll(db, sql: "SELECT calendar_id, instance_id FROM occurrences ORDER BY 1, 2")
                .map { (calendar: $0["calendar_id"] as String, id: $0["instance_id"] as String) }
            // Every kind is there: derived timed and all-day, a single's and exceptions' own,
            // stored ones (one of them shaped like a derived id).
            #expect(keys.count == 16)
            for id in ["w_20260302T140000Z", "ad_20260327", "s1", "w_20260309T130000Z", "AAgm_1", "AAgx"] {
                #expect(keys.contains { $0.id == id })
            }
            var asked = keys.map { (calendar: $0.calendar, id: $0.id, found: true) }
            // Not occurrences: a time the series has no instance at, the cancelled
            // instance, ids of the other calendar, ids of nothing.
            asked += [
                ("c", "w_20260302T150000Z", false), ("c", "ad_20260329", false), ("c", "AAgm_1", false),
                ("g", "s1", false), ("g", "AAgm", false), ("c", "nope", false), ("c", "_", false), ("c", "", false),
            ]
            for (calendar, id, found) in asked {
                let arguments = OccurrenceByInstanceID.arguments(accountID: "a", calendarID: calendar, instanceID: id)
                let searchedArguments: StatementArguments = ["a", calendar, id]
                let narrowed = try Row.fetchAll(db, sql: OccurrenceByInstanceID.occurrence, arguments: arguments)
                let searched = try Row.fetchAll(db, sql: Self.searchedOccurrence, arguments: searchedArguments)
                #expect(narrowed == searched, "\(calendar)/\(id)")
                #expect(narrowed.count == (found ? 1 : 0), "\(calendar)/\(id)")
                #expect(
                    try Row.fetchAll(db, sql: OccurrenceByInstanceID.etag, arguments: arguments)
                        == Row.fetchAll(db, sql: Self.searchedEtag, arguments: searchedArguments), "\(calendar)/\(id)")
            }
            #expect(
                try String.fetchOne(
                    db, sql: OccurrenceByInstanceID.etag,
                    arguments: OccurrenceByInstanceID.arguments(accountID: "a", calendarID: "g", instanceID: "AAgm_1"))
                    == "master-etag")
        }
        // Queued through the outbox: the occurrence's event's etag.
        let queued = try await store.enqueueWrite(
            OutboxRequest(accountID: "a", calendarID: "g", op: .delete, eventID: "AAgm_20260304T080000Z"),
            now: StoreFixtures.now)
        #expect(queued.ifEtag == "master-etag")
    }

    @Test func noLookUpWalksACalendar() async throws {
        let directory = try TemporaryDirectory()
        let store = try await Self.store(directory.path("calsync.db"))
        let narrowed = OccurrenceByInstanceID.arguments(
            accountID: "a", calendarID: "c", instanceID: "w_20260302T140000Z")
        let statements: [(String, StatementArguments)] = [
            (OccurrenceByInstanceID.occurrence, narrowed), (OccurrenceByInstanceID.etag, narrowed),
            (Self.searchedOccurrence, ["a", "c", "w_20260302T140000Z"]),
            (Self.searchedEtag, ["a", "c", "w_20260302T140000Z"]),
        ]
        let plans = try await DatabaseQueue(path: store.path).read { db in
            try statements.map { sql, arguments in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)", arguments: arguments).map {
                    $0["detail"] as String
                }
            }
        }
        /// Whether each step of a plan reaches its rows by a whole key: an event by its id
        /// or rowid, occurrences by their event, a stored id by its index. The search of
        /// the whole view walks the calendar's events instead, by the first two columns of
        /// their key only.
        func byWholeKeys(_ plan: [String]) -> Bool {
            !plan.isEmpty
                && plan.allSatisfy { step in
                    step.hasPrefix("SCALAR SUBQUERY") || step.hasPrefix("REUSE SUBQUERY")
                        || (step.hasPrefix("SEARCH")
                            && [" AND id=?)", "(rowid=?)", "(event=?)", "(listed_key=?)"].contains {
                                step.hasSuffix($0)
                            })
                }
        }
        #expect(byWholeKeys(plans[0]), "\(plans[0])")
        #expect(byWholeKeys(plans[1]), "\(plans[1])")
        #expect(!byWholeKeys(plans[2]), "\(plans[2])")
        #expect(!byWholeKeys(plans[3]), "\(plans[3])")
    }
}
