// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "DNA",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DNA", targets: ["DNA"]),
        .library(name: "CQL", targets: ["CQL"]),
        .library(name: "DNANetwork", targets: ["DNANetwork"]),
        .executable(name: "dna", targets: ["DNACommand"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "DNA",
            dependencies: ["CSQLite", "CLibPQ", "DNANetwork", "CQL"],
            swiftSettings: [
                .unsafeFlags(
                    ["-cross-module-optimization", "-enforce-exclusivity=unchecked"],
                    .when(configuration: .release)
                )
            ]
        ),
        .target(name: "CQL", dependencies: ["DNANetwork"]),
        .systemLibrary(name: "CDNANetwork"),
        .target(name: "DNANetwork", dependencies: ["CDNANetwork", "COpenSSL"]),
        .executableTarget(name: "DNACommand", dependencies: ["DNA", "DNANetwork"]),
        .testTarget(name: "DNATests", dependencies: ["DNA", "CQL", "DNANetwork"]),
        .testTarget(name: "CQLTests", dependencies: ["CQL", "DNANetwork"]),
        .testTarget(name: "DNANetworkTests", dependencies: ["DNANetwork"]),
        .testTarget(name: "DNACommandTests", dependencies: ["DNACommand", "DNANetwork"]),
    ],
    swiftLanguageModes: [.v6]
)
