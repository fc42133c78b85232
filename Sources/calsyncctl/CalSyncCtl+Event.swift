import ArgumentParser
import CalSyncEngine
import CalSyncModel
import CalSyncStore
import Foundation

extension CalSyncCtl {
    struct Event: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, change or delete an event at the provider (write-back through the outbox).",
            discussion: """
                The request is written to the store's outbox first, then calsyncd sends it (docs/write-back.md). \
                The account needs write = true in the configuration and a sign-in made with it. Exit codes: \
                0 queued (with --wait: done); 1 refused, or with --wait a conflict or failure (the reason is \
                printed); 2 usage error or an invalid request; 3 the store cannot be written; 69 (--wait) no \
                calsyncd runs: the request stays queued and `calsyncd --once` sends it.
                """,
            subcommands: [Add.self, Update.self, Delete.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create an event (or a series with --rrule).")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "ACCOUNT/CALENDAR (the calendar's id or name).") var target: String
            @OptionGroup var fields: EventFields
            @OptionGroup var delivery: WriteDelivery

            func run() async throws {
                try await delivery.queue(.create, target: target, eventID: nil, fields: fields, force: false, options)
            }
        }

        struct Update: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Change an event, a series (events.id) or one occurrence (occurrences.instance_id).")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "ACCOUNT/CALENDAR (the calendar's id or name).") var target: String
            @Argument(help: "An events.id (the event or whole series) or an occurrences.instance_id.") var id: String
            @OptionGroup var fields: EventFields
            @Flag(help: "Overwrite even if the event changed at the provider since the store's copy.") var force = false
            @OptionGroup var delivery: WriteDelivery

            func run() async throws {
                try await delivery.queue(.update, target: target, eventID: id, fields: fields, force: force, options)
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Delete an event, a series (events.id) or one occurrence (occurrences.instance_id).")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "ACCOUNT/CALENDAR (the calendar's id or name).") var target: String
            @Argument(help: "An events.id (the event or whole series) or an occurrences.instance_id.") var id: String
            @Flag(help: "Delete even if the event changed at the provider since the store's copy.") var force = false
            @OptionGroup var delivery: WriteDelivery

            func run() async throws {
                try await delivery.queue(
                    .delete, target: target, eventID: id, fields: EventFields(), force: force, options)
            }
        }
    }
}

/// The members of an event that `event add` and `event update` set.
struct EventFields: ParsableArguments {
    @Option(help: "The title.") var summary: String?
    @Option(
        help:
            "Start: RFC 3339 (2026-03-29T09:30:00+02:00; without an offset, in --time-zone or the machine's zone) or YYYY-MM-DD with --all-day."
    )
    var start: String?
    @Option(help: "End, as --start (an all-day end is exclusive: a one-day event ends the next day).")
    var end: String?
    @Flag(help: "An all-day event: --start and --end are dates.") var allDay = false
    @Option(help: "The IANA time zone the event is meant in (Europe/Berlin).") var timeZone: String?
    @Option(help: "Where.") var location: String?
    @Option(help: "Plain-text description.") var description: String?
    @Option(help: "A recurrence rule (FREQ=WEEKLY;COUNT=10, with or without RRULE:): the event becomes a series.")
    var rrule: String?
    @Option(help: "Read the payload as JSON from standard input (-): docs/store.md \"outbox\"; options given win.")
    var jsonInput: String?

    /// The draft these options (and the JSON on standard input) describe.
    func draft(op: OutboxRow.Op) throws -> EventDraft {
        var draft = EventDraft()
        if let jsonInput {
            guard jsonInput == "-" else { throw ValidationError("--json-input takes - (standard input)") }
            let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            draft = try OutboxPayload.parse(text, op: op, requireMembers: false)
        }
        if let summary { draft.summary = summary }
        if let description { draft.description = description }
        if let location { draft.location = location }
        if let timeZone {
            guard TimeZone(identifier: timeZone) != nil else {
                throw ValidationError("--time-zone \"\(timeZone)\" is not an IANA time zone (such as Europe/Berlin)")
            }
            draft.timeZone = timeZone
        }
        if let rrule { draft.recurrence = [rrule] }
        if let start { draft.start = try time(start, "--start") }
        if let end { draft.end = try time(end, "--end") }
        return draft
    }

    private func time(_ text: String, _ option: String) throws -> EventTime {
        if allDay {
            guard text.count == 10, let date = CalendarDate(text) else {
                throw ValidationError("\(option) \"\(text)\" is not a date (YYYY-MM-DD), as --all-day needs")
            }
            return .date(date)
        }
        if let time = OutboxPayload.eventTime(text), !time.isAllDay { return time }
        // A local time: in --time-zone, else the machine's.
        let zone = timeZone.flatMap(TimeZone.init(identifier:)) ?? .current
        let padded = text.count == 16 ? text + ":00" : text
        if padded.count == 19, let instant = Timestamp.parse(padded, assumingTimeZone: zone) {
            return .instant(instant)
        }
        throw ValidationError(
            "\(option) \"\(text)\" is not a time (2026-03-29T09:30:00+02:00, or 2026-03-29T09:30 in --time-zone)"
                + (text.count == 10 ? "; for a date, add --all-day" : ""))
    }
}

/// How a write is queued and waited for.
struct WriteDelivery: ParsableArguments {
    @Flag(help: "Ask the provider to notify the attendees (Google sendUpdates=all).") var notify = false
    @Flag(help: "Wait for the provider's answer: exit 0 done, 1 conflict or failed, 69 no daemon.") var wait = false
    @Flag(help: "Print the outbox row as JSON.") var json = false

    /// Checks, queues, wakes the daemon and (with --wait) waits for the row's end.
    func queue(
        _ op: OutboxRow.Op, target: String, eventID: String?, fields: EventFields, force: Bool,
        _ options: GlobalOptions
    ) async throws {
        let configuration = try options.loadConfiguration()
        guard case (let accountID?, let calendar?) = try CalSyncCtl.Sync.split(target) else {
            throw ValidationError("\"\(target)\" is not ACCOUNT/CALENDAR")
        }
        guard let account = configuration.account(named: accountID) else {
            let names = configuration.accounts.map(\.name).joined(separator: ", ")
            printError(
                "calsyncctl: no account named \"\(accountID)\" in the configuration (accounts: \(names.isEmpty ? "none" : names))"
            )
            throw ExitCodes.usage
        }
        // Refused before anything is queued (docs/write-back.md "Permissions").
        if let refusal = OutboxPush.refusal(accountID: accountID, account) {
            printError("calsyncctl: \(refusal)")
            throw ExitCodes.attention
        }
        let request: OutboxRequest
        do {
            request = OutboxRequest(
                accountID: accountID, calendarID: calendar, op: op, eventID: eventID,
                draft: op == .delete ? EventDraft() : try fields.draft(op: op), basedOn: force ? .force : .storedEtag,
                notify: notify)
        } catch let error as CalSyncError {
            printError("calsyncctl: \(error.message)")
            throw ExitCodes.usage
        }
        let client = try openOutbox(configuration)
        var row: OutboxRow
        do {
            row = try client.enqueue(request)
        } catch let error as CalSyncError {
            printError("calsyncctl: \(error.message)")
            throw error.code == .invalidInput ? ExitCodes.usage : ExitCodes.storeUnavailable
        }
        let daemonAnswered =
            (try? ControlClient.send(
                ControlRequest(command: .push), to: options.controlSocketPath(), timeout: .seconds(2)))?.ok == true
        guard wait else {
            print(json ? Self.json(row) : "queued as outbox #\(row.id) (\(row.op.rawValue) \(row.target))")
            return
        }
        guard daemonAnswered else {
            print(json ? Self.json(row) : "queued as outbox #\(row.id) (\(row.op.rawValue) \(row.target))")
            printError("calsyncctl: calsyncd is not running: the write stays queued; `calsyncd --once` sends it")
            throw ExitCodes.daemonUnavailable
        }
        row = try await Self.waitForEnd(of: row, client: client)
        print(json ? Self.json(row) : Self.describe(row))
        if row.state != .done { throw ExitCodes.attention }
    }

    /// Reads the row until it is done, in conflict or failed; a row still pending after
    /// five minutes (the provider keeps failing) is reported as it stands.
    static func waitForEnd(of row: OutboxRow, client: OutboxClient) async throws -> OutboxRow {
        var current = row
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline {
            if let read = try client.row(id: row.id) {
                current = read
                if [.done, .conflict, .failed].contains(read.state) { return read }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return current
    }

    static func describe(_ row: OutboxRow) -> String {
        let what = "outbox #\(row.id) \(row.op.rawValue) \(row.target)"
        switch row.state {
        case .done: return "\(what): done\(row.resultEventID.map { " (event \($0))" } ?? "")"
        case .conflict: return "\(what): conflict: \(row.error ?? "the event changed at the provider")"
        case .failed: return "\(what): failed: \(row.error ?? "no reason given")"
        case .pending, .sent: return "\(what): still \(row.state.rawValue)\(row.error.map { ": \($0)" } ?? "")"
        }
    }

    static func json(_ row: OutboxRow) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(row)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// Opens the store to queue writes: root becomes the store's owner first (StoreOwner), so
/// the store's files stay the daemon's; a user who may not write it is told so (exit 3).
func openOutbox(_ configuration: CalSyncConfiguration) throws -> OutboxClient {
    do {
        try StoreOwner.becomeOwnerIfRoot(storePath: configuration.store.path)
        return try OutboxClient(path: configuration.store.path)
    } catch let error as CalSyncError {
        printError("calsyncctl: \(error.message)")
        throw ExitCodes.storeUnavailable
    }
}
