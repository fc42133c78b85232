import CalSyncICal
import Foundation
import Testing

@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncRecurrence
@testable import CalSyncStore

/// The zone's transition table (what per-instance conversions use inside the window) holds
/// the real DST changes, and gives exactly what Foundation's `Calendar` gives: the same
/// wall-clock times for instants, the same instants for wall-clock times, repeated and
/// skipped times included.
struct ZoneClockTests {
    static let year2026 = Int64(1_767_225_600)..<Int64(1_798_761_600)  // 2026-01-01Z..<2027-01-01Z

    static func seconds(_ text: String) -> Int64 {
        Int64(RecurrenceCase.instant(text).timeIntervalSince1970)
    }

    struct Zone: Sendable, CustomTestStringConvertible {
        var name: String
        /// The instants the offset changes at in 2026, and the offsets (hours) before, between, after.
        var changes: [String]
        var offsets: [Double]
        var testDescription: String { name }
    }

    static let zones: [Zone] = [
        Zone(
            name: "America/New_York", changes: ["2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z"], offsets: [-5, -4, -5]),
        Zone(name: "Europe/Berlin", changes: ["2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z"], offsets: [1, 2, 1]),
        Zone(
            name: "Australia/Sydney", changes: ["2026-04-04T16:00:00Z", "2026-10-03T16:00:00Z"], offsets: [11, 10, 11]),
        Zone(
            name: "Australia/Lord_Howe", changes: ["2026-04-04T15:00:00Z", "2026-10-03T15:30:00Z"],
            offsets: [11, 10.5, 11]),
        Zone(name: "Asia/Tokyo", changes: [], offsets: [9]),
    ]

    @Test(arguments: zones)
    func theTableHoldsTheYearsChanges(_ zone: Zone) throws {
        let table = try #require(
            ZoneClock.Transitions(
                zone: TimeZone(identifier: zone.name)!, lower: Self.year2026.lowerBound, upper: Self.year2026.upperBound
            ))
        #expect(table.changes == zone.changes.map(Self.seconds))
        #expect(table.offsets == zone.offsets.map { Int32($0 * 3600) })
    }

    /// Every 15 minutes of the days around each change (and of two quiet days), both ways.
    @Test(arguments: zones)
    func conversionsMatchFoundationAcrossTheChanges(_ zone: Zone) {
        let timeZone = TimeZone(identifier: zone.name)!
        let fast = ZoneClock(zone: timeZone, covering: Self.year2026)
        let foundation = ZoneClock(zone: timeZone)
        let days = zone.changes.map(Self.seconds) + [Self.seconds("2026-01-15"), Self.seconds("2026-07-15")]
        for day in days {
            for step in Int64(-8 * 24)...Int64(8 * 24) {
                let instant = Date(timeIntervalSince1970: Double(day + step * 900))
                #expect(fast.wallClock(of: instant) == foundation.wallClock(of: instant), "\(instant)")
                let local = ZoneClock.wallClock(localSeconds: day + step * 900, isDate: false)
                #expect(fast.unixSeconds(local) == foundation.unixSeconds(local), "\(local)")
                #expect(fast.eventTime(local) == foundation.eventTime(local), "\(local)")
            }
        }
    }

    @Test func repeatedTimesAreTheFirstOccurrenceAndSkippedOnesMoveForward() {
        let clock = ZoneClock(zone: TimeZone(identifier: "America/New_York")!, covering: Self.year2026)
        let repeated = WallClock(year: 2026, month: 11, day: 1, hour: 1, minute: 30)
        #expect(clock.eventTime(repeated).description == "2026-11-01T05:30:00Z")
        let skipped = WallClock(year: 2026, month: 3, day: 8, hour: 2, minute: 30)
        #expect(clock.eventTime(skipped).description == "2026-03-08T07:30:00Z")
    }

    @Test func outsideTheTableFoundationAnswers() {
        let zone = TimeZone(identifier: "Europe/Berlin")!
        let fast = ZoneClock(zone: zone, covering: Self.year2026)
        let foundation = ZoneClock(zone: zone)
        for text in ["1999-03-28T01:30:00Z", "2041-10-27T00:30:00Z", "1970-01-01T00:00:00Z"] {
            let instant = RecurrenceCase.instant(text)
            #expect(fast.wallClock(of: instant) == foundation.wallClock(of: instant))
        }
        let far = WallClock(year: 2041, month: 3, day: 31, hour: 2, minute: 30)
        #expect(fast.unixSeconds(far) == foundation.unixSeconds(far))
    }

    @Test func tablesAreSharedPerZoneAndPeriod() {
        let zone = TimeZone(identifier: "Europe/Berlin")!
        let first = ZoneClock.Transitions.shared(zone: zone, covering: Self.year2026)
        let slid = ZoneClock.Transitions.shared(
            zone: zone, covering: (Self.year2026.lowerBound + 86_400)..<(Self.year2026.upperBound + 86_400))
        #expect(first != nil)
        #expect(first === ZoneClock.Transitions.shared(zone: zone, covering: Self.year2026))
        #expect(slid.map { $0.lower <= Self.year2026.lowerBound + 86_400 } == true)
    }
}

/// A rule libical reads but refuses to iterate quarantines its series (`.decoding`, with
/// the reason); a legal rule that never matches has no instances instead.
struct RecurrenceRefusalTests {
    @Test(arguments: [
        "RRULE:FREQ=MONTHLY;BYWEEKNO=1", "RRULE:FREQ=DAILY;BYYEARDAY=1", "RRULE:RSCALE=HEBREW;FREQ=YEARLY",
    ])
    func aRuleLibicalCannotIterateThrowsDecoding(_ line: String) {
        #expect {
            try RecurrenceExpander().occurrences(
                of: RecurrenceLimitsTests.series(lines: [line]), exceptions: [], window: RecurrenceLimitsTests.window,
                calendarTimeZone: nil)
        } throws: { error in
            guard let error = error as? CalSyncError else { return false }
            return error.code == .decoding && "\(error)".contains("cannot iterate")
        }
    }

    @Test func theRuleSaysWhy() {
        #expect(throws: RecurrenceRuleError(text: "FREQ=MONTHLY;BYWEEKNO=1", reason: "libical cannot iterate it")) {
            try RecurrenceRule("FREQ=MONTHLY;BYWEEKNO=1")
        }
    }

    @Test func aStartLibicalCannotRepresentThrows() throws {
        let rule = try RecurrenceRule("FREQ=WEEKLY")
        #expect(throws: RecurrenceRuleError.self) {
            try rule.iterate(
                start: WallClock(year: 3000, month: 1, day: 1, hour: 9),
                rangeEnd: WallClock(year: 3001, month: 1, day: 1),
                skipTo: nil, untilOverride: nil, limit: 10)
        }
    }

    @Test func aLegalRuleThatNeverMatchesHasNoInstances() throws {
        let rule = try RecurrenceRule("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31")
        let result = try rule.iterate(
            start: WallClock(year: 2026, month: 1, day: 1, hour: 9), rangeEnd: WallClock(year: 2030, month: 1, day: 1),
            skipTo: nil, untilOverride: nil, limit: 10)
        #expect(result.instances.isEmpty)
        #expect(!result.truncated)
    }
}
