import ArgumentParser
import CalSyncAuth
import CalSyncEngine
import CalSyncModel
import CalSyncProviders
import CalSyncStore
import Foundation

extension CalSyncCtl {
    struct Calendars: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the calendars in the store.")

        @OptionGroup var options: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let configuration = try options.loadConfiguration()
            let reader = try openStore(configuration)
            let calendars = try reader.calendars()
            if json {
                let objects = calendars.map { entry -> [String: Any] in
                    [
                        "account_id": entry.accountID, "id": entry.calendar.id, "name": entry.calendar.name,
                        "time_zone": entry.calendar.timeZone ?? NSNull(), "color": entry.calendar.color ?? NSNull(),
                        "access": entry.calendar.access.rawValue, "is_primary": entry.calendar.isPrimary,
                        "sync_enabled": entry.syncEnabled,
                    ]
                }
                let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print(CalendarListing.text(calendars))
        }
    }
}
