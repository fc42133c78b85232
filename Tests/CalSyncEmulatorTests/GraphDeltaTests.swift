import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncModel
import Foundation
import Testing

/// calendarView delta rounds against the emulator's HTTP API: pages, stubs, increments,
/// `@removed`, frozen windows and 410s.
@Suite struct GraphDeltaTests {
    static let march = (from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z")

    /// A calendar `work` with four single events and a weekly Monday series in March 2026.
    static func marchCalendar(_ client: GraphTestClient) async throws -> (singles: [String], series: String) {
        try await client.state.addGraphCalendar(id: "team", name: "Work", timeZone: "W. Europe Standard Time")
        var singles: [String] = []
        for (subject, day) in [("A", "02"), ("B", "05"), ("C", "10"), ("D", "20")] {
            let stored = try await client.state.addGraphEvent(
                calendarID: "team",
                graphEvent(subject, "2026-03-\(day)T12:00:00", "2026-03-\(day)T13:00:00"))
            singles.append(try #require(stored["id"]?.stringValue))
        }
        let series = try await client.state.addGraphEvent(
            calendarID: "team",
            graphWeeklySeries(
                "Standup", start: "2026-03-02T09:00:00", end: "2026-03-02T09:30:00", zone: "W. Europe Standard Time",
                day: "monday"))
        return (singles, try #require(series["id"]?.stringValue))
    }

    @Test func fullRoundWithStubsThenIncrementThenExpiredLink() async throws {
        try await withGraphClient { client in
            let (singles, seriesID) = try await Self.marchCalendar(client)

            let prefer = ["odata.maxpagesize=3", "outlook.timezone=\"UTC\""]
            let round = try await client.round(
                client.deltaURL(calendar: "team", from: Self.march.from, to: Self.march.to), prefer: prefer)
            #expect(round.pages.count == 3)
            #expect(round.pages.allSatisfy { ($0["value"]?.arrayValue?.count ?? 0) <= 3 })
            let items = round.items
            #expect(items.count == 9)
            #expect(!items.contains { $0["type"]?.stringValue == "seriesMaster" })
            let stubs = items.filter { $0["type"]?.stringValue == "occurrence" }
            #expect(stubs.count == 5)
            for stub in stubs {
                #expect(stub.keys == ["@odata.type", "@odata.etag", "id", "seriesMasterId", "type", "start", "end"])
                #expect(stub["seriesMasterId"]?.stringValue == seriesID)
            }
            // 09:00 in Berlin is 08:00 UTC before the DST change of March 29 and 07:00 after it.
            let starts = Set(stubs.compactMap { $0["start"]?["dateTime"]?.stringValue })
            #expect(starts.contains("2026-03-23T08:00:00.0000000"))
            #expect(starts.contains("2026-03-30T07:00:00.0000000"))
            let singleItems = items.filter { $0["type"]?.stringValue == "singleInstance" }
            #expect(Set(singleItems.compactMap { $0["id"]?.stringValue }) == Set(singles))

            // Changes through the API: an add, an edit, a delete and a cancelled occurrence.
            let added = try await client.request(
                .POST, "me/calendars/team/events", body: graphEvent("E", "2026-03-25T10:00:00", "2026-03-25T11:00:00"))
            #expect(added.status == 201)
            let addedID = try #require(added.json["id"]?.stringValue)
            let edited = try await client.request(
                .PATCH, "me/events/\(singles[1])", body: .object([("subject", "B (moved room)")]))
            #expect(edited.status == 200)
            #expect(try await client.request(.DELETE, "me/calendars/team/events/\(singles[2])").status == 204)
            let cancelled = try #require(
                stubs.first { $0["start"]?["dateTime"]?.stringValue?.hasPrefix("2026-03-16") == true }?["id"]?
                    .stringValue)
            #expect(try await client.request(.DELETE, "me/events/\(cancelled)").status == 204)

            let increment = try await client.round(round.deltaLink, prefer: prefer)
            var byID: [String: JSONValue] = [:]
            for item in increment.items { byID[item["id"]?.stringValue ?? ""] = item }
            #expect(byID.count == 4)
            #expect(byID[addedID]?["subject"]?.stringValue == "E")
            #expect(byID[singles[1]]?["subject"]?.stringValue == "B (moved room)")
            let removed: JSONValue = .object([("reason", "deleted")])
            #expect(byID[singles[2]]?["@removed"] == removed)
            #expect(byID[singles[2]]?.keys == ["@odata.type", "id", "@removed"])
            #expect(byID[cancelled]?["@removed"] == removed)

            // Nothing changed since: an empty increment with a new deltaLink.
            let quiet = try await client.round(increment.deltaLink, prefer: prefer)
            #expect(quiet.items.isEmpty)

            // The control API expires the calendar's links: 410 SyncStateNotFound.
            let expire = try await client.request(
                .POST, client.emulator.baseURL + "/_emulator/graph/expire", body: .object([("calendar", "team")]))
            #expect(expire.status == 200)
            let gone = try await client.get(quiet.deltaLink, prefer: prefer)
            #expect(gone.status == 410)
            #expect(gone.json["error"]?["code"]?.stringValue == "SyncStateNotFound")
            // A new round works again.
            let fresh = try await client.round(
                client.deltaURL(calendar: "team", from: Self.march.from, to: Self.march.to), prefer: prefer)
            #expect(fresh.items.count == 8)
        }
    }

    @Test func windowIsFrozenAndItemsLeavingItAreRemoved() async throws {
        try await withGraphClient { client in
            let (singles, _) = try await Self.marchCalendar(client)
            let round = try await client.round(
                client.deltaURL(calendar: "team", from: Self.march.from, to: Self.march.to))

            // One event moves to April, one is created in April: both are outside the frozen
            // window, so both come as @removed (Graph's rule); one moves within the window.
            try await client.state.editGraphEvent(
                calendarID: "team", eventID: singles[0],
                .object([
                    ("start", .object([("dateTime", "2026-04-10T12:00:00"), ("timeZone", "UTC")])),
                    ("end", .object([("dateTime", "2026-04-10T13:00:00"), ("timeZone", "UTC")])),
                ]))
            let outside = try await client.state.addGraphEvent(
                calendarID: "team", graphEvent("April", "2026-04-02T12:00:00", "2026-04-02T13:00:00"))
            try await client.state.editGraphEvent(
                calendarID: "team", eventID: singles[3],
                .object([
                    ("start", .object([("dateTime", "2026-03-21T12:00:00"), ("timeZone", "UTC")])),
                    ("end", .object([("dateTime", "2026-03-21T13:00:00"), ("timeZone", "UTC")])),
                ]))
            let increment = try await client.round(round.deltaLink)
            var byID: [String: JSONValue] = [:]
            for item in increment.items { byID[item["id"]?.stringValue ?? ""] = item }
            #expect(byID[singles[0]]?["@removed"] != nil)
            #expect(byID[try #require(outside["id"]?.stringValue)]?["@removed"] != nil)
            #expect(byID[singles[3]]?["start"]?["dateTime"]?.stringValue == "2026-03-21T12:00:00.0000000")
            #expect(byID.count == 3)

            // A delta link takes no other query parameters: the window cannot be changed.
            let widened = try await client.get(increment.deltaLink + "&endDateTime=2026-06-01T00:00:00Z")
            #expect(widened.status == 400)
        }
    }

    @Test func seriesChangesReachIncrementsAsStubsExceptionsAndRemovals() async throws {
        try await withGraphClient { client in
            let (_, seriesID) = try await Self.marchCalendar(client)
            let round = try await client.round(
                client.deltaURL(calendar: "team", from: Self.march.from, to: Self.march.to))
            let stubIDs = round.items.filter { $0["type"]?.stringValue == "occurrence" }.compactMap {
                $0["id"]?.stringValue
            }.sorted()
            #expect(stubIDs.count == 5)

            // Editing one occurrence makes it an exception with the same id, in full.
            let exception = try await client.request(
                .PATCH, "me/calendars/team/events/\(stubIDs[1])", body: .object([("subject", "Standup (remote)")]))
            #expect(exception.status == 200)
            #expect(exception.json["type"]?.stringValue == "exception")
            let first = try await client.round(round.deltaLink)
            #expect(first.items.count == 1)
            #expect(first.items.first?["id"]?.stringValue == stubIDs[1])
            #expect(first.items.first?["type"]?.stringValue == "exception")
            #expect(first.items.first?["subject"]?.stringValue == "Standup (remote)")

            // Ending the series after two weeks: its remaining occurrences are stubs again, the
            // rest @removed; the exception is untouched.
            try await client.state.editGraphEvent(
                calendarID: "team", eventID: seriesID,
                .object([
                    (
                        "recurrence",
                        .object([
                            (
                                "pattern",
                                .object([("type", "weekly"), ("interval", 1), ("daysOfWeek", ["monday"])])
                            ),
                            (
                                "range",
                                .object([
                                    ("type", "endDate"), ("startDate", "2026-03-02"), ("endDate", "2026-03-10"),
                                    ("recurrenceTimeZone", "W. Europe Standard Time"),
                                ])
                            ),
                        ])
                    )
                ]))
            let second = try await client.round(first.deltaLink)
            let removedIDs = Set(second.items.filter { $0["@removed"] != nil }.compactMap { $0["id"]?.stringValue })
            let stubbed = Set(
                second.items.filter { $0["type"]?.stringValue == "occurrence" }.compactMap { $0["id"]?.stringValue })
            #expect(removedIDs == Set(stubIDs[2...]))
            #expect(stubbed == [stubIDs[0]])

            // Deleting the series removes the exception and the last occurrence.
            #expect(try await client.request(.DELETE, "me/events/\(seriesID)").status == 204)
            let third = try await client.round(second.deltaLink)
            #expect(Set(third.items.compactMap { $0["id"]?.stringValue }) == [stubIDs[0], stubIDs[1]])
            #expect(third.items.allSatisfy { $0["@removed"] != nil })
        }
    }

    @Test func badAndSupersededLinks() async throws {
        try await withGraphClient { client in
            _ = try await Self.marchCalendar(client)
            let base = client.root + "/me/calendars/team/calendarView/delta"
            #expect(try await client.get(base + "?$deltatoken=not-a-token").status == 400)
            #expect(try await client.get(base + "?startDateTime=2026-03-01T00:00:00Z").status == 400)
            #expect(
                try await client.get(
                    base + "?startDateTime=2026-03-01T00:00:00Z&endDateTime=2026-04-01T00:00:00Z&$top=5"
                )
                .status == 400)

            let round = try await client.round(
                client.deltaURL(calendar: "team", from: Self.march.from, to: Self.march.to))
            // Another calendar's path with this calendar's token: malformed for that path.
            let other = round.deltaLink.replacingOccurrences(
                of: "/calendars/team/", with: "/calendars/AAMkAGNhbHN5bmMtZGVmYXVsdC1jYWxlbmRhcgAuAAA=/")
            #expect(try await client.get(other).status == 400)
            // A link stays valid while fewer than 100 newer links were issued.
            var latest = round.deltaLink
            for _ in 0..<99 { latest = try await client.round(latest).deltaLink }
            #expect(try await client.get(round.deltaLink).status == 200)
            #expect(try await client.get(round.deltaLink).status == 410)
            #expect(try await client.get(latest).status == 200)
        }
    }
}
