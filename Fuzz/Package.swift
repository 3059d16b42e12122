// swift-tools-version:6.0
import PackageDescription

// libFuzzer harnesses for meridian, kept out of the main package so its manifest, its tests and
// its normal builds stay free of sanitizer concerns. Build with scripts/fuzz.sh (see docs/fuzzing.md);
// a plain `swift build` here links nothing useful because libFuzzer comes in with -sanitize=fuzzer.
//
// The main package is a path dependency. SwiftPM names a path dependency after its directory, and
// the clone's directory name is not ours to choose (a worktree, a CI checkout), so read it from here.
let rootDirectory = "meridian"

let package = Package(
    name: "MeridianFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: "meridian"),
    ],
    targets: [
        // What one input goes through; shared by both executables and by the regression runner.
        .target(name: "LibFuzzerDriver"),
        .target(name: "FuzzTargets", dependencies: ["LibFuzzerDriver", .product(name: "Compiler", package: rootDirectory)]),
        .executableTarget(name: "FuzzLint", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "FuzzCompile", dependencies: ["FuzzTargets"]),
    ],
    swiftLanguageModes: [.v6]
)
