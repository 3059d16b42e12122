import BlueprintYAML
import Compiler
import Foundation
import Testing

/// Applies the scheduler's documented filter for required pod anti-affinity (a pod may land only
/// in a topology domain holding no pod its term selects) to the generated Deployments.
@Suite struct AntiAffinitySchedulingTests {
    func child(_ node: YAMLNode?, _ key: String) -> YAMLNode? {
        guard let node, case .mapping(let pairs) = node.content else { return nil }
        return pairs.first { $0.key.scalar == key }?.value
    }

    func items(_ node: YAMLNode?) -> [YAMLNode] {
        guard let node, case .sequence(let items) = node.content else { return [] }
        return items
    }

    /// How many of `replicas` pods the filter admits into `zones`, one pod at a time.
    func schedule(replicas: Int, zones: [String], onePerZone: Bool) -> Int {
        var occupied: [String: Int] = [:]
        var placed = 0
        for _ in 0..<replicas {
            // Any zone the filter admits will do; pick the emptiest, as the spread scoring would.
            let admitted = zones.filter { !onePerZone || occupied[$0, default: 0] == 0 }
            guard let zone = admitted.min(by: { occupied[$0, default: 0] < occupied[$1, default: 0] }) else { continue }
            occupied[zone, default: 0] += 1
            placed += 1
        }
        return placed
    }

    @Test func everyRequiredAntiAffinityDeploymentSchedulesAndKeepsItsQuorum() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("Blueprints/trading-platform.yaml").path
        let analysis = Pipeline.analyze(file: path, bytes: try SourceLoader.load(path), today: "2026-11-30")
        let files = try #require(Pipeline.generate(analysis)).files
        var checked = 0
        for file in files where file.path.hasPrefix("clusters/") && file.path.hasSuffix(".yaml") {
            for document in try YAMLParser(file: file.path).parseDocuments(Array(file.contents.utf8)) {
                guard child(document, "kind")?.scalar == "Deployment" else { continue }
                let spec = child(child(child(document, "spec"), "template"), "spec")
                let affinity = child(spec, "affinity")
                let required = items(child(child(affinity, "podAntiAffinity"), "requiredDuringSchedulingIgnoredDuringExecution"))
                guard required.contains(where: { child($0, "topologyKey")?.scalar == "topology.kubernetes.io/zone" }) else { continue }
                let replicas = try #require(child(child(document, "spec"), "replicas")?.scalar.flatMap { Int($0) })
                let zones = items(child(items(items(child(child(child(affinity, "nodeAffinity"), "requiredDuringSchedulingIgnoredDuringExecution"), "nodeSelectorTerms")).first.flatMap { child($0, "matchExpressions") }).first, "values")).compactMap(\.scalar)
                #expect(zones.count == 3)
                // Every zone up: every replica finds a zone of its own.
                #expect(schedule(replicas: replicas, zones: zones, onePerZone: true) == replicas, "\(file.path)")
                // One zone down: one pod per surviving zone, which is still the majority of 3.
                for lost in zones {
                    let survivors = schedule(replicas: replicas, zones: zones.filter { $0 != lost }, onePerZone: true)
                    #expect(survivors == min(replicas, zones.count - 1))
                    #expect(survivors >= replicas / 2 + 1, "\(file.path) loses its majority without \(lost)")
                }
                // No zone spread constraint repeats (or contradicts) the anti-affinity.
                #expect(!items(child(spec, "topologySpreadConstraints")).contains { child($0, "topologyKey")?.scalar == "topology.kubernetes.io/zone" })
                // Rollouts replace in place: a surge pod would find no free zone.
                #expect(child(child(child(child(document, "spec"), "strategy"), "rollingUpdate"), "maxSurge")?.scalar == "0")
                checked += 1
            }
        }
        #expect(checked == 6, "the sequencer runs in six regions")
        // The same filter shows why more replicas than zones is refused: 5 over 3 leaves 2 Pending.
        #expect(schedule(replicas: 5, zones: ["a", "b", "c"], onePerZone: true) == 3)
    }
}
