// swift-tools-version:6.1
// calsync's benchmarks: a separate package so the main build and CI never compile them.
// scripts/bench-expansion runs ExpansionBenchmark; scripts/bench-micro runs CalSyncMicro,
// ordo-one/benchmark measurements of decoding and storing one page. Release builds;
// figures go to docs/benchmarks.md.
import PackageDescription

let package = Package(
    name: "calsync-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // The name pins the package identity, whatever the checkout folder is called.
        .package(name: "calsync", path: ".."),
        // Its malloc interposer counts allocations; no jemalloc needed.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ExpansionBenchmark",
            dependencies: [.product(name: "CalSyncLibraries", package: "calsync")]
        ),
        .executableTarget(
            name: "CalSyncMicro",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CalSyncLibraries", package: "calsync"),
                .product(name: "CalSyncEmulator", package: "calsync"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
