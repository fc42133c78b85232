// swift-tools-version:6.1
// calsync's benchmarks: a separate package so the main build and CI never compile them.
// Run with scripts/bench-expansion (release build); figures go to docs/benchmarks.md.
import PackageDescription

let package = Package(
    name: "calsync-benchmarks",
    platforms: [.macOS(.v15)],
    // The name pins the package identity, whatever the checkout folder is called.
    dependencies: [.package(name: "calsync", path: "..")],
    targets: [
        .executableTarget(
            name: "ExpansionBenchmark",
            dependencies: [.product(name: "CalSyncCore", package: "calsync")]
        )
    ],
    swiftLanguageModes: [.v6]
)
