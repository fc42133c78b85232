import Foundation
import GRDB
import Testing

@testable import CalSyncModel
@testable import CalSyncStore

/// The events listed pages read, kept across pages (``ListedEventCache``): learned from what
/// a page read, forgotten when a page writes or deletes them or the store is written
/// otherwise, so that no occurrence is ever written under a rowid the store no longer has.
struct ListedEventCacheTests {
    typealias Listed = ListedOccurrencesTests

    @Test func anEventIsLearnedForgottenAndKeptApartByCalendar() {
        let cache = ListedEventCache()
        let master = ListedEventCache.Event(key: 42, kind: .series, timeZone: "Europe/Berlin")
        let single = ListedEventCache.Event(key: 7, kind: .single, timeZone: nil)
        cache.update(calendar: 1, learned: ["AAm": master, "AAs": single, "AAx": master], forgetting: ["AAx"])
        #expect(cache.event("AAm", calendar: 1) == master)
        #expect(cache.event("AAs", calendar: 1) == single)
        #expect(cache.event("AAx", calendar: 1) == nil)
        #expect(cache.event("AAm", calendar: 2) == nil)
        cache.update(calendar: 1, learned: [:], forgetting: ["AAm"])
        #expect(cache.event("AAm", calendar: 1) == nil)
        cache.forget(calendar: 1)
        #expect(cache.event("AAs", calendar: 1) == nil)
        cache.update(calendar: 2, learned: ["AAm": master], forgetting: [])
        cache.clear()
        #expect(cache.event("AAm", calendar: 2) == nil)
    }

    @Test func itKeepsAtMostItsCapacityAndNothingThatDoesNotFit() {
        let cache = ListedEventCache()
        var learned: [String: ListedEventCache.Event] = [:]
        for index in 0..<(ListedEventCache.capacity + 100) {
            learned["id\(index)"] = ListedEventCache.Event(key: Int64(index), kind: .series, timeZone: nil)
        }
        learned["huge"] = ListedEventCache.Event(key: 1 << 41, kind: .series, timeZone: nil)
        cache.update(calendar: 1, learned: learned, forgetting: [])
        let kept = learned.keys.filter { cache.event($0, calendar: 1) != nil }
        #expect(kept.count == ListedEventCache.capacity)
        #expect(cache.event("huge", calendar: 1) == nil)
        for id in kept { #expect(cache.event(id, calendar: 1) == learned[id]) }
    }

    /// Across pages of a store: a series deleted and listed again under the same id gets a
    /// new rowid; the next pages' occurrences name that one, not the one the cache had.
    @Test func aSeriesDeletedAndWrittenAgainIsNotFoundUnderItsOldRowid() async throws {
        let directory = try TemporaryDirectory()
        let store = try await StoreFixtures.prepared(directory.path("calsync.db"))
        var other = Listed.master
        other.id = "n"
        _ = try await Listed.apply(store, upserts: [Listed.master, other])
        // Read from the store (not written by the page): learned.
        _ = try await Listed.apply(store, listed: [Listed.occurrence("AAo1", "2026-03-02T08:00:00Z")])
        let first = try await Listed.rows(store, "SELECT rowid FROM events WHERE id = 'm'")
        // Deleted, then written again (a new rowid: `n` was inserted after it).
        _ = try await Listed.apply(store, deletions: ["m"])
        _ = try await Listed.apply(store, upserts: [Listed.master])
        let second = try await Listed.rows(store, "SELECT rowid FROM events WHERE id = 'm'")
        #expect(first != second)
        _ = try await Listed.apply(store, listed: [Listed.occurrence("AAo2", "2026-03-03T08:00:00Z")])
        #expect(
            try await Listed.rows(store, "SELECT event_id || '|' || instance_id FROM occurrences") == ["m|AAo2"])
        #expect(
            try await Listed.rows(
                store, "SELECT COUNT(*) FROM internal_occurrences WHERE event NOT IN (SELECT rowid FROM events)") == [
                    "0"
                ])
        // A page that deletes it uses no cached rowid either.
        _ = try await Listed.apply(
            store, deletions: ["m"], listed: [Listed.occurrence("AAo3", "2026-03-04T08:00:00Z")])
        #expect(try await Listed.rows(store, "SELECT COUNT(*) FROM internal_occurrences") == ["0"])
    }
}
