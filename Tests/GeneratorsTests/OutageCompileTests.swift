import BlueprintModel
import BlueprintYAML
import Compiler
import Foundation
import Generators
import Resilience
import Testing

/// `compile --assume-down REGION`: what an on-call engineer commits during a long outage.
@Suite struct OutageCompileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func files(_ down: Set<String>) throws -> [String: String] {
        let path = Self.root.appendingPathComponent("Blueprints/trading-platform.yaml").path
        let analysis = Pipeline.analyze(file: path, bytes: try SourceLoader.load(path), today: "2026-11-30")
        let blueprint = try #require(analysis.blueprint)
        let generated = Pipeline.generate(blueprint, topology: Topology(blueprint, assumingDown: down), explanation: analysis.explanation)
        return Dictionary(uniqueKeysWithValues: generated.files.map { ($0.path, $0.contents) })
    }

    func replicas(_ text: String?) throws -> Int? {
        for document in try YAMLParser(file: "x").parseDocuments(Array((text ?? "").utf8)) {
            guard case .mapping(let pairs) = document.content, pairs.first(where: { $0.key.scalar == "kind" })?.value.scalar == "Deployment",
                  case .mapping(let spec)? = pairs.first(where: { $0.key.scalar == "spec" })?.value.content else { continue }
            return spec.first { $0.key.scalar == "replicas" }?.value.scalar.flatMap { Int($0) }
        }
        return nil
    }

    @Test func survivorsRunTheRegionLossShareNowAndTheLostRegionLeavesTheRollout() throws {
        let normal = try files([])
        let outage = try files(["eu-west-1"])
        // market-data is elastic: normally eu-central-1 runs T(20000/2500 = 8) = 12 pods and would
        // scale out after the loss; in outage mode it runs T(40000/2500 = 16) = ceil(16·3/2) = 24 now.
        #expect(try replicas(normal["clusters/eu-central-1/market-data.yaml"]) == 12)
        #expect(try replicas(outage["clusters/eu-central-1/market-data.yaml"]) == 24)
        // Static services were already sized for the region loss: unchanged.
        #expect(normal["clusters/eu-central-1/trading-api.yaml"] == outage["clusters/eu-central-1/trading-api.yaml"])
        // Other residency zones and the lost region's own manifests are untouched.
        #expect(normal["clusters/us-east-1/market-data.yaml"] == outage["clusters/us-east-1/market-data.yaml"])
        #expect(normal["clusters/eu-west-1/market-data.yaml"] == outage["clusters/eu-west-1/market-data.yaml"])
        // The ApplicationSet lists every region but the lost one.
        let applicationSet = try #require(outage["argocd/applicationset.yaml"])
        #expect(!applicationSet.contains("region: eu-west-1") && applicationSet.contains("region: eu-central-1"))
        #expect(try #require(normal["argocd/applicationset.yaml"]).contains("region: eu-west-1"))
        // And the report says so before anything else.
        #expect(try #require(outage["REPORT.md"]).contains("**Outage mode.** This output assumes `eu-west-1` is down"))
        #expect(!(try #require(normal["REPORT.md"]).contains("Outage mode")))
    }
}
