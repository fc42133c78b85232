import Foundation
import Testing

/// `calsyncctl check-config`, run as a process.
struct CheckConfigCommandTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("etc/calsync.toml.example").path

    @Test func theExampleIsValid() async throws {
        let result = try await CommandRunner.run("calsyncctl", ["check-config", "--config", Self.example])
        #expect(result.status == 0, "\(result.all)")
        #expect(result.stdout.contains("account work: google, oauth"))
        #expect(result.stdout.contains("account office: microsoft, oauth"))
        #expect(result.stdout.contains("The configuration is valid."))
    }

    // The five cases of issue 2: exit 78 and one message naming the key, no stack trace.
    @Test(arguments: [
        ("[sync]\nintervall = \"5m\"\n", "intervall"),
        ("[sync]\ninterval = \"5 minutes\"\n", "interval \"5 minutes\" is not a duration"),
        (
            "[[account]]\nname = \"a\"\nprovider = \"microsoft\"\nclient_id = \"x\"\n[[account]]\nname = \"a\"\nprovider = \"microsoft\"\nclient_id = \"y\"\n",
            "name \"a\" is used by account #1 too"
        ),
        ("[[account]]\nname = \"a\"\nprovider = \"microsoft\"\n", "client_id is missing"),
        ("[store\npath = 1\n", "not valid TOML"),
        // Issue 16: values that trapped check-config or passed it and crashed calsyncd.
        (
            "[sync]\ninterval = \"106751991167300d23h\"\n",
            ":2: [sync]: interval \"106751991167300d23h\" is not a duration"
        ),
        ("[sync]\ninterval = \"100000000000000d\"\n", ":2: [sync]: interval \"100000000000000d\" is too long"),
        ("[sync]\nmax_delete_ratio = 1.5\n", ":2: [sync]: max_delete_ratio 1.5 is not a share"),
        (
            "[[account]]\nname = \"a\"\nprovider = \"microsoft\"\nclient_id = \"x\"\nlogin_url = \"http://login.example.com\"\n",
            ":5: account \"a\": login_url \"http://login.example.com\" must use https"
        ),
    ])
    func badConfigurationsExit78NamingTheKey(text: String, expected: String) async throws {
        let scratch = try Scratch()
        let path = try scratch.write("calsync.toml", text)
        let result = try await CommandRunner.run("calsyncctl", ["check-config", "--config", path])
        #expect(result.status == 78)
        #expect(result.stderr.contains("calsync.toml:"), "\(result.all)")
        #expect(result.stderr.contains(expected), "\(result.all)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!result.all.contains("Fatal error") && !result.all.contains("Stack"))
    }

    @Test func theConfigurationCanComeFromTheEnvironment() async throws {
        let scratch = try Scratch()
        let path = try scratch.write("calsync.toml", "")
        let result = try await CommandRunner.run("calsyncctl", ["check-config"], environment: ["CALSYNC_CONFIG": path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("configuration: \(path)"))
    }
}
