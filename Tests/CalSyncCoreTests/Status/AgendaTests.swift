import Foundation
import Testing

@testable import CalSyncModel
@testable import CalSyncStore

struct AgendaTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    static func item(_ summary: String, _ start: EventTime, _ end: EventTime) -> AgendaItem {
        AgendaItem(
            accountID: "work", calendarID: "c", calendarName: "Work", eventID: "e", instanceID: "i", summary: summary,
            location: nil, start: start, end: end, status: "confirmed", conferenceURL: nil)
    }

    @Test func parsesDatesAsLocalMidnightAndInstantsAsGiven() throws {
        #expect(
            try Agenda.parseWhen("2026-03-29", option: "--from", timeZone: berlin)
                == Timestamp.parse("2026-03-28T23:00:00Z"))
        #expect(
            try Agenda.parseWhen("2026-03-29T09:00:00+02:00", option: "--from", timeZone: berlin)
                == Timestamp.parse("2026-03-29T07:00:00Z"))
        let error = #expect(throws: CalSyncError.self) {
            try Agenda.parseWhen("tomorrow", option: "--to", timeZone: berlin)
        }
        #expect(error?.message.contains("--to \"tomorrow\"") == true)
        #expect(error?.code == .invalidInput)
    }

    @Test func defaultRangeIsTodayAndTheNextSevenDays() {
        let now = Timestamp.parse("2026-03-29T21:30:00Z")!  // 23:30 in Berlin, after the DST change
        let range = Agenda.defaultRange(now: now, timeZone: berlin)
        // Midnight of the change day is still CET (+01:00); a week later it is CEST (+02:00).
        #expect(range.from == Timestamp.parse("2026-03-28T23:00:00Z"))
        #expect(range.to == Timestamp.parse("2026-04-04T22:00:00Z"))
    }

    @Test func textGroupsByLocalDayAndKeepsAllDayDates() {
        let items = [
            Self.item("Holiday", .date(CalendarDate("2026-03-30")!), .date(CalendarDate("2026-03-31")!)),
            Self.item(
                "Standup", .instant(Timestamp.parse("2026-03-30T07:00:00Z")!),
                .instant(Timestamp.parse("2026-03-30T07:15:00Z")!)),
            Self.item("Trip", .date(CalendarDate("2026-03-31")!), .date(CalendarDate("2026-04-03")!)),
        ]
        let text = Agenda.text(items, timeZone: berlin)
        #expect(
            text == """
                Mon 30 Mar 2026
                  all day       Holiday  (Work)
                  09:00–09:15   Standup  (Work)

                Tue 31 Mar 2026
                  all day (3 days)  Trip  (Work)
                """)
        #expect(Agenda.text([], timeZone: berlin) == "Nothing on in this range.")
    }

    /// The store orders by `start_ts`: an all-day event of a calendar in Sydney starts at
    /// its midnight there, the evening before in Berlin. It still belongs to its date.
    @Test func allDayEventsOfAnotherZoneStayOnTheirDayBeforeItsTimes() {
        let items = [
            // start_ts = 2026-03-29T13:00Z, midnight in Sydney
            Self.item("Sydney holiday", .date(CalendarDate("2026-03-30")!), .date(CalendarDate("2026-03-31")!)),
            Self.item(
                "Late call", .instant(Timestamp.parse("2026-03-29T20:00:00Z")!),
                .instant(Timestamp.parse("2026-03-29T21:00:00Z")!)),
            Self.item(
                "Standup", .instant(Timestamp.parse("2026-03-30T07:00:00Z")!),
                .instant(Timestamp.parse("2026-03-30T07:15:00Z")!)),
        ]
        #expect(
            Agenda.text(items, timeZone: berlin) == """
                Sun 29 Mar 2026
                  22:00–23:00   Late call  (Work)

                Mon 30 Mar 2026
                  all day       Sydney holiday  (Work)
                  09:00–09:15   Standup  (Work)
                """)
    }

    @Test func jsonUsesTheViewsColumnNames() throws {
        let json = Agenda.json([
            Self.item("Holiday", .date(CalendarDate("2026-03-30")!), .date(CalendarDate("2026-03-31")!))
        ])
        let rows = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(rows[0]["start"] as? String == "2026-03-30")
        #expect(rows[0]["all_day"] as? Bool == true)
        #expect(rows[0]["calendar_name"] as? String == "Work")
        #expect(rows[0]["location"] is NSNull)
    }
}
