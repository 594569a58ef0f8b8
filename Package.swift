// swift-tools-version:6.0
import PackageDescription

// Release executables carry the Swift runtime and Foundation inside: a start that relocates no
// shared Foundation and about 5 MiB less resident (docs/BENCHMARKS.md, issue 16). The group lets
// the static archives resolve each other whatever order the driver lists them in. They are linked
// by the toolchain's lld with packed relative relocations (DT_RELR): 86,000 relocations in 16 KiB
// instead of 2 MiB that every start read, about 2 MiB less resident, still position-independent.
let staticArchives = [
    "Foundation", "FoundationEssentials", "FoundationInternationalization", "CoreFoundation",
    "_FoundationICU", "_FoundationCollections", "_FoundationCShims", "BlocksRuntime", "dispatch",
    "swiftDispatch", "swiftSynchronization", "swiftCore",
]
let staticRuntime: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-static-stdlib", "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker",
            "--start-group",
        ] + staticArchives.flatMap { ["-Xlinker", "-l" + $0] }
            + ["-Xlinker", "--end-group"], .when(configuration: .release))
]

let package = Package(
    name: "Chairside",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "chairside", targets: ["chairside"]),
        .executable(name: "chairside-bench", targets: ["ChairsideBench"]),
        .executable(name: "chairside-replica", targets: ["chairside-replica"]),
        .executable(name: "chairside-floor", targets: ["ChairsideFloor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CNCurses",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        .target(
            name: "ChairsideCore",
            dependencies: [.product(name: "Mustache", package: "swift-mustache")]
        ),
        .target(
            name: "ChairsideStore", dependencies: ["ChairsideCore", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "ChairsidePrinting", dependencies: ["ChairsideCore"]),
        .target(
            name: "ChairsideTerminal",
            dependencies: ["ChairsideCore", "ChairsideStore", "ChairsidePrinting", "CNCurses"]),
        .executableTarget(
            name: "chairside",
            dependencies: [
                "ChairsideCore", "ChairsideStore", "ChairsidePrinting", "ChairsideTerminal", "CNCurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: staticRuntime
        ),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .executableTarget(
            name: "ChairsideBench",
            dependencies: ["ChairsideCore", "ChairsideStore", "ChairsideTerminal", "CNCurses", "CSQLite"]
        ),
        // The benchmark's floor: a minimal Foundation + ncursesw program painting one frame (docs/BENCHMARKS.md).
        .executableTarget(name: "ChairsideFloor", dependencies: ["CNCurses"], linkerSettings: staticRuntime),
        .target(name: "TestSupport", dependencies: ["ChairsideCore"], path: "Tests/TestSupport"),
        .testTarget(
            name: "ChairsideCoreTests",
            dependencies: [
                "ChairsideCore", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "ChairsideStoreTests", dependencies: ["ChairsideStore", "TestSupport"]),
        .testTarget(name: "ChairsidePrintingTests", dependencies: ["ChairsidePrinting"]),
        .testTarget(
            name: "ChairsideTerminalTests", dependencies: ["ChairsideTerminal", "ChairsidePrinting", "TestSupport"],
            exclude: ["Snapshots"]),
        // ChairsideBench is here so `swift test` (and CI) builds it; running it is a separate step (docs/BENCHMARKS.md).
        .testTarget(
            name: "ChairsideEndToEndTests",
            dependencies: ["chairside", "ChairsideBench", "ChairsideStore", "TestSupport"]),
        // The reliability harness (docs/RELIABILITY.md): CrashProbe is a test build of the store that
        // the harness kills at every crash point; the tests then reopen and check what it left.
        .executableTarget(
            name: "CrashProbe", dependencies: ["ChairsideCore", "ChairsideStore", "TestSupport"],
            path: "Tests/CrashProbe"),
        .testTarget(
            name: "ChairsideReliabilityTests",
            dependencies: ["CrashProbe", "chairside", "ChairsideStore", "TestSupport"]),
        // The replica (issue 18): PostgreSQL through postgres-nio, in its own target and executable so
        // the console never links NIO (docs/DECISIONS.md); `chairside replicate|restore|check` exec it.
        .target(
            name: "ChairsideReplica",
            dependencies: [
                "ChairsideCore", "ChairsideStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Migrations"]
        ),
        .executableTarget(
            name: "chairside-replica",
            dependencies: [
                "ChairsideReplica", "ChairsideStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "ChairsideReplicaTests",
            dependencies: ["ChairsideReplica", "chairside-replica", "chairside", "ChairsideStore", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
