import Foundation
import Testing

/// `--config FILE` before the command (`calsyncctl --config FILE status`) and after it
/// (`calsyncctl status --config FILE`), as docs/configuration.md specifies: both read that file.
struct GlobalConfigOptionTests {
    /// A configuration whose store does not exist: every reporting command then names the
    /// store path, which proves it read this file and not the default one.
    static func configuration(_ scratch: Scratch, store: String) throws -> String {
        try scratch.write(
            "\(store).toml",
            """
            [store]
            path = "\(scratch.path(store))"

            [[account]]
            name = "office"
            provider = "microsoft"
            client_id = "global-config-client"
            """)
    }

    /// What the command says and how it ends, for each way of giving the file.
    static func forms(_ command: [String], config: String) -> [[String]] {
        [
            ["--config", config] + command,
            ["--config=\(config)"] + command,
            command + ["--config", config],
            Array(command.prefix(1)) + ["--config", config] + command.dropFirst(),
        ]
    }

    @Test(arguments: [["status"], ["status", "--json"], ["agenda", "--from", "2026-01-01"], ["calendars"]])
    func reportingCommandsReadTheGivenFileInEitherPlace(_ command: [String]) async throws {
        let scratch = try Scratch()
        let config = try Self.configuration(scratch, store: "missing-store.db")
        for arguments in Self.forms(command, config: config) {
            let result = try await CommandRunner.run("calsyncctl", arguments)
            #expect(result.status == 3, "\(arguments): \(result.all)")
            #expect(result.all.contains(scratch.path("missing-store.db")), "\(arguments): \(result.all)")
        }
    }

    @Test func checkConfigReadsTheGivenFileInEitherPlace() async throws {
        let scratch = try Scratch()
        let config = try Self.configuration(scratch, store: "check.db")
        for arguments in Self.forms(["check-config"], config: config) {
            let result = try await CommandRunner.run("calsyncctl", arguments)
            #expect(result.status == 0, "\(arguments): \(result.all)")
            #expect(result.stdout.contains("office"), "\(arguments): \(result.all)")
            #expect(result.stdout.contains(scratch.path("check.db")), "\(arguments): \(result.all)")
        }
    }

    /// The same file in both places is just redundant.
    @Test func theSameFileInBothPlacesIsAccepted() async throws {
        let scratch = try Scratch()
        let config = try Self.configuration(scratch, store: "same.db")
        let result = try await CommandRunner.run(
            "calsyncctl", ["--config", config, "check-config", "--config", config])
        #expect(result.status == 0, "\(result.all)")
    }

    /// Two different files: a usage error (exit 2) naming both, nothing read.
    @Test func differentFilesInBothPlacesAreAUsageError() async throws {
        let scratch = try Scratch()
        let first = try Self.configuration(scratch, store: "first.db")
        let second = try Self.configuration(scratch, store: "second.db")
        for arguments in [
            ["--config", first, "check-config", "--config", second],
            ["--config=\(first)", "status", "--config=\(second)"],
            ["--config", first, "agenda", "--config=\(second)", "--from", "2026-01-01"],
        ] {
            let result = try await CommandRunner.run("calsyncctl", arguments)
            #expect(result.status == 2, "\(arguments): \(result.all)")
            #expect(result.stderr.contains("--config"), "\(arguments): \(result.all)")
            #expect(result.stderr.contains(first) && result.stderr.contains(second), "\(arguments): \(result.all)")
        }
    }

    /// `--help` shows the global form.
    @Test func helpShowsTheGlobalForm() async throws {
        let result = try await CommandRunner.run("calsyncctl", ["--help"])
        #expect(result.status == 0, "\(result.all)")
        #expect(result.stdout.contains("calsyncctl [--config FILE] <command>"), "\(result.all)")
    }
}
