import Testing

@testable import CalSyncModel

/// Every row of the expansion table: the instances inside the window, exactly.
struct RecurrenceTableTests {
    static let cases: [RecurrenceCase] =
        RecurrenceCase.rfc5545 + RecurrenceCase.daylightSaving + RecurrenceCase.monthlyAndYearly
        + RecurrenceCase.allDay + RecurrenceCase.exceptions + RecurrenceCase.providerLines
        + RecurrenceCase.googleRecordings + RecurrenceCase.window + RecurrenceCase.limits

    @Test(arguments: cases)
    func expandsToTheInstancesWrittenOut(_ testCase: RecurrenceCase) throws {
        let expansion = try testCase.expand()
        let occurrences = expansion.occurrences.chronological
        #expect(occurrences.map(\.start.description) == testCase.expected)
        if let ends = testCase.expectedEnds {
            #expect(occurrences.map(\.end.description) == ends)
        }
        if let eventIDs = testCase.expectedEventIDs {
            #expect(occurrences.map(\.eventID) == eventIDs)
        }
        #expect(occurrences.allSatisfy { $0.seriesID == RecurrenceCase.masterID })
        #expect(expansion.truncated == testCase.expectedTruncated)
    }

    @Test func theTableIsAsLargeAsTheIssueAsks() {
        #expect(Self.cases.count >= 60)
        #expect(Set(Self.cases.map(\.name)).count == Self.cases.count, "case names are unique")
    }
}
