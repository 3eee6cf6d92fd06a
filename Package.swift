// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "NovaKit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "novakit", targets: ["novakit"]),
        .library(name: "NovaKitCore", targets: ["NovaKitCore"]),
        .library(name: "NovaKitPolicy", targets: ["NovaKitPolicy"]),
        .library(name: "NovaKitStorage", targets: ["NovaKitStorage"]),
        .library(name: "NovaKitIdentity", targets: ["NovaKitIdentity"]),
        .library(name: "NovaKitAPI", targets: ["NovaKitAPI"]),
        .library(name: "NovaKitImage", targets: ["NovaKitImage"]),
        .library(name: "NovaKitExtensions", targets: ["NovaKitExtensions"]),
        .library(name: "NovaKitServer", targets: ["NovaKitServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .target(name: "NovaKitCore"),
        .target(name: "NovaKitPolicy", dependencies: ["NovaKitCore", "Yams"]),
        .target(
            name: "NovaKitCompute",
            dependencies: [
                "NovaKitCore", "NovaKitStorage", .product(name: "SQLKit", package: "sql-kit"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "NovaKitStorage",
            dependencies: [
                "NovaKitCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "NovaKitHTTP",
            dependencies: ["NovaKitCore", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .target(
            name: "NovaKitIdentity",
            dependencies: [
                "NovaKitCore", "NovaKitPolicy", "NovaKitStorage", "NovaKitHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "NovaKitAPI",
            dependencies: [
                "NovaKitCore", "NovaKitPolicy", "NovaKitStorage", "NovaKitIdentity", "NovaKitHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "NovaKitImage",
            dependencies: ["NovaKitAPI", "NovaKitHTTP", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .target(
            name: "NovaKitExtensions",
            dependencies: ["NovaKitAPI", "NovaKitImage", "NovaKitCompute", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "NovaKitServer",
            dependencies: [
                "NovaKitAPI", "NovaKitExtensions", "NovaKitImage", "NovaKitCompute",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .executableTarget(name: "novakit", dependencies: ["NovaKitServer"]),
        .testTarget(
            name: "NovaKitTests",
            dependencies: [
                "NovaKitServer", "NovaKitCompute",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
