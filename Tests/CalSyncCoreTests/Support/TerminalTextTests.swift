import Foundation
import Logging
import Testing

@testable import CalSyncAuth
@testable import CalSyncEngine
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel
@testable import CalSyncRecurrence
@testable import CalSyncStore

/// Provider text never reaches a terminal with its control characters: they are shown as
/// `\xNN` per UTF-8 byte, as systemd's tools show them (TerminalText).
struct TerminalTextTests {
    /// An invite that clears the screen, sets the window title and colours the rest.
    static let hostile = "Lunch\u{1B}[2J\u{1B}]0;pwned\u{07}\u{9B}31m\r\u{7F}\tend\nnext"

    @Test func everyControlCharacterIsEscapedOnOneLine() {
        #expect(
            TerminalText.line(Self.hostile)
                == #"Lunch\x1b[2J\x1b]0;pwned\x07\xc2\x9b31m\x0d\x7f\x09end\x0anext"#)
        #expect(TerminalText.line("\u{0}") == #"\x00"#)
    }

    @Test func multiLineTextKeepsOnlyItsNewlines() {
        #expect(TerminalText.lines("a\u{1B}[1m\nb\r") == "a\\x1b[1m\nb\\x0d")
    }

    @Test func printableTextIsLeftAsItIs() {
        let text = #"Café ☕ at C:\Users, "quoted" 会議 🎉 U+00A0: "# + "\u{A0}"
        #expect(TerminalText.line(text) == text)
        #expect(TerminalText.line(TerminalText.line(Self.hostile)) == TerminalText.line(Self.hostile))
    }

    @Test func statusTextEscapesCalendarNamesAndErrors() {
        var calendar = StatusReportTests.calendar("team", failures: 4, lastError: "HTTP 500 \u{1B}[31mred\u{0}")
        calendar.name = "Team\u{1B}]0;title\u{07}"
        var account = StatusReportTests.account("error", [calendar])
        account.stateDetail = "detail \u{9B}2J"
        account.email = "me\u{1B}@example.com"
        let text = StatusReport(
            generatedAt: StatusReportTests.now, store: "/s.db", daemon: .init(running: true, pid: 7),
            accounts: [account]
        ).text(timeZone: TimeZone(identifier: "UTC")!)
        #expect(!text.unicodeScalars.contains { TerminalText.isControl($0) && $0 != "\n" })
        #expect(text.contains(#"Team\x1b]0;title\x07"#))
        #expect(text.contains(#"last error: HTTP 500 \x1b[31mred\x00"#))
        #expect(text.contains(#"detail \xc2\x9b2J"#))
        #expect(text.contains(#"me\x1b@example.com"#))
    }

    @Test func agendaTextEscapesSummariesLocationsAndCalendarNames() {
        var item = AgendaTests.item(
            "Standup\u{1B}[2J", .instant(Timestamp.parse("2026-03-30T07:00:00Z")!),
            .instant(Timestamp.parse("2026-03-30T07:30:00Z")!))
        item.location = "Room\r\u{1B}[8m"
        item.calendarName = "Work\u{85}"
        let text = Agenda.text([item], timeZone: TimeZone(identifier: "UTC")!)
        #expect(!text.unicodeScalars.contains { TerminalText.isControl($0) && $0 != "\n" })
        #expect(text.contains(#"Standup\x1b[2J @ Room\x0d\x1b[8m  (Work\xc2\x85)"#))
    }

    @Test func calendarsTextEscapesNamesAndIDs() {
        let text = CalendarListing.text([
            (accountID: "work", calendar: RemoteCalendar(id: "c\u{1B}1", name: "Team\u{1B}[5m\nx"), syncEnabled: true)
        ])
        #expect(text == #"work/c\x1b1  Team\x1b[5m\x0ax"#)
    }

    @Test func jsonOutputEscapesControlCharactersAsJSONDoes() throws {
        let item = AgendaTests.item(
            "a\u{1B}b\u{0}", .instant(Timestamp.parse("2026-03-30T07:00:00Z")!),
            .instant(Timestamp.parse("2026-03-30T07:30:00Z")!))
        let json = Agenda.json([item])
        #expect(!json.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(json.contains(#"a\u001bb\u0000"#))
    }
}

/// calsyncd's stderr outside the journal: a provider's error text with escape sequences
/// reaches the terminal escaped, in the message and in every metadata value.
struct TerminalLogHandlerTests {
    final class Captured: @unchecked Sendable {
        let lock = NSLock()
        var events: [LogEvent] = []
    }

    struct Capturing: LogHandler {
        let captured: Captured
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            captured.lock.withLock { captured.events.append(event) }
        }
    }

    @Test func messagesAndMetadataReachTheWrappedHandlerEscaped() throws {
        let captured = Captured()
        var logger = Logger(label: "t") { _ in TerminalLogHandler(wrapping: Capturing(captured: captured)) }
        logger[metadataKey: "calsync.account"] = "work\u{1B}[2J"
        logger.warning(
            "Poll failed \u{07}",
            metadata: [
                "calsync.error": "boom\u{1B}]0;owned\u{07}",
                "calsync.list": .array(["a\u{9B}b"]),
                "calsync.count": .stringConvertible(3),
            ])
        let event = try #require(captured.events.first)
        #expect(event.message.description == "Poll failed \\x07")
        #expect(event.metadata?["calsync.error"] == .string("boom\\x1b]0;owned\\x07"))
        #expect(event.metadata?["calsync.list"] == .array([.string("a\\xc2\\x9bb")]))
        #expect(event.metadata?["calsync.count"] == .string("3"))
        #expect(logger[metadataKey: "calsync.account"] == .string("work\\x1b[2J"))
    }
}
