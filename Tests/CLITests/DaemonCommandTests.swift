import Foundation
import Testing

/// `calsyncd --once`, `calsyncctl status` and friends, run as processes.
struct DaemonCommandTests {
    static let contractColumns: [String: [String]] = [
        "meta": ["key", "value"],
        "accounts": ["id", "provider", "email", "auth", "state", "state_detail", "updated_at"],
        "calendars": [
            "account_id", "id", "name", "description", "time_zone", "color", "access", "is_primary", "sync_enabled",
            "updated_at",
        ],
        "events": [
            "account_id", "calendar_id", "id", "ical_uid", "etag", "kind", "series_id", "original_start", "status",
            "summary", "description", "location", "all_day", "start", "end", "start_ts", "end_ts", "time_zone",
            "recurrence", "transparency", "visibility", "organizer", "attendees", "url", "conference_url",
            "event_type", "created", "updated", "raw", "synced_at",
        ],
        "occurrences": [
            "account_id", "calendar_id", "instance_id", "event_id", "series_id", "start", "end", "all_day", "start_ts",
            "end_ts",
        ],
        "agenda": [
            "account_id", "calendar_id", "calendar_name", "event_id", "instance_id", "summary", "location",
            "description", "start", "end", "all_day", "start_ts", "end_ts", "status", "transparency",
            "conference_url", "url",
        ],
        "changes": ["seq", "account_id", "calendar_id", "event_id", "op", "at"],
        "sync_state": [
            "account_id", "calendar_id", "last_attempt", "last_success", "last_full_sync", "next_run", "last_error",
            "consecutive_failures", "window_start", "window_end", "events_count", "occurrences_count",
            "quarantined_count",
        ],
        "outbox": [
            "id", "account_id", "calendar_id", "op", "event_id", "payload", "if_etag", "state", "result_event_id",
            "error", "created_at", "updated_at",
        ],
    ]

    @Test func onceWithoutAccountsCreatesTheStoreWithTheWholeContract() async throws {
        let scratch = try Scratch()
        let configuration = try scratch.write(
            "calsync.toml", "[store]\npath = \"\(scratch.path("state/calsync.db"))\"\n")
        let result = try await CommandRunner.run("calsyncd", ["--once", "--config", configuration])
        #expect(result.status == 0, "\(result.all)")
        // Read every contract column by name, as a reader in another language would.
        var script = "import sqlite3, sys\nc = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)\n"
        for (table, columns) in Self.contractColumns {
            script +=
                "c.execute('SELECT \(columns.map { "\"\($0)\"" }.joined(separator: ", ")) FROM \(table)').fetchall()\n"
        }
        script += "print(c.execute('PRAGMA user_version').fetchone()[0])\n"
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        python.arguments = ["-c", script, scratch.path("state/calsync.db")]
        let output = Pipe()
        python.standardOutput = output
        python.standardError = output
        try python.run()
        python.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(python.terminationStatus == 0, "\(text)")
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == "9")
    }

    /// Issue 16: a value out of range stops calsyncd before its first poll with exit 78
    /// (EX_CONFIG, which systemd's RestartPreventExitStatus keeps from a crash loop), naming
    /// the key; `interval = "100000000000000d"` used to crash it after the first poll.
    @Test(arguments: [
        ("[sync]\ninterval = \"100000000000000d\"\n", "[sync]: interval \"100000000000000d\" is too long"),
        (
            "[[account]]\nname = \"a\"\nprovider = \"microsoft\"\nclient_id = \"x\"\ngraph_url = \"http://graph.example.com\"\n",
            "account \"a\": graph_url \"http://graph.example.com\" must use https"
        ),
    ])
    func theDaemonExits78OnAValueOutOfRange(text: String, expected: String) async throws {
        let scratch = try Scratch()
        let configuration = try scratch.write(
            "calsync.toml", "[store]\npath = \"\(scratch.path("state/calsync.db"))\"\n" + text)
        let result = try await CommandRunner.run("calsyncd", ["--once", "--config", configuration])
        #expect(result.status == 78, "\(result.all)")
        #expect(result.all.contains(expected), "\(result.all)")
    }

    @Test func statusExitCodes() async throws {
        let scratch = try Scratch()
        let configuration = try scratch.write("calsync.toml", "[store]\npath = \"\(scratch.path("calsync.db"))\"\n")
        let missing = try await CommandRunner.run("calsyncctl", ["status", "--config", configuration])
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("there is no store at"))
        #expect(try await CommandRunner.run("calsyncd", ["--once", "--config", configuration]).status == 0)
        let status = try await CommandRunner.run("calsyncctl", ["status", "--config", configuration])
        #expect(status.status == 0)
        #expect(status.stdout.contains("calsyncd: not running"))
        #expect(status.stdout.contains("No accounts yet"))
        let json = try await CommandRunner.run("calsyncctl", ["status", "--json", "--config", configuration])
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(document?["healthy"] as? Bool == true)
        #expect(
            try await CommandRunner.run("calsyncctl", ["status", "--bogus", "--config", configuration]).status == 2)
        let agenda = try await CommandRunner.run(
            "calsyncctl", ["agenda", "--from", "tomorrow", "--config", configuration])
        #expect(agenda.status == 2)
        #expect(agenda.stderr.contains("--from \"tomorrow\""))
    }

    @Test func aSecondWriterIsRefusedWhileTheDaemonRuns() async throws {
        let scratch = try Scratch()
        let configuration = try scratch.write("calsync.toml", "[store]\npath = \"\(scratch.path("calsync.db"))\"\n")
        let daemon = CommandRunner.start("calsyncd", ["--config", configuration])
        try daemon.process.run()
        defer {
            if daemon.process.isRunning { daemon.process.terminate() }
            daemon.process.waitUntilExit()
        }
        // Wait (bounded) for the daemon to hold the store.
        var status: CommandRunner.Result?
        for _ in 0..<100 {
            status = try await CommandRunner.run("calsyncctl", ["status", "--json", "--config", configuration])
            if status?.stdout.contains("\"running\" : true") == true { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(
            status?.stdout.contains("\"pid\" : \(daemon.process.processIdentifier)") == true, "\(status?.all ?? "")")
        let second = try await CommandRunner.run("calsyncd", ["--once", "--config", configuration])
        #expect(second.status == 75)
        #expect(second.stderr.contains("already in use by another calsyncd (pid \(daemon.process.processIdentifier))"))
        daemon.process.terminate()
        daemon.process.waitUntilExit()
        #expect(daemon.process.terminationStatus == 0)
    }

    /// A token endpoint on 127.0.0.1 that refuses every refresh token (`invalid_grant`).
    static func refusingTokenEndpoint() throws -> (process: Process, port: Int) {
        let script = """
            import http.server, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    self.rfile.read(int(self.headers.get('Content-Length', 0)))
                    body = b'{"error":"invalid_grant","error_description":"Token has been expired or revoked."}'
                    self.send_response(400); self.send_header('Content-Type', 'application/json')
                    self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
                def log_message(self, *args): pass
            s = http.server.HTTPServer(('127.0.0.1', 0), H)
            print(s.server_port, flush=True)
            s.timeout = 1
            import time
            deadline = time.time() + 30
            while time.time() < deadline: s.handle_request()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script]
        let output = Pipe()
        process.standardOutput = output
        // Not the test run's own stderr: a straggler must never hold its output open.
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        return (process, port)
    }

    @Test func noSecretReachesAnyOutput() async throws {
        let scratch = try Scratch()
        let endpoint = try Self.refusingTokenEndpoint()
        defer {
            // SIGKILL: a child may inherit a signal mask that blocks SIGTERM.
            kill(endpoint.process.processIdentifier, SIGKILL)
            endpoint.process.waitUntilExit()
        }
        let secret = "GOCSPX-this-is-the-secret-value"
        let secretFile = try scratch.write("secret", secret + "\n")
        try scratch.write(
            "tokens", #"{"work":{"refresh_token":"1//refresh-secret-value","access_token":"ya29.access-secret-value"}}"#
        )
        let configuration = try scratch.write(
            "calsync.toml",
            """
            [store]
            path = "\(scratch.path("calsync.db"))"
            tokens_path = "\(scratch.path("tokens"))"
            [[account]]
            name = "work"
            provider = "google"
            client_id = "id.apps.googleusercontent.com"
            client_secret_file = "\(secretFile)"
            api_url = "http://127.0.0.1:9/calendar/v3"
            token_url = "http://127.0.0.1:\(endpoint.port)/token"
            """)
        var outputs: [String] = []
        outputs.append(try await CommandRunner.run("calsyncctl", ["check-config", "--config", configuration]).all)
        let once = try await CommandRunner.run(
            "calsyncd", ["--once", "--config", configuration, "--log-level", "trace"])
        #expect(once.status == 1)
        outputs.append(once.all)
        let status = try await CommandRunner.run("calsyncctl", ["status", "--config", configuration])
        // The dead refresh token turns the account needs_login, with the likely cause and the fix.
        #expect(status.status == 1)
        #expect(status.stdout.contains("work (google, oauth): needs_login"), "\(status.all)")
        #expect(status.stdout.contains("\"Testing\""))
        #expect(status.stdout.contains("Run: calsyncctl login work"))
        outputs.append(status.all)
        outputs.append(try await CommandRunner.run("calsyncctl", ["status", "--json", "--config", configuration]).all)
        for output in outputs {
            #expect(!output.contains("this-is-the-secret"), "\(output)")
            #expect(!output.contains("refresh-secret-value"), "\(output)")
            #expect(!output.contains("access-secret-value"), "\(output)")
        }
        let store =
            try Data(contentsOf: URL(fileURLWithPath: scratch.path("calsync.db")))
            + (try Data(contentsOf: URL(fileURLWithPath: scratch.path("calsync.db-wal"))))
        for needle in ["this-is-the-secret", "refresh-secret-value", "access-secret-value"] {
            #expect(store.range(of: Data(needle.utf8)) == nil)
        }
    }
}
