// swift-tools-version:6.1
// calsync — keeps a local SQLite copy of Google and Microsoft 365 calendars fresh.
// The module layout and the rules behind it are in docs/architecture.md.
import PackageDescription

let package = Package(
    name: "calsync",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "calsyncd", targets: ["calsyncd"]),
        .executable(name: "calsyncctl", targets: ["calsyncctl"]),
        .executable(name: "calsync-emulator", targets: ["calsync-emulator"]),
        .library(name: "CalSyncCore", targets: ["CalSyncCore"]),
        .library(name: "CalSyncEmulator", targets: ["CalSyncEmulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // C libraries from Debian, each imported by exactly one Swift module.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),

        // The only importer of CCurl: one thread owns the curl multi handle.
        .target(
            name: "CurlTransport",
            dependencies: [
                "CCurl", "CalSyncCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // libical 3.0.16's recurrence iterator, vendored and built without ICU (Debian's
        // libical steps an ICU Calendar for every instance): see its README.md.
        .target(
            name: "CLibicalRecur",
            exclude: ["README.md"],
            cSettings: [.define("HAVE_CONFIG_H"), .headerSearchPath(".")]
        ),
        // The only importer of CLibicalRecur: RRULE/RDATE/EXDATE expansion in a time zone.
        .target(name: "CalSyncICal", dependencies: ["CLibicalRecur"]),
        // The engine, the store, the providers: no C imports of its own.
        .target(
            name: "CalSyncCore",
            dependencies: [
                "CalSyncICal",
                .product(name: "GRDB", package: "GRDB.swift"),
                // Raw sqlite3 calls (persistent WAL) go through GRDB's own SQLite module.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // The only importer of CSystemd: sd_notify, watchdog, journal log handler.
        .target(
            name: "CalSyncSystemd",
            dependencies: [
                "CSystemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The provider emulator (Google Calendar v3 + Microsoft Graph) as a library, on its
        // own small socket server (docs/architecture.md says why not FlyingFox).
        .target(
            name: "CalSyncEmulator",
            dependencies: [
                // Only for SHA256 (PKCE verification); the emulator never uses the engine.
                "CalSyncCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Thin executables: wiring only.
        .executableTarget(
            name: "calsyncd",
            dependencies: [
                "CalSyncCore", "CurlTransport", "CalSyncSystemd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "calsyncctl",
            dependencies: [
                "CalSyncCore", "CurlTransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "calsync-emulator",
            dependencies: [
                "CalSyncEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .testTarget(
            name: "CalSyncCoreTests",
            dependencies: ["CalSyncCore", "CurlTransport", "CalSyncEmulator"],
            // Recorded provider responses (copied from shared/fixtures), read by path.
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "CurlTransportTests", dependencies: ["CurlTransport", "CalSyncCore"]),
        .testTarget(name: "CalSyncICalTests", dependencies: ["CalSyncICal"]),
        // Test doubles shared by test targets (a socket standing in for systemd's).
        .target(name: "CalSyncTestSupport", path: "Tests/CalSyncTestSupport"),
        .testTarget(
            name: "CalSyncSystemdTests",
            dependencies: ["CalSyncSystemd", "CalSyncTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "CalSyncEmulatorTests", dependencies: ["CalSyncEmulator", "CurlTransport", "CalSyncCore"]),
        // Runs the built executables as a user would (exit codes, output, files).
        .testTarget(name: "CLITests", dependencies: ["CalSyncCore", "CalSyncEmulator", "CalSyncTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// The same upcoming-feature settings for every Swift target (docs/architecture.md).
for target in package.targets where [.regular, .executable, .test].contains(target.type) {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
            .enableUpcomingFeature("InternalImportsByDefault"),
        ]
}
