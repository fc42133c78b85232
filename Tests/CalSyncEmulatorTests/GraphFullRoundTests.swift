import CalSyncEmulator
import CalSyncEmulatorServer
import Foundation
import Testing

/// The byte-level rendering of full calendarView delta rounds (`GraphFullRound.swift`)
/// and the calendar arithmetic behind it (`CivilDate`) against the general paths they
/// replace for speed.
@Suite struct GraphFullRoundTests {
    /// A generated calendar's full round, fast path and general path: the same ids in the
    /// same order with the same bytes, in a floating zone with DST and in UTC.
    @Test(arguments: ["UTC", "W. Europe Standard Time"])
    func fastRoundEqualsGeneralRendering(calendarZone: String) async throws {
        let now = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28
        let state = EmulatorState(clock: { now })
        try await state.addGraphCalendar(id: "generated", timeZone: calendarZone)
        try await state.generateGraphEvents(calendarID: "generated", count: 1500, seed: 18)
        let renderings = await state.graphFullRoundRenderings(
            calendarID: "generated", start: now.addingTimeInterval(-90 * 86_400),
            end: now.addingTimeInterval(400 * 86_400))
        #expect(renderings.fast.count > 10_000)
        #expect(renderings.fast.map(\.id) == renderings.general.map(\.id))
        let differing = zip(renderings.fast, renderings.general).first { $0.bytes != $1.bytes }
        #expect(
            differing == nil,
            "\(String(decoding: differing?.0.bytes ?? [], as: UTF8.self)) != \(String(decoding: differing?.1.bytes ?? [], as: UTF8.self))"
        )
    }

    static let zones = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]

    /// Every hour of two years, formatted by arithmetic and by Foundation's calendar.
    @Test(arguments: zones)
    func graphDateTimeMatchesFoundation(zoneName: String) throws {
        let zone = try #require(TimeZone(identifier: zoneName))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        for hour in stride(from: 0, to: 2 * 366 * 24, by: 1) {
            let date = Date(timeIntervalSince1970: 1_767_225_600 + Double(hour) * 3600 + 1_234)  // from 2026-01-01
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.0000000", parts.year!, parts.month!, parts.day!, parts.hour!,
                parts.minute!, parts.second!)
            #expect(EmulatorClock.graphDateTime(date, in: zone) == expected)
        }
    }

    /// Wall-clock times to instants: arithmetic where it answers (away from DST changes)
    /// agrees with Foundation, and `parseLocal` agrees everywhere, DST changes included.
    @Test(arguments: zones)
    func wallClockInstantsMatchFoundation(zoneName: String) throws {
        let zone = try #require(TimeZone(identifier: zoneName))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let firstDay = CivilDate.day(year: 2026, month: 1, day: 1)
        for step in 0..<(2 * 366 * 48) {
            let local = firstDay * 86_400 + step * 1800
            let dayNumber = local / 86_400
            let (year, month, day) = CivilDate.civil(fromDay: dayNumber)
            let second = local % 86_400
            let components = DateComponents(
                year: year, month: month, day: day, hour: second / 3600, minute: second % 3600 / 60, second: 0)
            let expected = calendar.date(from: components)
            if let instant = CivilDate.instant(localSeconds: local, in: zone) {
                #expect(instant == expected)
            }
            let text = String(
                format: "%04d-%02d-%02dT%02d:%02d:00", year, month, day, second / 3600, second % 3600 / 60)
            #expect(EmulatorClock.parseLocal(text, in: zone) == expected)
        }
    }

    /// Day numbers, weekdays and month lengths against Foundation, and the carry-over of
    /// out-of-range months and days that `date(from:)` does.
    @Test func civilDatesMatchFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for dayNumber in stride(from: -135_000, to: 2_900_000, by: 97) {
            let date = Date(timeIntervalSince1970: Double(dayNumber) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
            let civil = CivilDate.civil(fromDay: dayNumber)
            #expect(civil.year == parts.year && civil.month == parts.month && civil.day == parts.day)
            #expect(CivilDate.weekday(ofDay: dayNumber) == parts.weekday)
            #expect(CivilDate.day(year: civil.year, month: civil.month, day: civil.day) == dayNumber)
            #expect(
                CivilDate.length(year: civil.year, month: civil.month)
                    == calendar.range(of: .day, in: .month, for: date)?.count)
        }
        #expect(CivilDate.day(year: 2026, month: 14, day: 1) == CivilDate.day(year: 2027, month: 2, day: 1))
        #expect(CivilDate.day(year: 2026, month: 2, day: 30) == CivilDate.day(year: 2026, month: 3, day: 2))
        #expect(CivilDate.day(year: 2026, month: 0, day: 1) == CivilDate.day(year: 2025, month: 12, day: 1))
        #expect(CivilDate.dayKey(CivilDate.day(year: 2026, month: 3, day: 9)) == "20260309")
    }
}
