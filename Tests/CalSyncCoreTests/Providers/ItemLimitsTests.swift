import Foundation
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncRecurrence
@testable import CalSyncStore

/// Items over the documented sizes are quarantined under their id, the rest of the page is
/// applied (ItemLimits; docs/resilience.md, "Limits").
struct ItemLimitsTests {
    static func googleItem(
        _ id: String, summary: String = "ok", description: String? = nil, padding: Int = 0
    )
        -> String
    {
        var object: [String: Any] = [
            "id": id, "status": "confirmed", "summary": summary,
            "start": ["dateTime": "2026-03-02T09:00:00Z"], "end": ["dateTime": "2026-03-02T10:00:00Z"],
        ]
        if let description { object["description"] = description }
        if padding > 0 { object["extendedProperties"] = ["private": ["pad": String(repeating: "p", count: padding)]] }
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static func graphItem(_ id: String, subject: String = "ok", location: String = "", padding: Int = 0) -> String {
        var object: [String: Any] = [
            "id": id, "type": "singleInstance", "subject": subject, "isAllDay": false,
            "start": ["dateTime": "2026-03-02T09:00:00.0000000", "timeZone": "UTC"],
            "end": ["dateTime": "2026-03-02T10:00:00.0000000", "timeZone": "UTC"],
            "location": ["displayName": location],
        ]
        if padding > 0 { object["bodyPreview"] = String(repeating: "p", count: padding) }
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static let justOverALine = String(repeating: "s", count: (64 << 10) + 1)

    @Test func googleItemsOverTheLimitsAreQuarantinedUnderTheirIDs() throws {
        let items = [
            Self.googleItem("small"), Self.googleItem("longsummary", summary: Self.justOverALine),
            Self.googleItem("longdescription", description: String(repeating: "d", count: (1 << 20) + 1)),
            Self.googleItem("huge", padding: 2 << 20),
            Self.googleItem("atthelimit", summary: String(repeating: "s", count: 64 << 10)),
        ]
        let page = Array(#"{"items":[\#(items.joined(separator: ","))],"nextSyncToken":"t"}"#.utf8)
        let (_, changes) = try GoogleMapping.page(page)
        #expect(changes.upserts.map(\.id) == ["small", "atthelimit"])
        let quarantined = Dictionary(uniqueKeysWithValues: changes.quarantined.map { ($0.eventID ?? "", $0) })
        #expect(quarantined["longsummary"]?.reason == "the summary is 65537 bytes, more than the limit of 64 KiB")
        #expect(quarantined["longdescription"]?.reason.contains("description") == true)
        #expect(quarantined["huge"]?.reason.contains("more than the limit of 2 MiB") == true)
        #expect((quarantined["huge"]?.raw.utf8.count ?? .max) <= ItemLimits.quarantinedExcerptBytes)
    }

    @Test func graphItemsOverTheLimitsAreQuarantinedUnderTheirIDs() throws {
        let items = [
            Self.graphItem("small"), Self.graphItem("longlocation", location: Self.justOverALine),
            Self.graphItem("huge", padding: 2 << 20),
        ]
        let page = Array(#"{"@odata.deltaLink":"https://g/d","value":[\#(items.joined(separator: ","))]}"#.utf8)
        let decoded = try GraphMapping.page(page, fallbackZone: "UTC")
        #expect(decoded.changes.upserts.map(\.id) == ["small"])
        #expect(Set(decoded.changes.quarantined.compactMap(\.eventID)) == ["longlocation", "huge"])
        #expect(decoded.changes.quarantined.contains { $0.reason.contains("the location is 65537 bytes") })
    }
}
