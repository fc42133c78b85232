package import CalSyncEmulatorServer
package import Foundation

/// Generates a realistic Google calendar: mostly timed meetings in working hours, some
/// all-day and multi-day events, recurring series (daily, weekly, monthly, yearly) with
/// edited and cancelled instances, in several time zones including ones with DST
/// changes inside the range. The same seed gives the same calendar.
package struct GoogleCalendarGenerator {
    var random: SeededRandom
    let calendarZone: TimeZone
    /// Events are spread from 180 days before to 365 days after this instant.
    let around: Date
    let zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Tokyo", "UTC"]
    let titles = GeneratedNames.meetings
    private var counter = 0

    package init(seed: UInt64, calendarZone: TimeZone, around: Date) {
        self.random = SeededRandom(seed: seed)
        self.calendarZone = calendarZone
        self.around = around
    }

    /// `count` items (series masters and their exceptions count one each).
    package mutating func events(count: Int) -> [JSONValue] {
        var items: [JSONValue] = []
        items.reserveCapacity(count)
        while items.count < count {
            let roll = Int.random(in: 0..<100, using: &random)
            switch roll {
            case 0..<55: items.append(timedEvent(hours: [0.5, 1, 1, 1.5, 2].randomElement(using: &random)!))
            case 55..<65: items.append(allDayEvent(days: 1))
            case 65..<70: items.append(allDayEvent(days: Int.random(in: 2...5, using: &random)))
            case 70..<73: items.append(timedEvent(hours: Double(Int.random(in: 20...60, using: &random))))
            default: items += series(room: count - items.count)
            }
        }
        return Array(items.prefix(count))
    }

    private mutating func nextID() -> String {
        counter += 1
        let alphabet = Array("0123456789abcdefghijklmnopqrstuv")
        let tail = String((0..<12).map { _ in alphabet[Int.random(in: 0..<32, using: &random)] })
        return "gen\(String(counter, radix: 32))x\(tail)"
    }

    private mutating func zone() -> TimeZone {
        Int.random(in: 0..<4, using: &random) == 0
            ? TimeZone(identifier: zones.randomElement(using: &random)!)! : calendarZone
    }

    /// A start at a whole quarter hour in working hours of `zone`.
    private mutating func start(in zone: TimeZone) -> Date {
        let calendar = Calendar.gregorian(in: zone)
        let day = calendar.startOfDay(
            for: around.addingTimeInterval(Double(Int.random(in: -180...365, using: &random)) * 86_400))
        let minutes = Int.random(in: 8 * 4..<18 * 4, using: &random) * 15
        return calendar.date(byAdding: .minute, value: minutes, to: day)!
    }

    private mutating func base(_ id: String, summary: String) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [("id", .string(id)), ("summary", .string(summary))]
        if Int.random(in: 0..<3, using: &random) == 0 {
            members.append(("description", .string("Agenda and notes for \(summary.lowercased()).")))
        }
        if Int.random(in: 0..<4, using: &random) == 0 {
            members.append(
                ("location", .string(["Room 4.01", "Berlin HQ", "Zoom", "Café"].randomElement(using: &random)!)))
        }
        return members
    }

    private mutating func timedEvent(hours: Double) -> JSONValue {
        let zone = zone()
        let begin = start(in: zone)
        var members = base(nextID(), summary: titles.randomElement(using: &random)!)
        members.append(("start", GoogleTime.value(begin, allDay: false, zone: zone)))
        members.append(
            ("end", GoogleTime.value(begin.addingTimeInterval(hours * 3600), allDay: false, zone: zone)))
        if Int.random(in: 0..<3, using: &random) == 0 {
            members.append(
                (
                    "attendees",
                    .array([
                        .object([("email", "alice@example.com"), ("responseStatus", "accepted")]),
                        .object([("email", "bob@example.com"), ("responseStatus", "needsAction")]),
                    ])
                ))
        }
        return .object(members)
    }

    private mutating func allDayEvent(days: Int) -> JSONValue {
        let begin = Calendar.gregorian(in: calendarZone).startOfDay(for: start(in: calendarZone))
        let end = Calendar.gregorian(in: calendarZone).date(byAdding: .day, value: days, to: begin)!
        var members = base(
            nextID(), summary: ["Holiday", "Conference", "Trip", "Birthday"].randomElement(using: &random)!)
        members.append(("start", GoogleTime.value(begin, allDay: true, zone: calendarZone)))
        members.append(("end", GoogleTime.value(end, allDay: true, zone: calendarZone)))
        members.append(("transparency", "transparent"))
        return .object(members)
    }

    /// A series and, sometimes, an edited and a cancelled instance.
    private mutating func series(room: Int) -> [JSONValue] {
        let zone = zone()
        let allDay = Int.random(in: 0..<8, using: &random) == 0
        var begin = start(in: zone)
        if allDay { begin = Calendar.gregorian(in: zone).startOfDay(for: begin) }
        let weekday = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"][
            Calendar.gregorian(in: zone).component(.weekday, from: begin) - 1]
        let (rule, step, cadence): (String, DateComponents, String) =
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<2:
                ("RRULE:FREQ=DAILY;COUNT=\(Int.random(in: 5...30, using: &random))", DateComponents(day: 1), "Daily")
            case 2..<7: ("RRULE:FREQ=WEEKLY;BYDAY=\(weekday)", DateComponents(day: 7), "Weekly")
            case 7..<8: ("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=\(weekday)", DateComponents(day: 14), "Fortnightly")
            case 8..<9: ("RRULE:FREQ=MONTHLY", DateComponents(month: 1), "Monthly")
            default: ("RRULE:FREQ=YEARLY", DateComponents(year: 1), "Yearly")
            }
        let masterID = nextID()
        let length: TimeInterval = allDay ? 86_400 : 3600
        var master = base(masterID, summary: cadence + " " + titles.randomElement(using: &random)!.lowercased())
        master.append(("start", GoogleTime.value(begin, allDay: allDay, zone: zone)))
        master.append(("end", GoogleTime.value(begin.addingTimeInterval(length), allDay: allDay, zone: zone)))
        master.append(("recurrence", .array([.string(rule)])))
        var items: [JSONValue] = [.object(master)]

        // Instances 1 and 2 (always produced by these rules): edit one, cancel one.
        let calendar = Calendar.gregorian(in: zone)
        func instance(_ index: Int) -> Date {
            var components = DateComponents()
            components.day = (step.day ?? 0) * index
            components.month = (step.month ?? 0) * index
            components.year = (step.year ?? 0) * index
            return calendar.date(byAdding: components, to: begin)!
        }
        if room > 1, Int.random(in: 0..<5, using: &random) == 0 {
            let original = instance(1)
            let moved = original.addingTimeInterval(allDay ? 86_400 : 1800)
            var edited: [(String, JSONValue)] = [
                ("id", .string(masterID + "_" + EmulatorClock.instanceStamp(original, allDay: allDay, zone: zone))),
                ("summary", "Moved this once"),
                ("start", GoogleTime.value(moved, allDay: allDay, zone: zone)),
                ("end", GoogleTime.value(moved.addingTimeInterval(length), allDay: allDay, zone: zone)),
            ]
            edited.append(("recurringEventId", .string(masterID)))
            edited.append(("originalStartTime", GoogleTime.value(original, allDay: allDay, zone: zone)))
            items.append(.object(edited))
        }
        if room > items.count, Int.random(in: 0..<10, using: &random) == 0 {
            let original = instance(2)
            items.append(
                .object([
                    ("id", .string(masterID + "_" + EmulatorClock.instanceStamp(original, allDay: allDay, zone: zone))),
                    ("status", "cancelled"), ("recurringEventId", .string(masterID)),
                    ("originalStartTime", GoogleTime.value(original, allDay: allDay, zone: zone)),
                    ("start", GoogleTime.value(original, allDay: allDay, zone: zone)),
                    ("end", GoogleTime.value(original.addingTimeInterval(length), allDay: allDay, zone: zone)),
                ]))
        }
        return items
    }
}
