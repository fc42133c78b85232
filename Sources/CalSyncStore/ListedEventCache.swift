import CalSyncModel
import Synchronization

/// What a listed occurrence needs of its event (its rowid, kind and zone), kept across the
/// pages of a listed calendar's rounds.
///
/// Graph lists a round by time: every page names most of the calendar's series again, and
/// looking each one up by its id once per page was a tenth of a 100,000-event first sync
/// (an index seek in a table of a hundred MB, docs/benchmarks.md, issue 18). The cache
/// learns an event when a page reads it from the store, and forgets it when a page writes
/// or deletes it (``update(calendar:learned:forgetting:)``); any other write to the store
/// forgets everything (``clear()``), so an entry always says what the store holds.
///
/// An entry takes 16 bytes (Graph's ids run to a hundred bytes, and a 100,000-event
/// calendar has some 18,000 series, to be kept within the sync's memory goal): the key is
/// a 64-bit hash of the id, the value packs the rowid (40 bits), 14 bits of a second hash
/// that must match too, the kind and the index of the zone's name. Two ids that agree on
/// those 78 bits of hash are not expected in the life of a store. At most ``capacity``
/// events a calendar are kept (32,768 buckets of 16 bytes, half a MiB: the 18,265 series
/// of the 100,000-event benchmark calendar fit, which at 12,000 cost that sync 15 % more
/// CPU in reads of the store); past it, and for a rowid or a zone that does not fit,
/// events are read from the store as before.
final class ListedEventCache: Sendable {
    struct Event: Equatable {
        var key: Int64
        var kind: CalendarEvent.Kind
        var timeZone: String?
    }

    static let capacity = 24_000

    /// An id's two hashes: the key, and 14 bits of the second, which must match too.
    private struct Hashes {
        var key: Int
        var check: UInt64

        init(_ id: String) {
            let hashes = IDHashes(id)
            key = hashes.first
            check = UInt64(UInt(bitPattern: hashes.second)) & 0x3FFF
        }
    }

    /// rowid: bits 0–39; check: 40–53; kind: 54–55; zone: 56–63.
    private static let kinds: [CalendarEvent.Kind] = [.single, .series, .exception]

    private struct State {
        var calendars: [Int64: [Int: UInt64]] = [:]
        /// Zone names, by the index an entry keeps (0: none); a calendar has a handful.
        var zones: [String?] = [nil]
        var zoneIndexes: [String: UInt64] = [:]
    }

    private let state = Mutex(State())

    /// The event `id` of the calendar (its `calendars` rowid), if known.
    func event(_ id: String, calendar: Int64) -> Event? {
        let hashes = Hashes(id)
        return state.withLock { state in
            guard let packed = state.calendars[calendar]?[hashes.key], (packed >> 40) & 0x3FFF == hashes.check else {
                return nil
            }
            return Event(
                key: Int64(packed & 0xFF_FFFF_FFFF), kind: Self.kinds[Int((packed >> 54) & 0x3)],
                timeZone: state.zones[Int(packed >> 56)])
        }
    }

    /// After a page of the calendar was applied: what it `learned` by reading the store,
    /// less what it wrote or deleted (`forgetting`: those are read again when needed).
    /// Called inside the page's transaction, before its commit: what the page read is what
    /// the store held before it, so a failed commit leaves the entries true.
    func update(calendar: Int64, learned: [String: Event], forgetting: Set<String>) {
        guard !learned.isEmpty || !forgetting.isEmpty else { return }
        state.withLock { state in
            // Taken out, so that it is changed in place rather than copied.
            var entries = state.calendars.removeValue(forKey: calendar) ?? [:]
            for id in forgetting { entries[Hashes(id).key] = nil }
            for (id, event) in learned where !forgetting.contains(id) && entries.count < Self.capacity {
                guard event.key >= 0, event.key <= 0xFF_FFFF_FFFF, let kind = Self.kinds.firstIndex(of: event.kind)
                else { continue }
                var zone: UInt64 = 0
                if let name = event.timeZone {
                    if let known = state.zoneIndexes[name] {
                        zone = known
                    } else if state.zones.count < 256 {
                        zone = UInt64(state.zones.count)
                        state.zones.append(name)
                        state.zoneIndexes[name] = zone
                    } else {
                        continue
                    }
                }
                let hashes = Hashes(id)
                entries[hashes.key] = UInt64(event.key) | hashes.check << 40 | UInt64(kind) << 54 | zone << 56
            }
            state.calendars[calendar] = entries
        }
    }

    /// Forgets the calendar's events: a first listing's last page gives their memory back
    /// before its publish sorts the stage (the sync's peak), and the next round reads
    /// what it needs again.
    func forget(calendar: Int64) {
        _ = state.withLock { state in state.calendars.removeValue(forKey: calendar) }
    }

    /// Forgets everything: a write other than a page (an outbox change, a calendar removed,
    /// an account forgotten) may have changed any event.
    func clear() {
        state.withLock { state in
            if !state.calendars.isEmpty { state = State() }
        }
    }
}
