import CalSyncEmulator
import Foundation
import Testing

@testable import CalSyncCore

/// Each `calsyncd --once` is a new process: what the Graph provider must remember of a
/// round (which ids were instances of which series) has to outlive it.
@Suite(.serialized) struct GraphEmulatorRestartTests {
    static func starts(_ account: EmulatedAccounts, series: String) throws -> Set<String> {
        Set(
            try account.rows(
                "SELECT o.start FROM agenda o WHERE o.instance_id LIKE '\(series)%' OR o.event_id LIKE '\(series)%'"))
    }

    @Test func aSeparateOncePassRemovesExactlyTheDeletedOccurrenceAndException() async throws {
        let account = try await EmulatedAccounts(accounts: [], microsoftAccounts: ["office"])
        defer { Task { await account.stop() } }
        let calendar = await account.state.defaultGraphCalendarID
        let now = Date()
        func day(_ offset: Int) -> String {
            String(Timestamp.string(from: now.addingTimeInterval(Double(offset) * 86_400)).prefix(10))
        }
        let series = try await account.state.addGraphEvent(
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
                                    .array([.string(GraphEmulatorSyncTests.weekday(now.addingTimeInterval(86_400)))])
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
                "SELECT count(*) FROM agenda WHERE summary = 'Weekly sync' AND instance_id LIKE '\(seriesID)%'") == 4)
    }
}
