import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Testing

@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncStore

/// Each `calsyncd --once` is a new process: nothing the Graph provider learnt in an
/// earlier one is needed, as every removal comes as `@removed` of the very id stored.
@Suite(.serialized) struct GraphEmulatorRestartTests {
    static func starts(_ account: EmulatedAccounts, series: String) throws -> Set<String> {
        Set(
            try account.rows(
                "SELECT o.start FROM agenda o WHERE o.instance_id IN (SELECT instance_id FROM occurrences WHERE series_id = '\(series)')"
            ))
    }

    /// The weekday of a `YYYY-MM-DD` date (whatever the hour: the series starts on that date).
    static func weekday(of date: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"][
            calendar.component(.weekday, from: Timestamp.parse(date + "T12:00:00Z")!) - 1]
    }

    /// "Weekly sync", 6 weekly occurrences from tomorrow 09:00 (W. Europe).
    static func weeklySeries(_ account: EmulatedAccounts, calendar: String, now: Date) async throws -> JSONValue {
        func day(_ offset: Int) -> String {
            String(Timestamp.string(from: now.addingTimeInterval(Double(offset) * 86_400)).prefix(10))
        }
        return try await account.state.addGraphEvent(
            calendarID: calendar,
            .object([
                ("subject", "Weekly sync"), ("start", GraphEmulatorSyncTests.graphTime(day(1) + "T09:00:00.0000000")),
                ("end", GraphEmulatorSyncTests.graphTime(day(1) + "T09:30:00.0000000")),
                (
                    "recurrence",
                    .object([
                        (
                            "pattern",
                            .object([
                                ("type", "weekly"), ("interval", 1),
                                (
                                    "daysOfWeek",
                                    .array([.string(Self.weekday(of: day(1)))])
                                ),
                                ("firstDayOfWeek", "monday"),
                            ])
                        ),
                        (
                            "range",
                            .object([("type", "numbered"), ("numberOfOccurrences", 6), ("startDate", .string(day(1)))])
                        ),
                    ])
                ),
            ]))
    }

    @Test func aSeparateOncePassRemovesExactlyTheDeletedOccurrenceAndException() async throws {
        let account = try await EmulatedAccounts(accounts: [], microsoftAccounts: ["office"])
        defer { Task { await account.stop() } }
        let calendar = await account.state.defaultGraphCalendarID
        let now = Date()
        func day(_ offset: Int) -> String {
            String(Timestamp.string(from: now.addingTimeInterval(Double(offset) * 86_400)).prefix(10))
        }
        let series = try await Self.weeklySeries(account, calendar: calendar, now: now)
        let seriesID = try #require(series["id"]?.stringValue)
        let occurrences = try await account.state.graphOccurrenceIDs(
            calendarID: calendar, seriesID: seriesID, from: now.addingTimeInterval(-86_400),
            to: now.addingTimeInterval(60 * 86_400))
        #expect(occurrences.count == 6)
        try await account.state.editGraphOccurrence(
            calendarID: calendar, occurrenceID: occurrences[3], .object([("subject", "Weekly sync (moved room)")]))

        let first = await account.syncOnce(freshProcess: true)
        #expect(first.allSatisfy { $0.error == nil }, "\(first.map(\.line))")
        let before = try Self.starts(account, series: seriesID)
        #expect(before.count == 6)

        // Another process: one occurrence deleted in Outlook.
        try await account.state.cancelGraphOccurrence(calendarID: calendar, occurrenceID: occurrences[1])
        let second = await account.syncOnce(freshProcess: true)
        #expect(second.allSatisfy { $0.error == nil }, "\(second.map(\.line))")
        #expect(second.first?.outcome?.fullSync == false)
        let afterOccurrence = try Self.starts(account, series: seriesID)
        #expect(before.subtracting(afterOccurrence).map { String($0.prefix(10)) } == [day(8)])
        #expect(afterOccurrence.isSubset(of: before))

        // And another: the exception deleted (its slot must not come back from the rule).
        try await account.state.deleteGraphEvent(calendarID: calendar, eventID: occurrences[3])
        let third = await account.syncOnce(freshProcess: true)
        #expect(third.allSatisfy { $0.error == nil }, "\(third.map(\.line))")
        let afterException = try Self.starts(account, series: seriesID)
        #expect(afterOccurrence.subtracting(afterException).map { String($0.prefix(10)) } == [day(22)])
        #expect(afterException.count == 4)
        #expect(
            try account.scalar(
                "SELECT count(*) FROM agenda WHERE summary = 'Weekly sync' AND instance_id IN (SELECT instance_id FROM occurrences WHERE series_id = '\(seriesID)')"
            ) == 4)
    }

    @Test func aSeparateOncePassKeepsAMovedExceptionWhenItsSeriesChanges() async throws {
        let account = try await EmulatedAccounts(accounts: [], microsoftAccounts: ["office"])
        defer { Task { await account.stop() } }
        let calendar = await account.state.defaultGraphCalendarID
        let now = Date()
        func day(_ offset: Int, _ time: String) -> String {
            String(Timestamp.string(from: now.addingTimeInterval(Double(offset) * 86_400)).prefix(10)) + "T" + time
        }
        let series = try await Self.weeklySeries(account, calendar: calendar, now: now)
        let seriesID = try #require(series["id"]?.stringValue)
        let occurrences = try await account.state.graphOccurrenceIDs(
            calendarID: calendar, seriesID: seriesID, from: now.addingTimeInterval(-86_400),
            to: now.addingTimeInterval(60 * 86_400))
        // The second occurrence moved to the next day, 14:00.
        try await account.state.editGraphOccurrence(
            calendarID: calendar, occurrenceID: occurrences[1],
            .object([
                ("start", GraphEmulatorSyncTests.graphTime(day(9, "14:00:00.0000000"))),
                ("end", GraphEmulatorSyncTests.graphTime(day(9, "14:30:00.0000000"))),
            ]))
        #expect(await account.syncOnce(freshProcess: true).allSatisfy { $0.error == nil })
        let before = try Self.starts(account, series: seriesID)
        #expect(before.count == 6)
        #expect(before.contains { $0.hasPrefix(day(9, "")) })

        // Another process: the series renamed (every stub comes again, its master is read again).
        try await account.state.editGraphEvent(
            calendarID: calendar, eventID: seriesID, .object([("subject", "Weekly sync (renamed)")]))
        let second = await account.syncOnce(freshProcess: true)
        #expect(second.allSatisfy { $0.error == nil }, "\(second.map(\.line))")
        #expect(try Self.starts(account, series: seriesID) == before)
        #expect(
            try account.scalar(
                "SELECT count(*) FROM agenda WHERE summary = 'Weekly sync (renamed)' AND instance_id IN (SELECT instance_id FROM occurrences WHERE series_id = '\(seriesID)')"
            )
                == 5)
    }
}
