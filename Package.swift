// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way:
// MeridianCLI -> {Review (diff), Optimizer (optimize)} -> Compiler -> {Validation, Generators} -> Cost (prices, optimize) -> Resilience -> BlueprintModel -> BlueprintYAML -> CYAML
// Diagnostics is the shared vocabulary of located findings, used from BlueprintYAML upwards.
let package = Package(
    name: "Meridian",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "meridian", targets: ["MeridianCLI"]),
        .library(name: "Compiler", targets: ["Compiler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .target(name: "Diagnostics"),
        .target(name: "BlueprintYAML", dependencies: ["CYAML", "Diagnostics"]),
        .target(name: "BlueprintModel", dependencies: ["BlueprintYAML", "Diagnostics"]),
        .target(name: "Resilience", dependencies: ["BlueprintModel", "Diagnostics"]),
        .target(name: "Cost", dependencies: ["BlueprintModel", "Resilience", "Diagnostics"]),
        .target(name: "Validation", dependencies: ["BlueprintModel", "Resilience", "Diagnostics", "Cost"]),
        .target(name: "Generators", dependencies: ["BlueprintModel", "Resilience", "BlueprintYAML", "Diagnostics", "Cost"]),
        .target(name: "Compiler", dependencies: ["BlueprintYAML", "BlueprintModel", "Resilience", "Validation", "Generators", "Diagnostics", "Cost"]),
        .target(name: "Review", dependencies: ["Compiler", "Generators", "Resilience", "BlueprintYAML", "Diagnostics", "Cost"]),
        .target(name: "Optimizer", dependencies: ["Compiler", "Generators", "Resilience", "BlueprintModel", "BlueprintYAML", "Diagnostics", "Cost"]),
        .executableTarget(
            name: "MeridianCLI",
            dependencies: ["Compiler", "Review", "Optimizer", "Diagnostics", "Cost", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "BlueprintYAMLTests", dependencies: ["BlueprintYAML"]),
        .testTarget(name: "BlueprintModelTests", dependencies: ["BlueprintModel", "Compiler"]),
        .testTarget(name: "ValidationTests", dependencies: ["Validation", "Compiler"]),
        .testTarget(name: "ResilienceTests", dependencies: ["Resilience", "Compiler"]),
        .testTarget(name: "GeneratorsTests", dependencies: ["Generators", "Compiler", "Resilience"]),
        .testTarget(name: "CostTests", dependencies: ["Cost", "Compiler", "Generators", "Review"]),
        .testTarget(name: "ReviewTests", dependencies: ["Review", "Compiler", "Validation"]),
        .testTarget(name: "OptimizerTests", dependencies: ["Optimizer", "Compiler", "Cost", "BlueprintModel"]),
        .testTarget(name: "CompilerTests", dependencies: ["Compiler", "Generators"], exclude: ["Fixtures"]),
        // Depends on the executable so `swift test` builds the `meridian` binary it runs.
        .testTarget(name: "MeridianCLITests", dependencies: ["MeridianCLI"]),
    ],
    swiftLanguageModes: [.v6]
)
