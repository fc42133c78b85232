import Foundation
import GRDB
import Logging
import Testing

@testable import CalSyncModel
@testable import CalSyncRecurrence
@testable import CalSyncStore

/// Schema v6 (issue 19): occurrences are integer rows behind the `occurrences` and `agenda`
/// views. The views show exactly the rows the old table held; a v5 store keeps every row;
/// provider-listed occurrences keep their own ids; the window slides by its new span; a
/// first listing's exceptions on later pages adjust their series.
struct LeanOccurrenceTests {
    static let columns = #"instance_id, event_id, series_id, start, "end", all_day, start_ts, end_ts"#

    /// A store with the real expander, calendar `c` in Europe/Berlin.
    static func realStore(_ path: String) async throws -> CalendarStore {
        let store = try CalendarStore(
            path: path, writerName: "calsync-tests", expander: RecurrenceExpander(), logger: Logger(label: "test"))
        try await store.upsertAccount(
            id: "a", provider: "google", auth: "oauth", email: nil, state: .ok, stateDetail: nil,
            now: StoreFixtures.now)
        try await store.replaceCalendars(
            accountID: "a",
            calendars: [RemoteCalendar(id: "c", name: "Work", timeZone: "Europe/Berlin", access: .owner)],
            enabledIDs: ["c"], now: StoreFixtures.now)
        return store
    }

    static func instant(_ text: String) -> EventTime { .instant(Timestamp.parse(text)!) }
    static func date(_ text: String) -> EventTime { .date(CalendarDate(text)!) }

    /// Singles, series across DST changes (timed in New York, all-day in Berlin), a moved
    /// and a cancelled exception, an exception whose series is not there.
    static func events() -> [CalendarEvent] {
        let single = StoreFixtures.timed("s1", "2026-03-05T10:00:00Z")
        let day = CalendarEvent(id: "d1", start: date("2026-03-10"), end: date("2026-03-11"))
        let weekly = CalendarEvent(
            id: "w", kind: .series, start: instant("2026-03-02T14:00:00Z"), end: instant("2026-03-02T15:00:00Z"),
            timeZone: "America/New_York", recurrence: ["RRULE:FREQ=WEEKLY;COUNT=6"])
        let moved = CalendarEvent(
            id: "w_20260309T130000Z", kind: .exception, seriesID: "w", originalStart: instant("2026-03-09T13:00:00Z"),
            start: instant("2026-03-09T16:00:00Z"), end: instant("2026-03-09T17:00:00Z"), timeZone: "America/New_York")
        let allDay = CalendarEvent(
            id: "ad", kind: .series, start: date("2026-03-27"), end: date("2026-03-28"),
            recurrence: ["RRULE:FREQ=DAILY;COUNT=5"])
        let cancelled = CalendarEvent(
            id: "ad_20260329", kind: .exception, seriesID: "ad", originalStart: date("2026-03-29"),
            status: .cancelled, start: date("2026-03-29"), end: date("2026-03-29"))
        let orphan = CalendarEvent(
            id: "gone_20260306T100000Z", kind: .exception, seriesID: "gone",
            originalStart: instant("2026-03-06T10:00:00Z"), start: instant("2026-03-06T11:00:00Z"),
            end: instant("2026-03-06T12:00:00Z"))
        return [single, day, weekly, moved, allDay, cancelled, orphan]
    }

    /// The rows the old `occurrences` table held for `events` (StoreSchema v1–v5: the
    /// expander's occurrences, `*_ts` of dates at midnight in the calendar's zone).
    static func oldRows(_ events: [CalendarEvent], window: SyncWindow) throws -> [String] {
        let zone = TimeZone(identifier: "Europe/Berlin")
        var occurrences: [Occurrence] = []
        for event in events where event.kind == .single {
            occurrences.append(
                Occurrence(instanceID: event.id, eventID: event.id, seriesID: nil, start: event.start, end: event.end))
        }
        var masters = Set<String>()
        for master in events where master.kind == .series {
            masters.insert(master.id)
            let exceptions = events.filter { $0.seriesID == master.id }
            occurrences += try RecurrenceExpander().occurrences(
                of: master, exceptions: exceptions, window: window, calendarTimeZone: "Europe/Berlin"
            ).occurrences
        }
        for exception in events
        where exception.kind == .exception && !masters.contains(exception.seriesID ?? "")
            && exception.status != .cancelled
        {
            occurrences.append(
                Occurrence(
                    instanceID: exception.id, eventID: exception.id, seriesID: exception.seriesID,
                    start: exception.start, end: exception.end))
        }
        let start = Int64(window.start.timeIntervalSince1970)
        let end = Int64(window.end.timeIntervalSince1970)
        return occurrences.filter { o in
            let (from, to) = (o.start.unixSeconds(allDayZone: zone), o.end.unixSeconds(allDayZone: zone))
            return from < end && (to > start || (to == from && from >= start))
        }.map { o in
            [
                o.instanceID, o.eventID, o.seriesID ?? "NULL", o.start.description, o.end.description,
                o.start.isAllDay ? "1" : "0", "\(o.start.unixSeconds(allDayZone: zone))",
                "\(o.end.unixSeconds(allDayZone: zone))",
            ].joined(separator: "|")
        }.sorted()
    }

    static func viewRows(_ store: CalendarStore, _ table: String = "occurrences") async throws -> [String] {
        // `agenda` has no `series_id`: its place is filled from `occurrences`.
        let columns =
            table == "agenda"
            ? #"instance_id, event_id, (SELECT series_id FROM occurrences o WHERE o.instance_id = agenda.instance_id), start, "end", all_day, start_ts, end_ts"#
            : Self.columns
        return try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT \(columns) FROM \(table)").map { row in
                (0..<row.count).map { index -> String in
                    switch (row[index] as DatabaseValue).storage {
                    case .null: "NULL"
                    case .int64(let value): "\(value)"
                    case .string(let value): value
                    case .double(let value): "\(value)"
                    case .blob: "BLOB"
                    }
                }.joined(separator: "|")
            }.sorted()
        }
    }

    @Test func theViewsShowTheRowsTheOldTableHeld() async throws {
        let directory = try TemporaryDirectory()
        let store = try await Self.realStore(directory.path("calsync.db"))
        _ = try await StoreFixtures.apply(store, upserts: Self.events())
        let expected = try Self.oldRows(Self.events(), window: StoreFixtures.window)
        // Two singles, six weekly instances (one moved), four days (one cancelled), the orphan.
        #expect(expected.count == 13)
        #expect(try await Self.viewRows(store) == expected)
        // The agenda shows the same instances with the same columns (none is cancelled here).
        #expect(try await Self.viewRows(store, "agenda") == expected)
        let names: [[String]] = try await store.read { db in
            try ["occurrences", "agenda"].map { view in
                try Row.fetchAll(db, sql: "PRAGMA table_info(\(view))").map { $0["name"] as String }
            }
        }
        let occurrenceColumns: [String] = [
            "account_id", "calendar_id", "instance_id", "event_id", "series_id", "start", "end", "all_day", "start_ts",
            "end_ts",
        ]
        let agendaColumns: [String] = [
            "account_id", "calendar_id", "calendar_name", "event_id", "instance_id", "summary", "location",
            "description", "start", "end", "all_day", "start_ts", "end_ts", "status", "transparency", "conference_url",
            "url",
        ]
        #expect(names == [occurrenceColumns, agendaColumns])
    }

    @Test func aVersionFiveStoreKeepsEveryOccurrenceAndItsIDs() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("calsync.db")
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v5")
        // The old table's rows: a single, a rule's timed and all-day instances (Google's
        // ids), an exception, and a Graph occurrence id nothing can derive.
        let rows = [
            "s|s|NULL|2026-03-05T10:00:00Z|2026-03-05T11:00:00Z|0|1772704800|1772708400",
            "m_20260302T080000Z|m|m|2026-03-02T08:00:00Z|2026-03-02T09:00:00Z|0|1772438400|1772442000",
            "AAMkAGI2TG93AAA=|m|m|2026-03-03T08:00:00Z|2026-03-03T09:00:00Z|0|1772524800|1772528400",
            "m_x|m_x|m|2026-03-04T10:00:00Z|2026-03-04T11:00:00Z|0|1772618400|1772622000",
            "d_20260330|d|d|2026-03-30|2026-03-31|1|1774821600|1774908000",
        ].sorted()
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO accounts(id, provider, auth, updated_at) VALUES ('a', 'google', 'oauth', 'now');
                    INSERT INTO calendars(account_id, id, name, time_zone, access, updated_at)
                        VALUES ('a', 'c', 'Work', 'Europe/Berlin', 'owner', 'now');
                    INSERT INTO sync_state(account_id, calendar_id, events_count, occurrences_count) VALUES ('a', 'c', 4, 5);
                    """)
            let events: [(String, String, String?, Int, String, String, Int, Int)] = [
                ("s", "single", nil, 0, "2026-03-05T10:00:00Z", "2026-03-05T11:00:00Z", 1_772_704_800, 1_772_708_400),
                ("m", "series", nil, 0, "2026-03-02T08:00:00Z", "2026-03-02T09:00:00Z", 1_772_438_400, 1_772_442_000),
                (
                    "m_x", "exception", "m", 0, "2026-03-04T10:00:00Z", "2026-03-04T11:00:00Z", 1_772_618_400,
                    1_772_622_000
                ),
                // All-day in Berlin: midnight is 23:00Z in winter, 22:00Z in summer.
                ("d", "series", nil, 1, "2026-03-27", "2026-03-28", 1_774_566_000, 1_774_652_400),
            ]
            for (id, kind, series, allDay, start, end, startTS, endTS) in events {
                try db.execute(
                    sql: """
                        INSERT INTO events(account_id, calendar_id, id, kind, series_id, status, all_day, start, "end",
                            start_ts, end_ts, transparency, visibility, raw, synced_at)
                        VALUES ('a', 'c', ?, ?, ?, 'confirmed', ?, ?, ?, ?, ?, 'opaque', 'default', '{}', 'now')
                        """, arguments: [id, kind, series, allDay, start, end, startTS, endTS])
            }
            for row in rows {
                let v = row.split(separator: "|").map(String.init)
                try db.execute(
                    sql: """
                        INSERT INTO occurrences(account_id, calendar_id, instance_id, event_id, series_id, start, "end",
                            all_day, start_ts, end_ts) VALUES ('a', 'c', ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [v[0], v[1], v[2] == "NULL" ? nil : v[2], v[3], v[4], Int(v[5]), Int(v[6]), Int(v[7])])
            }
        }
        let store = try StoreFixtures.openStore(path)
        #expect(try await Self.viewRows(store) == rows)
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM agenda") == 5)
        let stored = try await store.read { db in
            try String.fetchAll(db, sql: "SELECT instance_id FROM internal_occurrences WHERE instance_id IS NOT NULL")
        }
        // Only the id nothing derives is stored.
        #expect(stored == ["AAMkAGI2TG93AAA="])
        #expect(try await StoreSyncTests.count(store, "PRAGMA user_version") == StoreSchema.version)
    }

    @Test func providerListedOccurrencesKeepTheirOwnIDs() async throws {
        let directory = try TemporaryDirectory()
        let store = try await Self.realStore(directory.path("calsync.db"))
        var master = Self.events()[2]
        master.recurrence = ["RRULE:FREQ=WEEKLY;COUNT=2"]
        _ = try await StoreFixtures.apply(store, upserts: [master, Self.events()[0]])
        let listed = Occurrence(
            instanceID: "AAMkAGI=", eventID: "w", seriesID: "w", start: Self.instant("2026-03-20T14:00:00Z"),
            end: Self.instant("2026-03-20T15:00:00Z"))
        let window = StoreFixtures.window
        try await store.write { db in
            var writer = try PageWriter(
                db: db, store: store, accountID: "a", calendarID: "c", window: window, now: "now")
            var sink = try OccurrenceSink(
                writer: writer, target: .live, window: window, startingCount: try writer.occurrenceCount(of: .live))
            #expect(try writer.storeListedOccurrence(listed, into: &sink))
            // Listed again, moved: replaced, not doubled.
            var later = listed
            later.start = Self.instant("2026-03-21T14:00:00Z")
            later.end = Self.instant("2026-03-21T15:00:00Z")
            #expect(try writer.storeListedOccurrence(later, into: &sink))
            writer.setOccurrenceCount(sink.count, of: .live)
            try writer.updateCounts()
        }
        #expect(
            try await StoreSyncTests.count(
                store,
                "SELECT COUNT(*) FROM occurrences WHERE instance_id = 'AAMkAGI=' AND start = '2026-03-21T14:00:00Z'")
                == 1)
        #expect(try await StoreSyncTests.count(store, "SELECT occurrences_count FROM sync_state") == 4)
        // Removed by their ids: an opaque one, a rule's instance and a single.
        let removed = try await store.write { db in
            var writer = try PageWriter(
                db: db, store: store, accountID: "a", calendarID: "c", window: window, now: "now")
            let counts = [
                try writer.removeListedOccurrence("AAMkAGI="),
                try writer.removeListedOccurrence("w_20260302T140000Z"),
                try writer.removeListedOccurrence("s1"),
                try writer.removeListedOccurrence("unknown"),
            ]
            try writer.updateCounts()
            return counts
        }
        #expect(removed == [1, 1, 1, 0])
        #expect(try await Self.viewRows(store).map { $0.prefix(while: { $0 != "|" }) } == ["w_20260309T130000Z"])
        #expect(try await StoreSyncTests.count(store, "SELECT occurrences_count FROM sync_state") == 1)
        // A page's listed and removed occurrences in one call.
        var listing = ChangePage()
        listing.listedOccurrences = [listed]
        listing.removedOccurrences = ["w_20260309T130000Z"]
        let page = listing
        try await store.write { db in
            var writer = try PageWriter(
                db: db, store: store, accountID: "a", calendarID: "c", window: window, now: "now")
            try writer.applyListedOccurrences(page, deletedEvents: [], marking: false)
            try writer.updateCounts()
        }
        #expect(try await Self.viewRows(store).map { $0.prefix(while: { $0 != "|" }) } == ["AAMkAGI="])
        #expect(try await StoreSyncTests.count(store, "SELECT occurrences_count FROM sync_state") == 1)
        var removal = ChangePage()
        removal.removedOccurrences = ["AAMkAGI="]
        let removing = removal
        try await store.write { db in
            var writer = try PageWriter(
                db: db, store: store, accountID: "a", calendarID: "c", window: window, now: "now")
            try writer.applyListedOccurrences(removing, deletedEvents: [], marking: false)
            try writer.updateCounts()
        }
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM occurrences") == 0)
        #expect(try await Self.viewRows(store).isEmpty)
    }

    @Test func theDailySlideEndsWhereAFreshExpansionWould() async throws {
        let directory = try TemporaryDirectory()
        let store = try await Self.realStore(directory.path("calsync.db"))
        var events = Self.events()
        // A long series that runs through both windows, and a single only the new one holds.
        events.append(
            CalendarEvent(
                id: "daily", kind: .series, start: Self.instant("2026-01-01T07:00:00Z"),
                end: Self.instant("2026-01-01T07:30:00Z"), timeZone: "Europe/Berlin", recurrence: ["RRULE:FREQ=DAILY"]))
        events.append(StoreFixtures.timed("late", "2026-04-30T12:00:00Z"))
        _ = try await StoreFixtures.apply(store, upserts: events)
        let next = SyncWindow(
            start: StoreFixtures.window.start.addingTimeInterval(86_400),
            end: StoreFixtures.window.end.addingTimeInterval(86_400))
        let capped = try await store.rebuildOccurrences(
            accountID: "a", calendarID: "c", window: next, now: StoreFixtures.now)
        #expect(!capped)
        let fresh = try await Self.realStore(directory.path("fresh.db"))
        _ = try await fresh.applyPage(
            ChangePage(upserts: events, deletions: []), accountID: "a", calendarID: "c", cursor: .page("p"),
            fingerprint: "f", mode: .incremental, window: next, now: StoreFixtures.now)
        let slid = try await Self.viewRows(store)
        #expect(slid == (try await Self.viewRows(fresh)))
        #expect(slid.contains { $0.hasPrefix("late|") })
        #expect(
            try await StoreSyncTests.count(store, "SELECT occurrences_count FROM sync_state") == slid.count)
        // A window that moved back is expanded afresh, to the same rows.
        _ = try await store.rebuildOccurrences(
            accountID: "a", calendarID: "c", window: StoreFixtures.window, now: StoreFixtures.now)
        let back = try await Self.viewRows(store)
        let expected = try Self.oldRows(events, window: StoreFixtures.window)
        #expect(back == expected, "\(Set(back).symmetricDifference(expected).sorted())")
    }

    @Test func aFirstListingsExceptionsOnLaterPagesAdjustTheirSeries() async throws {
        let directory = try TemporaryDirectory()
        let store = try await Self.realStore(directory.path("calsync.db"))
        let events = Self.events()
        try await store.beginFullSync(accountID: "a", calendarID: "c", now: StoreFixtures.now)
        // Page 1: the masters; page 2: an exception whose master came on page 1, and the
        // orphan; page 3 (the last): the other exception and the singles.
        _ = try await StoreFixtures.apply(store, upserts: [events[2], events[4]], mode: .fullSync)
        _ = try await StoreFixtures.apply(store, upserts: [events[3], events[6]], mode: .fullSync)
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM occurrences") == 0)
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM internal_occurrences_staged") == 12)
        _ = try await StoreFixtures.apply(
            store, upserts: [events[5], events[0], events[1]], cursor: .delta("d"),
            mode: .fullSyncEnd(maxDeleteRatio: 0.5, force: false))
        #expect(try await Self.viewRows(store) == (try Self.oldRows(events, window: StoreFixtures.window)))
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM internal_occurrences_staged") == 0)
        #expect(try await StoreSyncTests.count(store, "SELECT occurrences_count FROM sync_state") == 13)

        // An exception that comes before its master (a later first listing of another
        // calendar would do the same): the master's page expands it with the exception.
        try await store.replaceCalendars(
            accountID: "a",
            calendars: [
                RemoteCalendar(id: "c", name: "Work", timeZone: "Europe/Berlin", access: .owner),
                RemoteCalendar(id: "e", name: "Else", timeZone: "Europe/Berlin", access: .owner),
            ],
            enabledIDs: ["c", "e"], now: StoreFixtures.now)
        try await store.beginFullSync(accountID: "a", calendarID: "e", now: StoreFixtures.now)
        for (index, page) in [[events[3]], [events[2]]].enumerated() {
            _ = try await store.applyPage(
                ChangePage(upserts: page, deletions: []), accountID: "a", calendarID: "e",
                cursor: index == 1 ? .delta("d") : .page("p"), fingerprint: "f",
                mode: index == 1 ? .fullSyncEnd(maxDeleteRatio: 0.5, force: false) : .fullSync,
                window: StoreFixtures.window, now: StoreFixtures.now)
        }
        #expect(
            try await StoreSyncTests.count(
                store, "SELECT COUNT(*) FROM occurrences WHERE calendar_id = 'e' AND event_id = 'w_20260309T130000Z'")
                == 1)
        #expect(try await StoreSyncTests.count(store, "SELECT COUNT(*) FROM occurrences WHERE calendar_id = 'e'") == 6)
    }
}
