// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "boxfs",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "boxfs", targets: ["BoxFSCLI"]),
        .executable(name: "box-emulator", targets: ["BoxEmulatorCLI"]),
        .library(name: "BoxFS", targets: ["BoxFS"]),
        .library(name: "BoxEmulator", targets: ["BoxEmulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // System libraries, found with pkg-config (scripts/test installs the -dev packages).
        .systemLibrary(name: "CLibFuse", pkgConfig: "fuse3", providers: [.apt(["libfuse3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // Thin C shim over the libfuse3 low-level API: forwards kernel callbacks to Swift.
        .target(name: "CFuse", dependencies: ["CLibFuse"]),

        // Linux calls Swift's Glibc module leaves out (sync_file_range).
        .target(name: "CLinux"),

        // SQLite metadata cache, on-disk block cache, write staging.
        .target(
            name: "Cache",
            dependencies: ["CSQLite", "CLinux", .product(name: "Logging", package: "swift-log")]
        ),

        // The filesystem and the Box client.
        .target(
            name: "BoxFS",
            dependencies: [
                "CFuse", "Cache", "COpenSSL",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "BoxFSCLI",
            dependencies: [
                "BoxFS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // A local Box emulator: a real HTTP server for the part of the Box API boxfs uses.
        .target(
            name: "BoxEmulator",
            dependencies: [
                "COpenSSL",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "BoxEmulatorCLI",
            dependencies: [
                "BoxEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .testTarget(name: "CacheTests", dependencies: ["Cache"]),
        .testTarget(
            name: "BoxEmulatorTests",
            dependencies: [
                "BoxEmulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(name: "BoxFSTests", dependencies: ["BoxFS", "BoxEmulator", "Cache"]),
    ],
    swiftLanguageModes: [.v5]
)
