import CalSyncAuth
import CalSyncModel
import CalSyncStore
public import Foundation

/// Decides which configuration file and which default store path apply.
///
/// System mode (the service, or root): `/etc/calsync/calsync.toml` and
/// `/var/lib/calsync/calsync.db` (`$CONFIGURATION_DIRECTORY` and `$STATE_DIRECTORY` when
/// systemd sets them). User mode: `$XDG_CONFIG_HOME/calsync/calsync.toml` and
/// `$XDG_DATA_HOME/calsync/calsync.db`. A user without a configuration of their own who
/// can read the system's uses it, so that members of group `calsync` can run
/// `calsyncctl status` on a server without `--config`.
public struct ConfigurationLocator: Sendable {
    public var environment: [String: String]
    public var isRoot: Bool
    /// Answers whether a file exists (injected for tests).
    public var fileExists: @Sendable (String) -> Bool

    public init(
        environment: [String: String], isRoot: Bool,
        fileExists: @escaping @Sendable (String) -> Bool = { FileManager.default.isReadableFile(atPath: $0) }
    ) {
        self.environment = environment
        self.isRoot = isRoot
        self.fileExists = fileExists
    }

    public static let systemConfigurationPath = "/etc/calsync/calsync.toml"
    public static let systemStorePath = "/var/lib/calsync/calsync.db"

    /// Run by systemd as the system service, or by root.
    public var isSystemMode: Bool {
        isRoot || nonEmpty("CONFIGURATION_DIRECTORY") != nil
    }

    /// The configuration file: `--config`, else `$CALSYNC_CONFIG`, else the default of the mode.
    public func configurationPath(explicit: String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = nonEmpty("CALSYNC_CONFIG") { return fromEnvironment }
        if let directory = firstPath(of: "CONFIGURATION_DIRECTORY") { return directory + "/calsync.toml" }
        if isSystemMode { return Self.systemConfigurationPath }
        let userPath = xdg("XDG_CONFIG_HOME", fallback: ".config") + "/calsync/calsync.toml"
        if !fileExists(userPath), fileExists(Self.systemConfigurationPath) {
            return Self.systemConfigurationPath
        }
        return userPath
    }

    /// The store when `[store] path` is not set; `configurationPath` tells the mode for
    /// users reading the system's configuration.
    public func defaultStorePath(configurationPath: String) -> String {
        if let directory = firstPath(of: "STATE_DIRECTORY") { return directory + "/calsync.db" }
        if isSystemMode || configurationPath == Self.systemConfigurationPath { return Self.systemStorePath }
        return xdg("XDG_DATA_HOME", fallback: ".local/share") + "/calsync/calsync.db"
    }

    /// The daemon's control socket: `$CALSYNC_CONTROL_SOCKET`, else `control.sock` in the
    /// runtime directory. The daemon and `calsyncctl` find the same one because both
    /// derive it from the same configuration path.
    public func controlSocketPath(configurationPath: String) -> String {
        if let explicit = nonEmpty("CALSYNC_CONTROL_SOCKET") { return explicit }
        return runtimeDirectory(configurationPath: configurationPath) + "/control.sock"
    }

    /// The runtime directory: systemd's `$RUNTIME_DIRECTORY`, `/run/calsync` for the system
    /// service (and for readers using its configuration), else `$XDG_RUNTIME_DIR/calsync`.
    public func runtimeDirectory(configurationPath: String) -> String {
        if let directory = firstPath(of: "RUNTIME_DIRECTORY") { return directory }
        if isSystemMode || configurationPath == Self.systemConfigurationPath { return "/run/calsync" }
        if let runtime = nonEmpty("XDG_RUNTIME_DIR") { return runtime + "/calsync" }
        return (nonEmpty("TMPDIR") ?? "/tmp") + "/calsync-\(getuid())"
    }

    private func nonEmpty(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// systemd passes several directories colon-separated; the first is ours.
    private func firstPath(of name: String) -> String? {
        nonEmpty(name).flatMap { $0.split(separator: ":").first.map(String.init) }
    }

    private func xdg(_ name: String, fallback: String) -> String {
        if let value = nonEmpty(name), value.hasPrefix("/") { return value }
        return (nonEmpty("HOME") ?? NSHomeDirectory()) + "/" + fallback
    }
}
