public import CalSyncModel

/// An events page decoded either way, for the micro-benchmarks only (Benchmarks/,
/// `scripts/bench-micro`): the single pass the provider uses and the Codable path it
/// replaced, measured in one binary on the same bytes.
@_spi(Benchmarks)
public enum GoogleEventsPageDecoding {
    public static func changes(_ bytes: [UInt8], singlePass: Bool) throws -> ChangePage {
        try (singlePass ? GoogleMapping.page(bytes) : GoogleMapping.codablePage(bytes)).changes
    }
}
