import CalSyncEmulatorCalendars
public import CalSyncEmulatorServer
import Foundation

/// Loading calendars from a data document (`calsync-emulator --data FILE`,
/// `POST /_emulator/load`):
///
/// ```json
/// {"google": {"calendars": [{"id": "team@example.com", "summary": "Team", "timeZone": "Europe/Berlin",
///                            "public": false, "events": [ …Google event JSON… ]}]},
///  "graph":  {"calendars": [ … see docs/emulator.md … ]}}
/// ```
extension EmulatorState {
    /// Loads a document; returns how many events it added.
    @discardableResult
    public func load(_ document: JSONValue) throws(EmulatorError) -> Int {
        var added = 0
        for calendar in document["google"]?["calendars"]?.arrayValue ?? [] {
            guard let id = calendar["id"]?.stringValue else { throw EmulatorError("a Google calendar needs an \"id\"") }
            if google.calendars[id] == nil {
                try addGoogleCalendar(
                    id: id, summary: calendar["summary"]?.stringValue,
                    timeZone: calendar["timeZone"]?.stringValue ?? "UTC",
                    isPublic: calendar["public"]?.boolValue ?? false,
                    owner: calendar["owner"]?.stringValue)
            }
            for event in calendar["events"]?.arrayValue ?? [] {
                guard event["start"] != nil, event["end"] != nil else {
                    throw EmulatorError(
                        "event \(event["id"]?.stringValue ?? "#\(added + 1)") in \(id) needs \"start\" and \"end\"")
                }
                try addGoogleEvent(calendarID: id, event)
                added += 1
            }
        }
        if let graphDocument = document["graph"] {
            added += try loadGraphDocument(graphDocument)
        }
        return added
    }

    /// Loads a data file; errors name the file.
    @discardableResult
    public func load(contentsOf path: String) throws(EmulatorError) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EmulatorError("cannot read the data file \(path)")
        }
        do {
            return try load(try JSONValue.parse(data))
        } catch let error as JSONParseError {
            throw EmulatorError("\(path): \(error)")
        } catch let error as EmulatorError {
            throw EmulatorError("\(path): \(error.description)")
        } catch {
            throw EmulatorError("\(path): \(error)")
        }
    }
}
