package import CalSyncEmulatorServer
package import Foundation

/// Generates a realistic Outlook calendar: mostly timed meetings in working hours, some
/// all-day and multi-day events, recurring series (daily, weekly, monthly, yearly) with
/// edited and cancelled occurrences, created in several zones named the Windows way
/// (`originalStartTimeZone: "W. Europe Standard Time"`), some with DST changes inside
/// the range. The same seed gives the same calendar.
package struct GraphCalendarGenerator {
    package enum Item {
        case event(JSONValue)
        case editOccurrence(seriesID: String, dayKey: String, changes: JSONValue)
        case cancelOccurrence(seriesID: String, dayKey: String)
    }

    var random: SeededRandom
    let floatingZone: TimeZone
    /// Events are spread from 180 days before to 365 days after this instant.
    let around: Date
    let zones = [
        "W. Europe Standard Time", "Eastern Standard Time", "Pacific Standard Time", "AUS Eastern Standard Time",
        "Tokyo Standard Time", "UTC", "Europe/Berlin",
    ]
    let subjects = GeneratedNames.meetings
    private var counter = 0

    package init(seed: UInt64, floatingZone: TimeZone, around: Date) {
        self.random = SeededRandom(seed: seed)
        self.floatingZone = floatingZone
        self.around = around
    }

    /// `count` items (a series master, an edited and a cancelled occurrence count one each).
    package mutating func events(count: Int) -> [Item] {
        var items: [Item] = []
        items.reserveCapacity(count)
        while items.count < count {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<55: items.append(.event(timedEvent(hours: [0.5, 1, 1, 1.5, 2].randomElement(using: &random)!)))
            case 55..<65: items.append(.event(allDayEvent(days: 1)))
            case 65..<70: items.append(.event(allDayEvent(days: Int.random(in: 2...5, using: &random))))
            case 70..<73: items.append(.event(timedEvent(hours: Double(Int.random(in: 20...60, using: &random)))))
            default: items += series(room: count - items.count)
            }
        }
        return Array(items.prefix(count))
    }

    private mutating func nextID() -> String {
        counter += 1
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        let tail = String((0..<24).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
        return "AAMkAGgen\(counter)x\(tail)AAA="
    }

    private mutating func zoneName() -> String {
        zones.randomElement(using: &random)!
    }

    /// A start at a whole quarter hour in working hours of `zone`.
    private mutating func start(in zone: TimeZone) -> Date {
        let calendar = Calendar.gregorian(in: zone)
        let day = calendar.startOfDay(
            for: around.addingTimeInterval(Double(Int.random(in: -180...365, using: &random)) * 86_400))
        let minutes = Int.random(in: 8 * 4..<18 * 4, using: &random) * 15
        return calendar.date(byAdding: .minute, value: minutes, to: day)!
    }

    private mutating func base(_ id: String, subject: String) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [("id", .string(id)), ("subject", .string(subject))]
        if Int.random(in: 0..<3, using: &random) == 0 {
            members.append(
                (
                    "body",
                    .object([
                        ("contentType", "html"), ("content", .string("<p>Agenda for \(subject.lowercased()).</p>")),
                    ])
                ))
        }
        if Int.random(in: 0..<4, using: &random) == 0 {
            let place = ["Room 4.01", "Berlin HQ", "Teams", "Café"].randomElement(using: &random)!
            members.append(("location", .object([("displayName", .string(place)), ("locationType", "default")])))
        }
        return members
    }

    private mutating func timedEvent(hours: Double) -> JSONValue {
        let name = zoneName()
        let zone = GraphTime.zone(named: name)!
        let begin = start(in: zone)
        var members = base(nextID(), subject: subjects.randomElement(using: &random)!)
        members.append(("start", GraphTime.value(begin, in: zone, named: name)))
        members.append(("end", GraphTime.value(begin.addingTimeInterval(hours * 3600), in: zone, named: name)))
        return .object(members)
    }

    private mutating func allDayEvent(days: Int) -> JSONValue {
        let calendar = Calendar.gregorian(in: floatingZone)
        let day = calendar.startOfDay(
            for: around.addingTimeInterval(Double(Int.random(in: -180...365, using: &random)) * 86_400))
        var members = base(
            nextID(), subject: ["Holiday", "Conference", "Birthday", "Trip"].randomElement(using: &random)!)
        members.append(("isAllDay", true))
        members.append(("start", GraphTime.value(day, in: floatingZone, named: "UTC")))
        members.append(
            (
                "end",
                GraphTime.value(calendar.date(byAdding: .day, value: days, to: day)!, in: floatingZone, named: "UTC")
            ))
        return .object(members)
    }

    /// A series master, then a few edited and cancelled occurrences of it.
    private mutating func series(room: Int) -> [Item] {
        let name = zoneName()
        let zone = GraphTime.zone(named: name)!
        let begin = start(in: zone)
        let id = nextID()
        let weekday = GraphRecurrence.weekdays[Calendar.gregorian(in: zone).component(.weekday, from: begin) - 1]
        let startDate = EmulatorClock.dateString(begin, in: zone)
        let pattern: JSONValue
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<3: pattern = .object([("type", "daily"), ("interval", 1)])
        case 3..<7:
            pattern = .object([
                ("type", "weekly"), ("interval", .number(Double(Int.random(in: 1...2, using: &random)))),
                ("daysOfWeek", .array([.string(weekday)])), ("firstDayOfWeek", "monday"),
            ])
        case 7:
            pattern = .object([
                ("type", "absoluteMonthly"), ("interval", 1),
                ("dayOfMonth", .number(Double(Calendar.gregorian(in: zone).component(.day, from: begin)))),
            ])
        case 8:
            pattern = .object([
                ("type", "relativeMonthly"), ("interval", 1), ("daysOfWeek", .array([.string(weekday)])),
                ("index", "first"),
            ])
        default:
            let parts = Calendar.gregorian(in: zone).dateComponents([.month, .day], from: begin)
            pattern = .object([
                ("type", "absoluteYearly"), ("interval", 1), ("month", .number(Double(parts.month!))),
                ("dayOfMonth", .number(Double(parts.day!))),
            ])
        }
        let range: JSONValue
        switch Int.random(in: 0..<3, using: &random) {
        case 0:
            range = .object([
                ("type", "noEnd"), ("startDate", .string(startDate)), ("recurrenceTimeZone", .string(name)),
            ])
        case 1:
            range = .object([
                ("type", "numbered"), ("startDate", .string(startDate)), ("recurrenceTimeZone", .string(name)),
                ("numberOfOccurrences", .number(Double(Int.random(in: 5...40, using: &random)))),
            ])
        default:
            range = .object([
                ("type", "endDate"), ("startDate", .string(startDate)), ("recurrenceTimeZone", .string(name)),
                (
                    "endDate",
                    .string(
                        EmulatorClock.dateString(
                            begin.addingTimeInterval(Double(Int.random(in: 30...300, using: &random)) * 86_400),
                            in: zone))
                ),
            ])
        }
        var members = base(
            id, subject: ["Standup", "Weekly sync", "Team lunch", "Review"].randomElement(using: &random)!)
        members.append(("start", GraphTime.value(begin, in: zone, named: name)))
        members.append(("end", GraphTime.value(begin.addingTimeInterval(1800), in: zone, named: name)))
        members.append(("recurrence", .object([("pattern", pattern), ("range", range)])))
        let master = JSONValue.object(members)
        var items: [Item] = [.event(master)]
        let occurrences =
            GraphRecurrence(master: master, allDayZone: floatingZone)?.occurrences(
                from: begin, to: begin.addingTimeInterval(120 * 86_400), duration: 1800) ?? []
        guard occurrences.count > 3, room > 1 else { return items }
        let second = occurrences[1]
        items.append(
            .editOccurrence(
                seriesID: id, dayKey: second.dayKey,
                changes: .object([
                    ("subject", "Moved"),
                    ("start", GraphTime.value(second.start.addingTimeInterval(3600), in: zone, named: name)),
                    ("end", GraphTime.value(second.start.addingTimeInterval(5400), in: zone, named: name)),
                ])))
        if room > 2 { items.append(.cancelOccurrence(seriesID: id, dayKey: occurrences[2].dayKey)) }
        return items
    }
}
