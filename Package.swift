// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Preflight",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "preflight", targets: ["PreflightCLI"]),
        .library(name: "PreflightCore", targets: ["PreflightCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // The C driver, as Debian packages it. `make setup` installs it.
        .systemLibrary(
            name: "CMongoC",
            pkgConfig: "libmongoc-1.0",
            providers: [.apt(["libmongoc-dev"])]
        ),
        // The only module that imports CMongoC: values, Extended JSON, client, errors.
        .target(name: "Mongo", dependencies: ["CMongoC"]),
        .target(name: "PreflightCore", dependencies: ["Mongo"]),
        .executableTarget(
            name: "PreflightCLI",
            dependencies: [
                "PreflightCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "MongoTests", dependencies: ["Mongo"]),
        // Fixtures (scenario files, the JUnit schemas) are read from the source tree by path.
        .testTarget(name: "PreflightCoreTests", dependencies: ["PreflightCore", "Mongo"], exclude: ["Fixtures"]),
    ]
)
