/// Google Calendar API v3 URLs, built from the configured base.
import CalSyncModel

struct GoogleEndpoints {
    var base: String

    /// A path segment with everything but unreserved characters escaped (`#` → `%23`).
    static func segment(_ value: String) -> String {
        FormEncoding.escape(value)
    }

    func calendarList(pageToken: String?, syncToken: String? = nil) -> String {
        var query = [("maxResults", "250"), ("prettyPrint", "false")]
        if let syncToken { query.append(("syncToken", syncToken)) }
        if let pageToken { query.append(("pageToken", pageToken)) }
        return "\(base)/users/me/calendarList?" + FormEncoding.encode(query)
    }

    func calendar(_ id: String, key: String) -> String {
        "\(base)/calendars/\(Self.segment(id))?" + FormEncoding.encode([("key", key), ("prettyPrint", "false")])
    }

    func events(_ calendarID: String, parameters: [(String, String)]) -> String {
        "\(base)/calendars/\(Self.segment(calendarID))/events?" + FormEncoding.encode(parameters)
    }
}
