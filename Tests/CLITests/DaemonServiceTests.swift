import CalSyncEmulator
import CalSyncEmulatorServer
import CalSyncGraph
import CalSyncModel
import CalSyncStore
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The service mode of `calsyncd` as systemd sees it: a real notify socket and a real
/// socket in the journal's native protocol, bound by the test; the control socket driven
/// by `calsyncctl`.
@Suite(.serialized) struct DaemonServiceTests {
    /// A running `calsyncd` with its sockets.
    struct Daemon {
        let process: Process
        let notify: SystemdListener
        let journal: SystemdListener
        let controlSocket: String
        let environment: [String: String]

        var pid: Int32 { process.processIdentifier }

        static func start(config: String, scratch: Scratch, extra: [String: String] = [:]) throws -> Daemon {
            let notify = try SystemdListener()
            let journal = try SystemdListener()
            let controlSocket = scratch.path("control.sock")
            var environment = [
                "NOTIFY_SOCKET": notify.path, "CALSYNC_JOURNAL_SOCKET": journal.path,
                "CALSYNC_CONTROL_SOCKET": controlSocket,
            ]
            environment.merge(extra) { $1 }
            let started = CommandRunner.start("calsyncd", ["--config", config], environment: environment)
            let log = FileHandle(forWritingAtPath: try scratch.write("daemon.log", ""))
            started.process.standardOutput = log
            started.process.standardError = log
            try started.process.run()
            return Daemon(
                process: started.process, notify: notify, journal: journal, controlSocket: controlSocket,
                environment: ["CALSYNC_CONTROL_SOCKET": controlSocket])
        }

        /// SIGTERM, then waits for the exit (a bounded wait: SIGKILL after 15 s).
        func terminate() async -> Int32 {
            kill(pid, SIGTERM)
            for _ in 0..<150 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
            notify.stop()
            journal.stop()
            return process.terminationStatus
        }
    }

    static func has(_ assignment: String) -> (SystemdListener.Message) -> Bool {
        { $0.assignments.contains(assignment) }
    }

    @Test func withoutAccountsItStartsReportsReadyAndIdlesUntilStopped() async throws {
        let scratch = try Scratch()
        let config = try scratch.write(
            "calsync.toml", "[store]\npath = \"\(scratch.path("calsync.db"))\"\n")
        let daemon = try Daemon.start(config: config, scratch: scratch)

        let ready = await daemon.notify.wait(Self.has("READY=1"))
        #expect(ready?.assignments.contains { $0.hasPrefix("STATUS=no accounts configured") } == true)
        #expect(FileManager.default.fileExists(atPath: scratch.path("calsync.db")), "READY comes after the store opens")

        let status = try await CommandRunner.run(
            "calsyncctl", ["status", "--config", config], environment: daemon.environment)
        #expect(
            status.stdout.contains("calsyncd: running (pid \(daemon.pid)): no accounts configured"), "\(status.all)")
        let sync = try await CommandRunner.run(
            "calsyncctl", ["sync", "--wait", "--config", config], environment: daemon.environment)
        #expect(sync.status == 1)
        #expect(sync.stderr.contains("no enabled account"), "\(sync.all)")

        // Idle: nothing but the READY message while it waits for a configuration.
        try await Task.sleep(for: .milliseconds(500))
        #expect(daemon.notify.messages.count == 1)

        #expect(await daemon.terminate() == 0)
        #expect(daemon.notify.messages.contains(where: Self.has("STOPPING=1")))
        #expect(!FileManager.default.fileExists(atPath: daemon.controlSocket), "the socket is removed on exit")

        let after = try await CommandRunner.run(
            "calsyncctl", ["sync", "--config", config], environment: daemon.environment)
        #expect(after.status == 69)
        #expect(after.stderr.contains("calsyncd is not running"), "\(after.all)")
    }

    @Test func readyStatusWatchdogReloadSyncWedgeAndStop() async throws {
        let emulator = try await ProviderEmulator.start()
        defer { Task { await emulator.stop() } }
        try await emulator.state.generateGoogleEvents(calendarID: "user@example.com", count: 40, seed: 3)
        let scratch = try Scratch()
        try scratch.write("secret", "service-test-secret")
        let configText = """
            [store]
            path = "\(scratch.path("calsync.db"))"
            tokens_path = "\(scratch.path("tokens.json"))"

            [sync]
            interval = "1h"

            [[account]]
            name = "work"
            provider = "google"
            client_id = "service-client"
            client_secret_file = "\(scratch.path("secret"))"
            calendars = ["primary"]
            api_url = "\(emulator.baseURL)/calendar/v3"
            token_url = "\(emulator.baseURL)/token"

            """
        let config = try scratch.write("calsync.toml", configText)
        let refresh = await emulator.state.issueTokens(provider: .google, clientID: "service-client").refreshToken
        let login = try await CommandRunner.run(
            "calsyncctl", ["login", "work", "--config", config, "--refresh-token-file", "-"], input: refresh + "\n")
        #expect(login.status == 0, "\(login.all)")

        // WatchdogSec=0.4s: pings every 0.2 s while the loop is alive.
        let daemon = try Daemon.start(
            config: config, scratch: scratch, extra: ["WATCHDOG_USEC": "400000", "CALSYNC_DEBUG_COMMANDS": "1"])
        #expect(await daemon.notify.wait(Self.has("READY=1")) != nil)

        // STATUS after the first sync.
        let synced = await daemon.notify.wait { message in
            message.assignments.contains { $0.hasPrefix("STATUS=1 account, 1 calendar ok · last sync") }
        }
        #expect(synced != nil, "\(daemon.notify.messages.map(\.text))")

        // The journal's fields for that sync.
        let finished = await daemon.journal.wait { $0.journalFields["MESSAGE_ID"] == MessageID.syncFinished }
        let fields = finished?.journalFields ?? [:]
        #expect(fields["CALSYNC_ACCOUNT"] == "work")
        #expect(fields["CALSYNC_CALENDAR"] == "user@example.com")
        #expect(fields["CALSYNC_PROVIDER"] == "google")
        #expect(fields["PRIORITY"] == "6")
        #expect(fields["SYSLOG_IDENTIFIER"] == "calsyncd")
        #expect(fields["CODE_FILE"]?.hasSuffix(".swift") == true)

        // calsyncctl sync --wait: the daemon polls now and answers with the result.
        try await emulator.state.editGoogleEvent(
            calendarID: "user@example.com",
            eventID: try #require(
                try await emulator.state.googleEvents(calendarID: "user@example.com").first?["id"]?.stringValue),
            .object([("summary", .string("Edited upstream"))]))
        let sync = try await CommandRunner.run(
            "calsyncctl", ["sync", "work", "--wait", "--config", config], environment: daemon.environment)
        #expect(sync.status == 0, "\(sync.all)")
        #expect(sync.stdout.contains("work/user@example.com"), "\(sync.all)")
        #expect(sync.stdout.contains("ok, 1 page, +0 ~1 -0"), "\(sync.all)")
        let unknown = try await CommandRunner.run(
            "calsyncctl", ["sync", "home", "--config", config], environment: daemon.environment)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no account named \"home\""), "\(unknown.all)")

        // The watchdog: about 5 pings a second while the loop is alive.
        let windowStart = ContinuousClock.now
        try await Task.sleep(for: .seconds(1))
        let pings = daemon.notify.messages.filter {
            $0.at >= windowStart && $0.at < windowStart + .seconds(1) && $0.assignments.contains("WATCHDOG=1")
        }
        #expect((3...7).contains(pings.count), "pings in one second: \(pings.count)")

        // SIGHUP: RELOADING=1 with MONOTONIC_USEC in one message, then READY=1 again.
        let beforeReload = ContinuousClock.now
        kill(daemon.pid, SIGHUP)
        let reloading = await daemon.notify.wait(after: beforeReload, Self.has("RELOADING=1"))
        #expect(
            reloading?.assignments.contains { $0.hasPrefix("MONOTONIC_USEC=") && UInt64($0.dropFirst(15)) != nil }
                == true)
        let readyAgain = await daemon.notify.wait(after: beforeReload, Self.has("READY=1"))
        #expect(readyAgain != nil && reloading != nil && readyAgain!.at >= reloading!.at)
        #expect(
            await daemon.journal.wait(after: beforeReload) {
                $0.journalFields["MESSAGE_ID"] == MessageID.configurationReloaded
            } != nil)

        // An invalid new file is refused; the daemon keeps the old configuration.
        try scratch.write("calsync.toml", configText + "interval = \"5 minutes\"\n")
        let beforeBadReload = ContinuousClock.now
        kill(daemon.pid, SIGHUP)
        let refused = await daemon.journal.wait(after: beforeBadReload) {
            $0.journalFields["MESSAGE"]?.contains("keeping the previous one") == true
        }
        #expect(refused?.journalFields["PRIORITY"] == "3")
        #expect(await daemon.notify.wait(after: beforeBadReload, Self.has("READY=1")) != nil)
        // (calsyncctl reads the file too: put the good one back, without a reload.)
        try scratch.write("calsync.toml", configText)
        let stillServing = try await CommandRunner.run(
            "calsyncctl", ["sync", "work", "--wait", "--config", config], environment: daemon.environment)
        #expect(stillServing.status == 0, "\(stillServing.all)")

        // forget goes through the daemon (which holds the store) and refuses what it cannot do.
        let forget = try await CommandRunner.run(
            "calsyncctl", ["forget", "home", "--config", config], environment: daemon.environment)
        #expect(forget.status == 2)
        #expect(forget.stderr.contains("calsyncd refused: the store holds no account named home"), "\(forget.all)")

        // A wedged scheduler: the pings stop.
        let wedge = try await CommandRunner.run(
            "calsyncctl", ["debug", "wedge-scheduler", "--config", config], environment: daemon.environment)
        #expect(wedge.status == 0, "\(wedge.all)")
        try await Task.sleep(for: .milliseconds(600))
        let afterWedge = ContinuousClock.now
        try await Task.sleep(for: .seconds(1))
        #expect(!daemon.notify.messages.contains { $0.at >= afterWedge && $0.assignments.contains("WATCHDOG=1") })

        // SIGTERM: STOPPING=1, exit 0.
        #expect(await daemon.terminate() == 0)
        #expect(daemon.notify.messages.contains(where: Self.has("STOPPING=1")))
    }
}

/// `calsyncctl forget`: an account taken out of the configuration keeps its rows until
/// asked, then loses them all, each event's removal recorded in `changes`.
@Suite(.serialized) struct ForgetCommandTests {
    @Test func aRemovedAccountIsMarkedThenForgottenWithoutADaemon() async throws {
        let emulator = try await ProviderEmulator.start()
        defer { Task { await emulator.stop() } }
        try await emulator.state.generateGoogleEvents(calendarID: "user@example.com", count: 25, seed: 4)
        let scratch = try Scratch()
        try scratch.write("secret", "forget-test-secret")
        func account(_ name: String) -> String {
            """
            [[account]]
            name = "\(name)"
            provider = "google"
            client_id = "forget-client"
            client_secret_file = "\(scratch.path("secret"))"
            calendars = ["primary"]
            api_url = "\(emulator.baseURL)/calendar/v3"
            token_url = "\(emulator.baseURL)/token"

            """
        }
        let store =
            "[store]\npath = \"\(scratch.path("calsync.db"))\"\ntokens_path = \"\(scratch.path("tokens.json"))\"\n\n"
        let config = try scratch.write("calsync.toml", store + account("work") + account("home"))
        let environment = ["CALSYNC_CONTROL_SOCKET": scratch.path("control.sock")]
        for name in ["work", "home"] {
            let refresh = await emulator.state.issueTokens(provider: .google, clientID: "forget-client").refreshToken
            let login = try await CommandRunner.run(
                "calsyncctl", ["login", name, "--config", config, "--refresh-token-file", "-"], input: refresh + "\n")
            #expect(login.status == 0, "\(login.all)")
        }
        #expect(try await CommandRunner.run("calsyncd", ["--once", "--config", config]).status == 0)

        // "home" leaves the configuration: its data stays, the account says how to remove it.
        try scratch.write("calsync.toml", store + account("work"))
        #expect(try await CommandRunner.run("calsyncd", ["--once", "--config", config]).status == 0)
        let status = try await CommandRunner.run(
            "calsyncctl", ["status", "--config", config], environment: environment)
        #expect(status.stdout.contains("calsyncctl forget home"), "\(status.all)")

        let stillConfigured = try await CommandRunner.run(
            "calsyncctl", ["forget", "work", "--config", config], environment: environment)
        #expect(stillConfigured.status == 2)
        #expect(stillConfigured.stderr.contains("still in the configuration"), "\(stillConfigured.all)")
        let forget = try await CommandRunner.run(
            "calsyncctl", ["forget", "home", "--config", config], environment: environment)
        #expect(forget.status == 0, "\(forget.all)")
        #expect(forget.stdout.contains("Removed account home and its 25 events"), "\(forget.all)")
        let again = try await CommandRunner.run(
            "calsyncctl", ["forget", "home", "--config", config], environment: environment)
        #expect(again.status == 2)
        #expect(again.stderr.contains("holds no account named home"), "\(again.all)")

        let queue = try DatabaseQueue(path: scratch.path("calsync.db"))
        let counts = try await queue.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE account_id = 'home'") ?? -1,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts WHERE id = 'home'") ?? -1,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM changes WHERE account_id = 'home' AND op = 'delete'")
                    ?? -1,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE account_id = 'work'") ?? -1
            )
        }
        #expect(counts == (0, 0, 25, 25))
    }
}
