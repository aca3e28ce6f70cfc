// swift-tools-version:6.0
import PackageDescription

// One binary for every tier. Each system C library has its own [system] target with a
// module map and a shim header holding thin non-variadic wrappers; nothing else is in C.
let package = Package(
    name: "liandong",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "liandong", targets: ["liandong"]),
        .executable(name: "liandong-bench", targets: ["liandong-bench"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", path: "Sources/CMicroHTTPD", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CQREncode", path: "Sources/CQREncode", providers: [.apt(["libqrencode-dev"])]),

        .target(name: "LiandongDomain"),
        .target(name: "LiandongStore", dependencies: ["LiandongDomain", "CSQLite", "CCrypto"]),
        .target(name: "LiandongSync", dependencies: ["LiandongDomain", "LiandongStore", "CCurl", "CMicroHTTPD", "CCrypto", "CZlib"]),
        .target(name: "LiandongPrint", dependencies: ["LiandongDomain", "CQREncode"]),
        .target(name: "LiandongServer", dependencies: ["LiandongSync", "LiandongStore", "LiandongDomain"]),
        .executableTarget(name: "liandong", dependencies: ["LiandongServer", "LiandongSync", "LiandongStore", "LiandongDomain", "LiandongPrint"]),
        .executableTarget(name: "liandong-bench", dependencies: ["LiandongServer", "LiandongSync", "LiandongStore", "LiandongDomain", "LiandongPrint"], path: "Sources/LiandongBench"),

        .testTarget(name: "LiandongDomainTests", dependencies: ["LiandongDomain"]),
        .testTarget(name: "LiandongStoreTests", dependencies: ["LiandongStore", "LiandongDomain"]),
        .testTarget(name: "LiandongEndToEndTests", dependencies: ["LiandongDomain", "LiandongStore"]),
        .testTarget(name: "LiandongPrintTests", dependencies: ["LiandongPrint", "LiandongDomain"]),
        .testTarget(name: "LiandongConvergenceTests", dependencies: ["LiandongStore", "LiandongDomain"]),
        .testTarget(name: "LiandongTransportTests", dependencies: ["LiandongSync"]),
        .testTarget(name: "LiandongEnrollmentTests", dependencies: ["LiandongSync", "LiandongStore", "LiandongDomain"]),
        .testTarget(name: "LiandongSyncTests", dependencies: ["LiandongServer", "LiandongSync", "LiandongStore", "LiandongDomain"]),
    ],
    swiftLanguageModes: [.v6]
)
