// swift-tools-version:6.0
import PackageDescription

/// Release builds on Linux lay the request path's hot functions out together: each function in a
/// section of its own, and the linker (lld; the option is ELF's) placing the ones
/// `bench/layout/refresh` found on the request path side by side, in the order of its list. The
/// path then spans a quarter of the code pages it did when its functions lay wherever their
/// files put them (README, design: code layout).
let packageDirectory = String(#filePath.dropLast("Package.swift".count))
let functionSections: [SwiftSetting] = [.unsafeFlags(["-Xfrontend", "-function-sections"], .when(platforms: [.linux], configuration: .release))]
let hotFunctionsFirst: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=lld", "-Xlinker", "--symbol-ordering-file=\(packageDirectory)bench/layout/hot-functions.txt",
            // The list names functions of one build; others may be gone or renamed since.
            "-Xlinker", "--no-warn-symbol-ordering",
        ],
        .when(platforms: [.linux], configuration: .release)
    )
]

/// Layers point inward: the executable wires them; `PoolDomain` knows nothing of I/O.
let package = Package(
    name: "gonghai",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gonghai", targets: ["gonghai"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/GraphQLSwift/GraphQL", exact: "4.3.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", exact: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD"], swiftSettings: functionSections),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(name: "PoolDomain", swiftSettings: functionSections),
        .target(
            name: "PoolStore",
            dependencies: [
                "PoolDomain",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: functionSections
        ),
        .target(
            name: "PostgresStore",
            dependencies: ["CLibPQ", "PoolDomain", "PoolStore", .product(name: "CoreMetrics", package: "swift-metrics")],
            swiftSettings: functionSections
        ),
        .target(name: "PoolServices", dependencies: ["PoolDomain", "PoolStore"], swiftSettings: functionSections),
        .target(
            name: "AdminConsole", dependencies: ["PoolDomain", "PoolStore", "PoolServices", "HTTPServer"], swiftSettings: functionSections
        ),
        .target(
            name: "GraphQLAdmission",
            dependencies: [
                .product(name: "GraphQL", package: "GraphQL"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            swiftSettings: functionSections
        ),
        .executableTarget(name: "gonghai-fuzz", dependencies: ["GraphQLAdmission", .product(name: "GraphQL", package: "GraphQL")]),
        .target(
            name: "GraphQLAPI",
            dependencies: [
                "PoolDomain", "PoolStore", "PoolServices", "HTTPServer", "GraphQLAdmission",
                .product(name: "GraphQL", package: "GraphQL"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: functionSections
        ),
        .target(
            name: "GonghaiServer",
            dependencies: [
                "PoolDomain", "PoolStore", "PostgresStore", "PoolServices", "GraphQLAPI", "HTTPServer", "AdminConsole",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: functionSections
        ),
        .executableTarget(
            name: "gonghai",
            dependencies: [
                "GonghaiServer", "PoolStore", "PostgresStore", "PoolServices", "PoolDomain", "GraphQLAPI", "HTTPServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: functionSections,
            linkerSettings: hotFunctionsFirst
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "GonghaiServer", "PoolStore", "PostgresStore", "PoolServices", "PoolDomain", "AdminConsole", "GraphQLAPI", "GraphQLAdmission",
                .product(name: "GraphQL", package: "GraphQL"), .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "PoolDomainTests", dependencies: ["PoolDomain"]),
        .testTarget(
            name: "PostgresStoreTests",
            dependencies: ["PostgresStore", "PoolStore", "PoolServices", "PoolDomain", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "PoolStoreTests",
            dependencies: ["PoolStore", "PoolServices", "PoolDomain", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "GonghaiServer", "GraphQLAPI", "HTTPServer", "PoolStore", "PostgresStore", "PoolServices", "PoolDomain", "TestSupport", "AdminConsole",
                .product(name: "GraphQL", package: "GraphQL"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
