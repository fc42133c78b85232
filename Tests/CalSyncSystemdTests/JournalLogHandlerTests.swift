import CalSyncTestSupport
import Logging
import Testing

@testable import CalSyncSystemd

struct JournalLogHandlerTests {
    @Test func writesStructuredFieldsInTheNativeProtocol() throws {
        let socket = try DatagramSocket()
        let sink = SocketJournalSink(path: socket.path)
        let logger = Logger(label: "calsyncd") { label in
            JournalLogHandler(label: label, identifier: "calsyncd", sink: sink)
        }
        logger.warning(
            "Sync throttled",
            metadata: [
                "calsync.account": "work", "calsync.calendar": "team@example.com", "calsync.provider": "google",
                "message_id": "5b1fd4b9c2a34c6e8a6f0c1d2e3f4a5b",
            ])
        let fields = JournalDatagram.decode(try #require(socket.receive()))
        #expect(fields["MESSAGE"] == "Sync throttled")
        #expect(fields["PRIORITY"] == "4")
        #expect(fields["SYSLOG_IDENTIFIER"] == "calsyncd")
        #expect(fields["CALSYNC_ACCOUNT"] == "work")
        #expect(fields["CALSYNC_CALENDAR"] == "team@example.com")
        #expect(fields["CALSYNC_PROVIDER"] == "google")
        #expect(fields["MESSAGE_ID"] == "5b1fd4b9c2a34c6e8a6f0c1d2e3f4a5b")
        #expect(fields["CODE_FILE"]?.hasSuffix("JournalLogHandlerTests.swift") == true)
        #expect(fields["CODE_LINE"].flatMap(Int.init) != nil)
        #expect(fields["CODE_FUNC"]?.isEmpty == false)
    }

    @Test func multiLineValuesUseTheBinaryForm() throws {
        let socket = try DatagramSocket()
        let sink = SocketJournalSink(path: socket.path)
        sink.send([("MESSAGE", "first line\nsecond line"), ("PRIORITY", "6")])
        let fields = JournalDatagram.decode(try #require(socket.receive()))
        #expect(fields["MESSAGE"] == "first line\nsecond line")
        #expect(fields["PRIORITY"] == "6")
    }

    @Test(arguments: [
        ("calsync.account", "CALSYNC_ACCOUNT"), ("message_id", "MESSAGE_ID"), ("_hidden", "HIDDEN"),
        ("http.status-code", "HTTP_STATUS_CODE"), ("9lives", nil), ("___", nil),
    ])
    func fieldNamesAreUpperSnakeCase(key: String, expected: String?) {
        #expect(JournalLogHandler.fieldName(for: key) == expected)
    }

    @Test func prioritiesFollowSyslog() {
        #expect(JournalLogHandler.priority(of: .debug) == 7)
        #expect(JournalLogHandler.priority(of: .info) == 6)
        #expect(JournalLogHandler.priority(of: .notice) == 5)
        #expect(JournalLogHandler.priority(of: .warning) == 4)
        #expect(JournalLogHandler.priority(of: .error) == 3)
        #expect(JournalLogHandler.priority(of: .critical) == 2)
    }
}
