import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncModel
import Foundation
import Testing

/// The Graph API's rules other than delta rounds: tokens, writes, page sizes, zones.
@Suite struct GraphAPITests {
    static let march = (from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z")

    @Test func missingOrInvalidTokensGet401() async throws {
        try await withGraphClient { client in
            for token: String? in [nil, "not-a-token"] {
                let reply = try await client.request(.GET, "me/calendars", token: .some(token))
                #expect(reply.status == 401)
                #expect(reply.json["error"]?["code"]?.stringValue == "InvalidAuthenticationToken")
                #expect(reply.header("WWW-Authenticate") != nil)
            }
            // A Google token is not a Microsoft one.
            let google = await client.state.issueTokens(provider: .google)
            #expect(try await client.request(.GET, "me/calendars", token: .some(google.accessToken)).status == 401)
            #expect(try await client.get("me/calendars").status == 200)
        }
    }

    @Test func aRepeatedTransactionIDReturnsTheFirstEvent() async throws {
        try await withGraphClient { client in
            let body = graphEvent(
                "Brunch", "2026-03-15T11:00:00", "2026-03-15T12:00:00", zone: "Pacific Standard Time",
                extra: [("transactionId", "7E163156-7762-4BEB-A1C6-729EA81755A7")])
            let first = try await client.request(.POST, "me/calendar/events", body: body)
            let second = try await client.request(.POST, "me/calendar/events", body: body)
            #expect(first.status == 201)
            #expect(second.status == 201)
            #expect(first.json["id"] == second.json["id"])
            #expect(first.json["transactionId"]?.stringValue == "7E163156-7762-4BEB-A1C6-729EA81755A7")
            let calendarID = try #require(await client.state.graphCalendarIDs.first)
            #expect(try await client.state.graphEvents(calendarID: calendarID).count == 1)
            // Without a transactionId, a repeat is a second event.
            let plain = graphEvent("Tea", "2026-03-16T11:00:00", "2026-03-16T12:00:00")
            _ = try await client.request(.POST, "me/events", body: plain)
            _ = try await client.request(.POST, "me/events", body: plain)
            #expect(try await client.state.graphEvents(calendarID: calendarID).count == 3)
        }
    }

    @Test func writesChangeETagAndChangeKey() async throws {
        try await withGraphClient { client in
            let created = try await client.request(
                .POST, "me/calendar/events", body: graphEvent("Call", "2026-03-15T11:00:00", "2026-03-15T12:00:00"))
            #expect(created.json["@odata.context"]?.stringValue?.hasSuffix("/events/$entity") == true)
            #expect(created.json["type"]?.stringValue == "singleInstance")
            let id = try #require(created.json["id"]?.stringValue)
            let etag = try #require(created.json["@odata.etag"]?.stringValue)
            #expect(etag.hasPrefix("W/\""))
            let patched = try await client.request(.PATCH, "me/events/\(id)", body: .object([("subject", "Call 2")]))
            #expect(patched.status == 200)
            #expect(patched.json["@odata.etag"]?.stringValue != etag)
            #expect(patched.json["changeKey"] != created.json["changeKey"])
            #expect(patched.json["createdDateTime"] == created.json["createdDateTime"])
            // A stale If-Match loses; the current one wins.
            let stale = try await client.request(
                .PATCH, "me/events/\(id)", body: .object([("subject", "Call 3")]), headers: [("If-Match", etag)])
            #expect(stale.status == 412)
            #expect(stale.json["error"]?["code"]?.stringValue == "ErrorIrresolvableConflict")
            let current = try #require(patched.json["@odata.etag"]?.stringValue)
            let matched = try await client.request(
                .PATCH, "me/events/\(id)", body: .object([("subject", "Call 3")]), headers: [("If-Match", current)])
            #expect(matched.status == 200)
            let got = try await client.get("me/events/\(id)")
            #expect(got.json["subject"]?.stringValue == "Call 3")
            #expect(try await client.request(.DELETE, "me/events/\(id)").status == 204)
            #expect(try await client.get("me/events/\(id)").status == 404)
            #expect(try await client.request(.DELETE, "me/events/\(id)").status == 404)
        }
    }

    @Test func pageSizesFollowPreferWithinTheLimit() async throws {
        var options = EmulatorOptions()
        options.graphMaximumPageSize = 4
        options.graphDefaultPageSize = 3
        try await withGraphClient(options: options) { client in
            try await client.state.addGraphCalendar(id: "team", timeZone: "UTC")
            for day in 10..<20 {
                try await client.state.addGraphEvent(
                    calendarID: "team", graphEvent("E\(day)", "2026-03-\(day)T09:00:00", "2026-03-\(day)T10:00:00"))
            }
            let start = client.deltaURL(calendar: "team", from: Self.march.from, to: Self.march.to)
            let sizes = { (round: GraphTestClient.Round) in round.pages.map { $0["value"]?.arrayValue?.count ?? 0 } }
            #expect(sizes(try await client.round(start)) == [3, 3, 3, 1])
            #expect(sizes(try await client.round(start, prefer: ["odata.maxpagesize=2"])) == [2, 2, 2, 2, 2])
            #expect(sizes(try await client.round(start, prefer: ["odata.maxpagesize=50"])) == [4, 4, 2])
            let reply = try await client.get(start, prefer: ["odata.maxpagesize=50"])
            #expect(reply.header("Preference-Applied")?.contains("odata.maxpagesize=4") == true)
        }
    }

    @Test func outlookTimezoneConvertsTimedEventsAndAllDayEventsStayAtMidnight() async throws {
        try await withGraphClient { client in
            try await client.state.addGraphCalendar(id: "team", timeZone: "W. Europe Standard Time")
            let meeting = try await client.state.addGraphEvent(
                calendarID: "team",
                graphEvent("Meeting", "2026-03-10T09:00:00", "2026-03-10T10:00:00", zone: "Europe/Berlin"))
            let holiday = try await client.state.addGraphEvent(
                calendarID: "team",
                graphEvent(
                    "Holiday", "2026-03-12T00:00:00", "2026-03-14T00:00:00", zone: "W. Europe Standard Time",
                    extra: [("isAllDay", true)]))
            let start = client.deltaURL(calendar: "team", from: Self.march.from, to: Self.march.to)
            func item(_ round: GraphTestClient.Round, _ event: JSONValue) -> JSONValue? {
                round.items.first { $0["id"] == event["id"] }
            }
            let utc = try await client.round(start)
            #expect(
                item(utc, meeting)?["start"]
                    == .object([("dateTime", "2026-03-10T08:00:00.0000000"), ("timeZone", "UTC")]))
            #expect(item(utc, meeting)?["originalStartTimeZone"]?.stringValue == "Europe/Berlin")
            #expect(
                item(utc, holiday)?["start"]
                    == .object([("dateTime", "2026-03-12T00:00:00.0000000"), ("timeZone", "UTC")]))
            #expect(
                item(utc, holiday)?["end"]
                    == .object([("dateTime", "2026-03-14T00:00:00.0000000"), ("timeZone", "UTC")]))

            for zone in ["Pacific Standard Time", "Asia/Tokyo"] {
                let reply = try await client.get(start, prefer: ["outlook.timezone=\"\(zone)\""])
                #expect(reply.header("Preference-Applied")?.contains("outlook.timezone=\"\(zone)\"") == true)
                let round = try await client.round(start, prefer: ["outlook.timezone=\"\(zone)\""])
                let expected = zone == "Asia/Tokyo" ? "2026-03-10T17:00:00.0000000" : "2026-03-10T01:00:00.0000000"
                #expect(
                    item(round, meeting)?["start"]
                        == .object([("dateTime", .string(expected)), ("timeZone", .string(zone))]))
                #expect(
                    item(round, holiday)?["start"]
                        == .object([("dateTime", "2026-03-12T00:00:00.0000000"), ("timeZone", .string(zone))]))
                #expect(
                    item(round, holiday)?["end"]
                        == .object([("dateTime", "2026-03-14T00:00:00.0000000"), ("timeZone", .string(zone))]))
            }
            // A single GET honours the zone too.
            let got = try await client.get(
                "me/calendars/team/events/\(meeting["id"]?.stringValue ?? "")",
                prefer: ["outlook.timezone=\"Tokyo Standard Time\""])
            #expect(got.json["end"]?["dateTime"]?.stringValue == "2026-03-10T18:00:00.0000000")
        }
    }

    /// Graph returns bodies as HTML unless `Prefer: outlook.body-content-type="text"` asks
    /// for text, and says so in `Preference-Applied`; `bodyPreview` stays cut at 255
    /// characters either way. calsyncd asks for text, so its descriptions are whole.
    @Test func bodiesComeAsTextWhenAskedAndAsHTMLOtherwise() async throws {
        try await withGraphClient { client in
            try await client.state.addGraphCalendar(id: "team", timeZone: "UTC")
            let long = String(repeating: "Roadmap, budget and hiring. ", count: 12)
            let html: JSONValue = .object([
                ("contentType", "html"), ("content", .string("<p><b>Agenda:</b> \(long)</p>")),
            ])
            let text = "Agenda: " + long.trimmingCharacters(in: .whitespaces)
            let single = try await client.state.addGraphEvent(
                calendarID: "team",
                graphEvent("Planning", "2026-03-10T09:00:00", "2026-03-10T10:00:00", extra: [("body", html)]))
            var weekly = graphWeeklySeries(
                "Review", start: "2026-03-02T16:00:00", end: "2026-03-02T17:00:00", zone: "UTC", day: "monday", count: 2
            )
            weekly.set("body", html)
            let series = try await client.state.addGraphEvent(calendarID: "team", weekly)
            let singleID = try #require(single["id"]?.stringValue)
            let seriesID = try #require(series["id"]?.stringValue)
            let asText = ["outlook.body-content-type=\"text\""]
            let textBody: JSONValue = .object([("contentType", "text"), ("content", .string(text))])

            // A single GET.
            let plain = try await client.get("me/calendars/team/events/\(singleID)")
            #expect(plain.json["body"] == html)
            #expect(plain.header("Preference-Applied") == nil)
            let got = try await client.get("me/calendars/team/events/\(singleID)", prefer: asText)
            #expect(got.json["body"] == textBody)
            #expect(got.header("Preference-Applied")?.contains("outlook.body-content-type=\"text\"") == true)
            #expect(got.json["bodyPreview"]?.stringValue?.count == 255)

            // A delta round (the single event in full; occurrence stubs carry no body).
            let start = client.deltaURL(calendar: "team", from: Self.march.from, to: Self.march.to)
            let round = try await client.round(start, prefer: asText)
            #expect(round.items.first { $0["id"]?.stringValue == singleID }?["body"] == textBody)
            let htmlRound = try await client.round(start)
            #expect(htmlRound.items.first { $0["id"]?.stringValue == singleID }?["body"] == html)

            // A series' instances take the master's body.
            let instances = try await client.get(
                "me/calendars/team/events/\(seriesID)/instances?startDateTime=\(Self.march.from)&endDateTime=\(Self.march.to)",
                prefer: asText)
            let values = instances.json["value"]?.arrayValue ?? []
            #expect(values.count == 2)
            #expect(values.allSatisfy { $0["body"] == textBody })
        }
    }

    @Test func seriesMastersInstancesAndMailbox() async throws {
        try await withGraphClient { client in
            try await client.state.addGraphCalendar(id: "team", timeZone: "W. Europe Standard Time")
            let series = try await client.state.addGraphEvent(
                calendarID: "team",
                graphWeeklySeries(
                    "Review", start: "2026-03-02T16:00:00", end: "2026-03-02T17:00:00", zone: "W. Europe Standard Time",
                    day: "monday", count: 4))
            let id = try #require(series["id"]?.stringValue)
            let master = try await client.get("me/calendars/team/events/\(id)")
            #expect(master.status == 200)
            #expect(master.json["type"]?.stringValue == "seriesMaster")
            #expect(master.json["recurrence"]?["pattern"]?["type"]?.stringValue == "weekly")
            #expect(master.json["recurrence"]?["range"]?["numberOfOccurrences"]?.intValue == 4)

            let occurrences = try await client.state.graphOccurrenceIDs(
                calendarID: "team", seriesID: id, from: try Date("2026-03-01T00:00:00Z", strategy: .iso8601),
                to: try Date("2026-06-01T00:00:00Z", strategy: .iso8601))
            #expect(occurrences.count == 4)
            try await client.state.cancelGraphOccurrence(calendarID: "team", occurrenceID: occurrences[1])
            try await client.state.editGraphOccurrence(
                calendarID: "team", occurrenceID: occurrences[2],
                .object([
                    ("start", .object([("dateTime", "2026-03-17T16:00:00"), ("timeZone", "W. Europe Standard Time")])),
                    ("end", .object([("dateTime", "2026-03-17T17:00:00"), ("timeZone", "W. Europe Standard Time")])),
                ]))
            let instances = try await client.get(
                "me/calendars/team/events/\(id)/instances?startDateTime=\(Self.march.from)&endDateTime=\(Self.march.to)"
            )
            #expect(instances.status == 200)
            let values = instances.json["value"]?.arrayValue ?? []
            #expect(values.compactMap { $0["type"]?.stringValue } == ["occurrence", "exception", "occurrence"])
            #expect(
                values.compactMap { $0["start"]?["dateTime"]?.stringValue } == [
                    "2026-03-02T15:00:00.0000000", "2026-03-17T15:00:00.0000000", "2026-03-23T15:00:00.0000000",
                ])
            #expect(values.allSatisfy { $0["seriesMasterId"]?.stringValue == id && $0["recurrence"] == .null })
            // `$select` keeps the etag, the id and what it names; an unknown name is Graph's 400.
            let selected = try await client.get(
                "me/calendars/team/events/\(id)/instances?startDateTime=\(Self.march.from)&endDateTime=\(Self.march.to)"
                    + "&%24select=type,start")
            let selectedValues = selected.json["value"]?.arrayValue ?? []
            #expect(selectedValues.count == 3)
            func members(_ item: JSONValue) -> Set<String> {
                guard case .object(let pairs) = item else { return [] }
                return Set(pairs.map(\.0))
            }
            #expect(
                selectedValues.allSatisfy {
                    members($0).subtracting(["@odata.type"]) == ["@odata.etag", "id", "type", "start"]
                })
            #expect(selectedValues.compactMap { $0["id"]?.stringValue } == values.compactMap { $0["id"]?.stringValue })
            let unknown = try await client.get(
                "me/calendars/team/events/\(id)/instances?startDateTime=\(Self.march.from)&endDateTime=\(Self.march.to)"
                    + "&$select=type,colour")
            #expect(unknown.status == 400)
            #expect(unknown.json["error"]?["message"]?.stringValue?.contains("'colour'") == true)
            // An occurrence can be read by id; a cancelled one is gone.
            #expect(try await client.get("me/events/\(occurrences[0])").json["type"]?.stringValue == "occurrence")
            #expect(try await client.get("me/events/\(occurrences[1])").status == 404)

            let calendarID = try #require(await client.state.graphCalendarIDs.first)
            try await client.state.addGraphCalendar(id: calendarID, timeZone: "W. Europe Standard Time")
            let mailbox = try await client.get("me/mailboxSettings")
            #expect(mailbox.json["timeZone"]?.stringValue == "W. Europe Standard Time")
        }
    }

    @Test func defaultCalendarAliasesUnknownPathsAndInjectedThrottling() async throws {
        try await withGraphClient { client in
            try await client.state.addGraphEvent(
                calendarID: GraphTestClient.defaultCalendar,
                graphEvent("Default", "2026-03-10T09:00:00", "2026-03-10T10:00:00"))
            let round = try await client.round(
                client.root
                    + "/me/calendarView/delta?startDateTime=2026-03-01T00:00:00Z&endDateTime=2026-04-01T00:00:00Z")
            #expect(round.items.compactMap { $0["subject"]?.stringValue } == ["Default"])
            #expect(round.deltaLink.contains("/me/calendars/\(GraphTestClient.defaultCalendar)/calendarView/delta?"))
            #expect(try await client.get("me/calendars/nope/calendarView/delta").status == 404)
            #expect(try await client.get("me/calendars/nope/events/x").status == 404)
            #expect(
                try await client.get("me/events/unknown").json["error"]?["code"]?.stringValue == "ErrorItemNotFound")

            await client.state.injectFault(
                Fault(pathPrefix: "/v1.0/me/calendars", count: 1, outcome: .status(429, retryAfter: "2.128")))
            let throttled = try await client.get("me/calendars")
            #expect(throttled.status == 429)
            #expect(throttled.header("Retry-After") == "2.128")
            #expect(throttled.json["error"]?["code"]?.stringValue == "ApplicationThrottled")
            #expect(try await client.get("me/calendars").status == 200)
        }
    }
}
