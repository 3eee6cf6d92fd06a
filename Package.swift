// swift-tools-version:6.2
import PackageDescription

/// Swift's upcoming features as the anchors (Hummingbird) enable them.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // NovaKit's own code builds without warnings (dependencies' warnings are theirs).
    .treatAllWarnings(as: .error),
]

let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let sqlKit = Target.Dependency.product(name: "SQLKit", package: "sql-kit")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let propertyBased = Target.Dependency.product(name: "PropertyBased", package: "swift-property-based")
let tracing = Target.Dependency.product(name: "Tracing", package: "swift-distributed-tracing")

let package = Package(
    name: "NovaKit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "novakit", targets: ["novakit"]),
        .library(name: "NovaKitCore", targets: ["NovaKitCore"]),
        .library(name: "NovaKitPolicy", targets: ["NovaKitPolicy"]),
        .library(name: "NovaKitStorage", targets: ["NovaKitStorage"]),
        .library(name: "NovaKitHTTP", targets: ["NovaKitHTTP"]),
        .library(name: "NovaKitIdentity", targets: ["NovaKitIdentity"]),
        .library(name: "NovaKitImage", targets: ["NovaKitImage"]),
        .library(name: "NovaKitNetwork", targets: ["NovaKitNetwork"]),
        .library(name: "NovaKitCompute", targets: ["NovaKitCompute"]),
        .library(name: "NovaKitAPI", targets: ["NovaKitAPI"]),
        .library(name: "NovaKitComputeAPI", targets: ["NovaKitComputeAPI"]),
        .library(name: "NovaKitExtensions", targets: ["NovaKitExtensions"]),
        .library(name: "NovaKitServer", targets: ["NovaKitServer"]),
        .library(name: "NovaKitTesting", targets: ["NovaKitTesting"]),
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
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
    ],
    targets: [
        // Values with no I/O: JSON, versions, schemas, faults, clock and ids.
        .target(name: "NovaKitCore", swiftSettings: swiftSettings),
        // oslo.policy's rule language and the defaults registry.
        .target(name: "NovaKitPolicy", dependencies: ["NovaKitCore", "Yams"], swiftSettings: swiftSettings),
        // One database handle over SQLite and PostgreSQL, migrations, soft delete.
        .target(
            name: "NovaKitStorage",
            dependencies: [
                "NovaKitCore", sqlKit, logging, metrics, tracing, .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
            ],
            swiftSettings: swiftSettings),
        // What every listener shares: the request pipeline, body reading, who is calling.
        .target(
            name: "NovaKitHTTP",
            dependencies: [
                "NovaKitCore", "NovaKitPolicy", hummingbird, logging, metrics, tracing, .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        // The Keystone v3 subset, and token validation against it or an external Keystone.
        .target(
            name: "NovaKitIdentity",
            dependencies: [
                "NovaKitCore", "NovaKitPolicy", "NovaKitStorage", "NovaKitHTTP", hummingbird, sqlKit, logging, metrics,
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings),
        // The image catalog and its Glance v2 listener.
        .target(
            name: "NovaKitImage",
            dependencies: [
                "NovaKitCore", "NovaKitStorage", "NovaKitHTTP", hummingbird, sqlKit, logging, .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        // The network service: networks, subnets, ports and routers, and their Neutron v2.0 listener.
        .target(
            name: "NovaKitNetwork", dependencies: ["NovaKitCore", "NovaKitStorage", "NovaKitHTTP", hummingbird, sqlKit, logging],
            swiftSettings: swiftSettings),
        // Instance states, the lifecycle engine, the fake driver, the scheduler.
        .target(
            name: "NovaKitCompute", dependencies: ["NovaKitCore", "NovaKitStorage", "NovaKitImage", "NovaKitNetwork", sqlKit, logging],
            swiftSettings: swiftSettings),
        // The extension framework: declarations, registry, routing, the compute listener.
        .target(
            name: "NovaKitAPI", dependencies: ["NovaKitCore", "NovaKitPolicy", "NovaKitStorage", "NovaKitHTTP", hummingbird, sqlKit, logging],
            swiftSettings: swiftSettings),
        // Nova's core resources, declared through the framework.
        .target(
            name: "NovaKitComputeAPI",
            dependencies: [
                "NovaKitAPI", "NovaKitCompute", "NovaKitImage", "NovaKitNetwork", "NovaKitCore", "NovaKitPolicy", "NovaKitStorage", sqlKit,
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: swiftSettings),
        // Optional extensions, such as the reference `os-documents`.
        .target(
            name: "NovaKitExtensions", dependencies: ["NovaKitAPI", "NovaKitCore", "NovaKitPolicy", "NovaKitStorage", sqlKit],
            swiftSettings: swiftSettings),
        // Assembly: settings, commands, the distribution of extensions.
        .target(
            name: "NovaKitServer",
            dependencies: [
                "NovaKitAPI", "NovaKitComputeAPI", "NovaKitExtensions", "NovaKitImage", "NovaKitNetwork", "NovaKitIdentity", "NovaKitCompute",
                "NovaKitHTTP",
                "NovaKitCore", "NovaKitPolicy", "NovaKitStorage", hummingbird, logging, sqlKit, metrics,
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(name: "novakit", dependencies: ["NovaKitServer"], swiftSettings: swiftSettings),
        // The test kit: an in-memory cloud, its client, and the databases the storage tests run on.
        .target(
            name: "NovaKitTesting",
            dependencies: [
                "NovaKitServer", "NovaKitComputeAPI", "NovaKitAPI", "NovaKitCompute", "NovaKitCore", "NovaKitPolicy", "NovaKitStorage",
                hummingbird, logging, .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "NovaKitCoreTests", dependencies: ["NovaKitCore", propertyBased], swiftSettings: swiftSettings),
        .testTarget(name: "NovaKitPolicyTests", dependencies: ["NovaKitPolicy", propertyBased], swiftSettings: swiftSettings),
        .testTarget(name: "NovaKitStorageTests", dependencies: ["NovaKitStorage", "NovaKitTesting", sqlKit, logging], swiftSettings: swiftSettings),
        .testTarget(
            name: "NovaKitComputeTests",
            dependencies: ["NovaKitCompute", "NovaKitCore", "NovaKitNetwork", "NovaKitStorage", "NovaKitTesting", sqlKit],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "NovaKitAPITests",
            dependencies: [
                "NovaKitAPI", "NovaKitComputeAPI", "NovaKitExtensions", "NovaKitServer", "NovaKitCore", "NovaKitPolicy", "NovaKitStorage",
                "NovaKitTesting", tracing, .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "NovaKitComputeAPITests",
            dependencies: ["NovaKitComputeAPI", "NovaKitCompute", "NovaKitCore", "NovaKitStorage", "NovaKitTesting", sqlKit],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "NovaKitExtensionsTests",
            dependencies: [
                "NovaKitExtensions", "NovaKitComputeAPI", "NovaKitAPI", "NovaKitCore", "NovaKitPolicy", "NovaKitStorage", "NovaKitTesting", sqlKit,
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "NovaKitServerTests", dependencies: ["NovaKitServer"], swiftSettings: swiftSettings),
        .testTarget(
            name: "NovaKitHTTPTests",
            dependencies: ["NovaKitHTTP", "NovaKitCore", hummingbird, logging, .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "NovaKitIdentityTests",
            dependencies: [
                "NovaKitIdentity", "NovaKitHTTP", "NovaKitCore", "NovaKitPolicy", "NovaKitStorage", hummingbird, logging,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "NovaKitNetworkTests", dependencies: ["NovaKitNetwork", "NovaKitHTTP", "NovaKitCore", "NovaKitStorage", sqlKit, logging],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "NovaKitImageTests",
            dependencies: [
                "NovaKitImage", "NovaKitHTTP", "NovaKitCore", "NovaKitStorage", hummingbird, logging,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings),
    ]
)
