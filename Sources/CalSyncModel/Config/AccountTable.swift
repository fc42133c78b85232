/// A read-only view of one `[[account]]` table, handed to its provider kind
/// (``ProviderKind/settings(from:)``) so the kind validates its own keys. Each getter
/// returns nil when the key is absent, and also when its value is wrong, after recording
/// the located problem (`file:N: account "a": key …`), so a kind never formats a location.
/// The common keys (`name`, `client_id`, `client_secret_*`, `calendars`, …) are read by the
/// configuration parser before; their values are given in ``common``.
public protocol AccountTable: AnyObject {
    /// The common keys' values, already read.
    var common: AccountBasics { get }
    /// Whether the key is set, whatever its value.
    func has(_ key: String) -> Bool
    /// The line of the key in the file, for messages.
    func line(of key: String) -> Int?
    func string(_ key: String) -> String?
    func bool(_ key: String) -> Bool?
    /// A list of non-empty strings.
    func stringArray(_ key: String) -> [String]?
    /// A whole number in `range`.
    func integer(_ key: String, range: ClosedRange<Int>) -> Int?
    /// A duration (`90s`, `5m`, `1h30m`) in `range`.
    func duration(_ key: String, range: ClosedRange<Duration>) -> Duration?
    /// An endpoint URL: https, or http to a loopback address only; without a trailing slash.
    func url(_ key: String) -> String?
    /// A secret given by one of `<prefix>_file`, `<prefix>_env`, `<prefix>_credential`.
    func secret(_ prefix: String) -> SecretSource?
    /// The key of a secret that is set (`client_secret_env` …), for messages about it.
    func presentKey(_ prefix: String) -> String
    /// Records a problem with `key`, located at its line (or the table's header).
    func problem(_ key: String, _ message: String)
}

/// The values of an account's common keys, as the parser read them.
public struct AccountBasics: Sendable, Equatable {
    public var clientID: String?
    public var clientSecret: SecretSource?
    /// Calendar ids (or names) to sync; nil means every calendar listed.
    public var calendars: [String]?

    public init(clientID: String?, clientSecret: SecretSource?, calendars: [String]?) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.calendars = calendars
    }
}
