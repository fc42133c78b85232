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

    /// A provider's error message can carry a NUL: the journal must get the value's bytes,
    /// all of them and nothing after them (no heap memory past a C string's end).
    @Test func libsystemdVectorsCarryExactlyTheBytesOfValuesWithNUL() {
        let value = "before\u{0}after, and a long tail so that the bytes differ from anything left in memory"
        let received = LibsystemdJournalSink.vectorBytes([("MESSAGE", value), ("PRIORITY", "3")])
        #expect(received == [Array("MESSAGE=\(value)".utf8), Array("PRIORITY=3".utf8)])
    }

    @Test func socketDatagramsCarryExactlyTheBytesOfValuesWithNUL() throws {
        let socket = try DatagramSocket()
        let sink = SocketJournalSink(path: socket.path)
        sink.send([("CALSYNC_ERROR", "cut\u{0}here"), ("PRIORITY", "3")])
        let fields = JournalDatagram.decode(try #require(socket.receive()))
        #expect(fields["CALSYNC_ERROR"].map { Array($0.utf8) } == Array("cut\u{0}here".utf8))
        #expect(fields["PRIORITY"] == "3")
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
