import Foundation
import Testing

@testable import CalSyncEngine
@testable import CalSyncModel

struct ConfigDurationTests {
    @Test(arguments: [
        ("90s", 90), ("5m", 300), ("2h", 7_200), ("30d", 2_592_000), ("1h30m", 5_400), ("1d2h3m4s", 93_784), ("0s", 0),
    ])
    func parses(text: String, seconds: Int64) {
        #expect(ConfigDuration.parse(text) == .seconds(seconds))
    }

    @Test(arguments: ["5 minutes", "5", "m", "", "5M", "1m1h", "-5m", "1.5h", "99999999999999999999d", "5m5m"])
    func rejects(text: String) {
        #expect(ConfigDuration.parse(text) == nil)
    }

    @Test func formatsTheShortestForm() {
        #expect(ConfigDuration.format(.seconds(300)) == "5m")
        #expect(ConfigDuration.format(.seconds(93_784)) == "1d2h3m4s")
        #expect(ConfigDuration.format(.zero) == "0s")
    }
}

struct SecretSourceTests {
    @Test func readsFilesTrimmingTheNewline() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("calsync-secret-\(UUID().uuidString)")
            .path
        try "s3cret\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try SecretSource.file(path).resolve(environment: [:]).value == "s3cret")
    }

    @Test func readsEnvironmentAndCredentials() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "calsync-cred-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "from-credential".write(to: directory.appendingPathComponent("google"), atomically: true, encoding: .utf8)
        #expect(try SecretSource.environment("X").resolve(environment: ["X": "from-env"]).value == "from-env")
        #expect(
            try SecretSource.credential("google").resolve(environment: ["CREDENTIALS_DIRECTORY": directory.path]).value
                == "from-credential")
    }

    @Test func failuresNameTheSourceNotAValue() {
        let noFile = #expect(throws: CalSyncError.self) {
            try SecretSource.file("/nonexistent/s").resolve(environment: [:])
        }
        #expect(noFile?.message == "the file /nonexistent/s does not exist")
        let noEnv = #expect(throws: CalSyncError.self) {
            try SecretSource.environment("NOPE").resolve(environment: [:])
        }
        #expect(noEnv?.message == "the environment variable NOPE is not set")
        let noCredentials = #expect(throws: CalSyncError.self) {
            try SecretSource.credential("c").resolve(environment: [:])
        }
        #expect(noCredentials?.message.contains("LoadCredential=") == true)
        let empty = #expect(throws: CalSyncError.self) {
            try SecretSource.environment("E").resolve(environment: ["E": " \n"])
        }
        #expect(empty?.message == "the environment variable E is empty")
    }

    @Test func secretsNeverPrint() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
    }
}

struct ConfigurationLocatorTests {
    @Test func explicitThenEnvironmentThenDefaults() {
        let user = ConfigurationLocator(
            environment: ["HOME": "/home/ada", "CALSYNC_CONFIG": "/x.toml"], isRoot: false, fileExists: { _ in true })
        #expect(user.configurationPath(explicit: "/given.toml") == "/given.toml")
        #expect(user.configurationPath(explicit: nil) == "/x.toml")
    }

    @Test func systemModeUsesEtcAndVarLib() {
        let root = ConfigurationLocator(environment: ["HOME": "/root"], isRoot: true, fileExists: { _ in false })
        #expect(root.configurationPath(explicit: nil) == "/etc/calsync/calsync.toml")
        #expect(root.defaultStorePath(configurationPath: "/etc/calsync/calsync.toml") == "/var/lib/calsync/calsync.db")
        let service = ConfigurationLocator(
            environment: ["CONFIGURATION_DIRECTORY": "/etc/calsync", "STATE_DIRECTORY": "/var/lib/calsync:/other"],
            isRoot: false, fileExists: { _ in false })
        #expect(service.isSystemMode)
        #expect(service.configurationPath(explicit: nil) == "/etc/calsync/calsync.toml")
        #expect(
            service.defaultStorePath(configurationPath: "/etc/calsync/calsync.toml") == "/var/lib/calsync/calsync.db")
        #expect(service.runtimeDirectory(configurationPath: "/etc/calsync/calsync.toml") == "/run/calsync")
    }

    @Test func userModeUsesXDGDirectories() {
        let user = ConfigurationLocator(
            environment: ["HOME": "/home/ada", "XDG_CONFIG_HOME": "/cfg", "XDG_RUNTIME_DIR": "/run/user/1000"],
            isRoot: false, fileExists: { $0 == "/cfg/calsync/calsync.toml" })
        #expect(user.configurationPath(explicit: nil) == "/cfg/calsync/calsync.toml")
        #expect(
            user.defaultStorePath(configurationPath: "/cfg/calsync/calsync.toml")
                == "/home/ada/.local/share/calsync/calsync.db")
        #expect(
            user.controlSocketPath(configurationPath: "/cfg/calsync/calsync.toml")
                == "/run/user/1000/calsync/control.sock")
    }

    @Test func aReaderWithoutOwnConfigurationUsesTheSystems() {
        let reader = ConfigurationLocator(
            environment: ["HOME": "/home/ada"], isRoot: false, fileExists: { $0 == "/etc/calsync/calsync.toml" })
        #expect(reader.configurationPath(explicit: nil) == "/etc/calsync/calsync.toml")
        #expect(
            reader.defaultStorePath(configurationPath: "/etc/calsync/calsync.toml") == "/var/lib/calsync/calsync.db")
        // ... and reaches the system daemon's control socket, as a member of group calsync.
        #expect(
            reader.controlSocketPath(configurationPath: "/etc/calsync/calsync.toml") == "/run/calsync/control.sock")
    }

    @Test func theControlSocketCanBeNamedInTheEnvironment() {
        let locator = ConfigurationLocator(
            environment: [
                "HOME": "/home/ada", "XDG_RUNTIME_DIR": "/run/user/1000", "CALSYNC_CONTROL_SOCKET": "/tmp/c.sock",
            ],
            isRoot: false, fileExists: { _ in false })
        #expect(locator.controlSocketPath(configurationPath: "/home/ada/.config/calsync/calsync.toml") == "/tmp/c.sock")
    }
}
