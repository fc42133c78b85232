import Logging
import Testing

@testable import CalSyncSystemd

struct JournalLogHandlerTests {
    /// Decodes the journal's native protocol (both the `NAME=value` and the binary form).
    static func decode(_ datagram: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        var index = 0
        while index < datagram.count {
            var nameEnd = index
            while datagram[nameEnd] != UInt8(ascii: "="), datagram[nameEnd] != UInt8(ascii: "\n") { nameEnd += 1 }
            let name = String(decoding: datagram[index..<nameEnd], as: UTF8.self)
            if datagram[nameEnd] == UInt8(ascii: "=") {
                var valueEnd = nameEnd + 1
                while datagram[valueEnd] != UInt8(ascii: "\n") { valueEnd += 1 }
                fields[name] = String(decoding: datagram[(nameEnd + 1)..<valueEnd], as: UTF8.self)
                index = valueEnd + 1
            } else {
                var length: UInt64 = 0
                for byte in datagram[(nameEnd + 1)..<(nameEnd + 9)].reversed() { length = length << 8 | UInt64(byte) }
                let start = nameEnd + 9
                fields[name] = String(decoding: datagram[start..<(start + Int(length))], as: UTF8.self)
                index = start + Int(length) + 1
            }
        }
        return fields
    }

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
        let fields = Self.decode(try #require(socket.receive()))
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
        let fields = Self.decode(try #require(socket.receive()))
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
