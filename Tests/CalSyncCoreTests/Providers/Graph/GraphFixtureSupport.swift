import Foundation

@testable import CalSyncGraph
@testable import CalSyncModel

/// The Graph fixtures (Tests/CalSyncCoreTests/Fixtures/graph) as the tests read them.
enum GraphFixture {
    /// The fixture's bytes; the one the docs left with a trailing comma
    /// (`event-seriesmaster-recurring-created-201`, see its .src.txt) gets it removed.
    static func data(_ name: String) throws -> Data {
        let data = try Fixtures.data("graph", name)
        guard name == "event-seriesmaster-recurring-created-201" else { return data }
        let text = String(decoding: data, as: UTF8.self)
        return Data(text.replacingOccurrences(of: "},\n}", with: "}\n}").utf8)
    }

    /// A delta page decoded by ``GraphMapping/page(_:fallbackZone:)``.
    static func page(_ name: String, fallbackZone: String? = "Europe/Berlin") throws -> GraphMapping.DecodedPage {
        try GraphMapping.page(Array(try data(name)), fallbackZone: fallbackZone)
    }

    /// A fixture holding one event object (not a page), wrapped into a page.
    static func objectPage(
        _ name: String, fallbackZone: String? = "Europe/Berlin"
    ) throws
        -> GraphMapping.DecodedPage
    {
        try GraphMapping.page(
            Array(#"{"value":["#.utf8) + Array(try data(name)) + Array("]}".utf8), fallbackZone: fallbackZone)
    }

    /// The fixture's text with `original` replaced, for derived variants whose deviation
    /// from the recorded payload is the point of a test.
    static func variant(_ name: String, replacing original: String, with replacement: String) throws -> [UInt8] {
        let text = String(decoding: try data(name), as: UTF8.self)
        precondition(text.contains(original), "\(name) does not contain \(original)")
        return Array(text.replacingOccurrences(of: original, with: replacement).utf8)
    }

    /// The fixture's `value` items (or the object itself) as plain JSON objects.
    static func jsonItems(_ name: String) throws -> [NSDictionary] {
        let object = try JSONSerialization.jsonObject(with: try data(name))
        if let items = (object as? NSDictionary)?["value"] as? [NSDictionary] { return items }
        return (object as? NSDictionary).map { [$0] } ?? []
    }

    static func instant(_ text: String) -> EventTime { .instant(Timestamp.parse(text)!) }

    static func date(_ text: String) -> EventTime { .date(CalendarDate(text)!) }

    static func upsert(_ page: GraphMapping.DecodedPage, _ id: String) throws -> CalendarEvent {
        guard let event = page.changes.upserts.first(where: { $0.id == id }) else {
            throw CalSyncError(.decoding, "no upsert for \(id)")
        }
        return event
    }
}
