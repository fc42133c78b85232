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
        .library(
            name: "CalSyncLibraries",
            targets: [
                "CalSyncModel", "CalSyncRecurrence", "CalSyncStore", "CalSyncAuth", "CalSyncGoogle", "CalSyncGraph",
                "CalSyncEngine", "CalSyncProviders",
            ]),
        .library(
            name: "CalSyncEmulator", targets: ["CalSyncEmulator", "CalSyncEmulatorServer", "CalSyncEmulatorCalendars"]),
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
                "CCurl", "CalSyncModel",
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
        // The shared vocabulary: events, times, cursors, errors, the HTTP seam, the
        // provider protocol, JSON helpers, SHA-256. Depends on nothing of ours.
        .target(
            name: "CalSyncModel",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        // RRULE/RDATE/EXDATE expansion into occurrences, time-zone names.
        .target(name: "CalSyncRecurrence", dependencies: ["CalSyncModel", "CalSyncICal"]),
        // The SQLite store (schema, migrations, the page writer, readers, status reports).
        .target(
            name: "CalSyncStore",
            dependencies: [
                "CalSyncModel", "CalSyncRecurrence",
                .product(name: "GRDB", package: "GRDB.swift"),
                // Raw sqlite3 calls (persistent WAL, bulk inserts) go through GRDB's SQLite module.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // OAuth: token grants, the owner-only token file, sign-in flows.
        .target(
            name: "CalSyncAuth",
            dependencies: ["CalSyncModel", .product(name: "Logging", package: "swift-log")]
        ),
        // One provider each: wire types, mapping, endpoints, errors. Only these know the JSON.
        .target(
            name: "CalSyncGoogle",
            dependencies: ["CalSyncModel", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "CalSyncGraph",
            dependencies: [
                "CalSyncModel", "CalSyncRecurrence", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The engine: configuration, synchronizer, scheduler, control socket. It sees the
        // provider protocol only, never a provider target.
        .target(
            name: "CalSyncEngine",
            dependencies: [
                "CalSyncModel", "CalSyncStore", "CalSyncAuth",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // The wiring of providers into the engine: the one list of providers.
        .target(
            name: "CalSyncProviders",
            dependencies: [
                "CalSyncModel", "CalSyncAuth", "CalSyncEngine", "CalSyncGoogle", "CalSyncGraph",
                .product(name: "Logging", package: "swift-log"),
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
        // Its HTTP/1.1 server, JSON values, clock and fault injection: no provider knowledge.
        .target(
            name: "CalSyncEmulatorServer",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        // Generated calendars and the providers' time and recurrence shapes the emulator
        // answers in (pure values: no state, no server).
        .target(name: "CalSyncEmulatorCalendars", dependencies: ["CalSyncEmulatorServer"]),
        .target(
            name: "CalSyncEmulator",
            dependencies: [
                "CalSyncEmulatorServer", "CalSyncEmulatorCalendars",
                // Only for SHA256 (PKCE verification); the emulator never uses the engine.
                "CalSyncModel",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Thin executables: wiring only.
        .executableTarget(
            name: "calsyncd",
            dependencies: [
                "CalSyncModel", "CalSyncRecurrence", "CalSyncStore", "CalSyncAuth", "CalSyncEngine", "CalSyncProviders",
                "CurlTransport", "CalSyncSystemd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "calsyncctl",
            dependencies: [
                "CalSyncModel", "CalSyncRecurrence", "CalSyncStore", "CalSyncAuth", "CalSyncEngine", "CalSyncProviders",
                "CurlTransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "calsync-emulator",
            dependencies: [
                "CalSyncEmulator", "CalSyncEmulatorServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .testTarget(
            name: "CalSyncCoreTests",
            dependencies: [
                "CalSyncModel", "CalSyncRecurrence", "CalSyncStore", "CalSyncAuth", "CalSyncGoogle", "CalSyncGraph",
                "CalSyncEngine", "CalSyncProviders", "CurlTransport", "CalSyncEmulator", "CalSyncEmulatorServer",
            ],
            // Recorded provider responses (copied from shared/fixtures), read by path.
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "CurlTransportTests", dependencies: ["CurlTransport", "CalSyncModel"]),
        .testTarget(name: "CalSyncICalTests", dependencies: ["CalSyncICal"]),
        // Test doubles shared by test targets (a socket standing in for systemd's).
        .target(name: "CalSyncTestSupport", path: "Tests/CalSyncTestSupport"),
        .testTarget(
            name: "CalSyncSystemdTests",
            dependencies: ["CalSyncSystemd", "CalSyncTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "CalSyncEmulatorTests",
            dependencies: [
                "CalSyncEmulator", "CalSyncEmulatorServer", "CurlTransport", "CalSyncModel", "CalSyncGoogle",
                "CalSyncGraph",
            ]),
        // Runs the built executables as a user would (exit codes, output, files).
        .testTarget(
            name: "CLITests",
            dependencies: [
                "CalSyncModel", "CalSyncRecurrence", "CalSyncStore", "CalSyncAuth", "CalSyncGoogle", "CalSyncGraph",
                "CalSyncEngine", "CalSyncProviders", "CalSyncEmulator", "CalSyncEmulatorServer", "CalSyncTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
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
