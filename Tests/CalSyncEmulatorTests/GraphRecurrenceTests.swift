import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Testing

/// Series expansion: each patternedRecurrence pattern and range, through the library API.
@Suite struct GraphRecurrenceTests {
    /// The occurrence dates (`yyyyMMdd`) of a series with this pattern and range.
    static func days(
        pattern: [(String, JSONValue)], range: [(String, JSONValue)], start: String, from: String, to: String,
        allDay: Bool = false
    ) async throws -> [String] {
        let state = EmulatorState()
        try await state.addGraphCalendar(id: "c", timeZone: "W. Europe Standard Time")
        let end = allDay ? String(start.prefix(10)) + "T00:00:00" : String(start.prefix(11)) + "10:00:00"
        let startValue = allDay ? String(start.prefix(10)) + "T00:00:00" : start
        let series = try await state.addGraphEvent(
            calendarID: "c",
            graphEvent(
                "S", startValue, allDay ? Self.nextDay(end) : end, zone: "W. Europe Standard Time",
                extra: [
                    ("isAllDay", .bool(allDay)),
                    (
                        "recurrence",
                        .object([
                            ("pattern", .object(pattern)),
                            ("range", .object([("startDate", .string(String(start.prefix(10))))] + range)),
                        ])
                    ),
                ]))
        let ids = try await state.graphOccurrenceIDs(
            calendarID: "c", seriesID: try #require(series["id"]?.stringValue),
            from: try Date(from + "T00:00:00Z", strategy: .iso8601), to: try Date(to + "T00:00:00Z", strategy: .iso8601)
        )
        return ids.map(Self.day(ofOccurrence:))
    }

    /// The original date an emulator occurrence id carries: opaque to clients, as Graph's
    /// are (`AAMkAGOc` + URL-safe base64 of `yyyyMMdd|<master id>`).
    static func day(ofOccurrence id: String) -> String {
        var text = id.dropFirst("AAMkAGOc".count).replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return String(decoding: (Data(base64Encoded: text) ?? Data()).prefix(8), as: UTF8.self)
    }

    static func nextDay(_ midnight: String) -> String {
        let day = Int(midnight.dropFirst(8).prefix(2))! + 1
        return String(midnight.prefix(8)) + String(format: "%02d", day) + "T00:00:00"
    }

    @Test func daily() async throws {
        let days = try await Self.days(
            pattern: [("type", "daily"), ("interval", 2)], range: [("type", "numbered"), ("numberOfOccurrences", 4)],
            start: "2026-03-01T09:00:00", from: "2026-01-01", to: "2027-01-01")
        #expect(days == ["20260301", "20260303", "20260305", "20260307"])
    }

    @Test func weeklyWithIntervalAndSeveralDays() async throws {
        let days = try await Self.days(
            pattern: [
                ("type", "weekly"), ("interval", 2), ("daysOfWeek", ["monday", "wednesday"]),
                ("firstDayOfWeek", "sunday"),
            ],
            range: [("type", "endDate"), ("endDate", "2026-03-25")],
            start: "2026-03-02T09:00:00", from: "2026-01-01", to: "2027-01-01")
        #expect(days == ["20260302", "20260304", "20260316", "20260318"])
    }

    @Test func absoluteMonthlyFallsOnTheLastDayOfShortMonths() async throws {
        let days = try await Self.days(
            pattern: [("type", "absoluteMonthly"), ("interval", 1), ("dayOfMonth", 31)], range: [("type", "noEnd")],
            start: "2026-01-31T09:00:00", from: "2026-01-01", to: "2026-05-01")
        #expect(days == ["20260131", "20260228", "20260331", "20260430"])
    }

    @Test func relativeMonthlyFirstToLast() async throws {
        let last = try await Self.days(
            pattern: [("type", "relativeMonthly"), ("interval", 1), ("daysOfWeek", ["friday"]), ("index", "last")],
            range: [("type", "numbered"), ("numberOfOccurrences", 3)],
            start: "2026-01-01T09:00:00", from: "2026-01-01", to: "2027-01-01")
        #expect(last == ["20260130", "20260227", "20260327"])
        let second = try await Self.days(
            pattern: [("type", "relativeMonthly"), ("interval", 2), ("daysOfWeek", ["tuesday"]), ("index", "second")],
            range: [("type", "numbered"), ("numberOfOccurrences", 3)],
            start: "2026-01-01T09:00:00", from: "2026-01-01", to: "2027-01-01")
        #expect(second == ["20260113", "20260310", "20260512"])
    }

    @Test func yearlyPatterns() async throws {
        let leap = try await Self.days(
            pattern: [("type", "absoluteYearly"), ("interval", 1), ("month", 2), ("dayOfMonth", 29)],
            range: [("type", "noEnd")], start: "2024-02-29T09:00:00", from: "2024-01-01", to: "2027-01-01")
        #expect(leap == ["20240229", "20250228", "20260228"])
        let laborDay = try await Self.days(
            pattern: [
                ("type", "relativeYearly"), ("interval", 1), ("month", 9), ("daysOfWeek", ["monday"]),
                ("index", "first"),
            ],
            range: [("type", "endDate"), ("endDate", "2027-12-31")],
            start: "2025-09-01T09:00:00", from: "2025-01-01", to: "2030-01-01")
        #expect(laborDay == ["20250901", "20260907", "20270906"])
    }

    @Test func allDaySeriesAndWindowsOnlyShowWhatOverlaps() async throws {
        let days = try await Self.days(
            pattern: [("type", "weekly"), ("interval", 1), ("daysOfWeek", ["saturday"])], range: [("type", "noEnd")],
            start: "2026-03-07T00:00:00", from: "2026-03-14", to: "2026-03-29", allDay: true)
        #expect(days == ["20260314", "20260321", "20260328"])
    }
}
