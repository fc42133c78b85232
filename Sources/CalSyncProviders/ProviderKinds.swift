public import CalSyncEngine
import CalSyncGoogle
import CalSyncGraph
public import CalSyncModel

/// The providers calsync ships. This array is the one place that lists them: the
/// configuration parser, `check-config`, `calsyncctl login` and the provider factory all
/// read the kinds from here (docs/architecture.md "Adding a provider").
public enum ProviderKinds {
    public static let standard: [any ProviderKind] = [GoogleKind(), GraphKind()]
}

extension CalSyncConfiguration {
    /// Reads and validates the file at `path` against the providers calsync ships.
    public static func load(path: String, locator: ConfigurationLocator) throws -> CalSyncConfiguration {
        try load(path: path, locator: locator, kinds: ProviderKinds.standard)
    }
}

extension ConfigurationParser {
    /// A parser that knows the providers calsync ships.
    package init(text: String, path: String, locator: ConfigurationLocator) {
        self.init(text: text, path: path, locator: locator, kinds: ProviderKinds.standard)
    }
}
