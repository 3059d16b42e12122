import BlueprintYAML
import Compiler
import Foundation
import Resilience
import Testing

/// The RTO's scale term counts HPA periods; the generated HPAs must scale exactly that way.
@Suite struct AutoscalerBehaviorTests {
    func child(_ node: YAMLNode, _ key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = node.content else { return nil }
        return pairs.first { $0.key.scalar == key }?.value
    }

    @Test func generatedScaleUpPolicyMatchesTheRTOModel() throws {
        let analysis = Pipeline.analyze(file: "t.yaml", bytes: Array(twoZoneBlueprint.utf8), today: "2026-11-30")
        let files = try #require(Pipeline.generate(analysis)).files
        let documents = try files.filter { $0.path.hasSuffix(".yaml") }.flatMap {
            try YAMLParser(file: $0.path).parseDocuments(Array($0.contents.utf8))
        }
        let autoscalers = documents.filter { child($0, "kind")?.scalar == "HorizontalPodAutoscaler" }
        #expect(!autoscalers.isEmpty)
        for hpa in autoscalers {
            let scaleUp = try #require(child(hpa, "spec").flatMap { child($0, "behavior") }.flatMap { child($0, "scaleUp") })
            #expect(child(scaleUp, "stabilizationWindowSeconds")?.scalar == "0")
            #expect(child(scaleUp, "selectPolicy")?.scalar == "Max")
            guard case .sequence(let policies)? = child(scaleUp, "policies")?.content else {
                Issue.record("no policies")
                continue
            }
            // Replay the policies as the HPA controller applies them: per period, the largest
            // allowed step (selectPolicy Max) — and count periods as the RTO model does.
            let rules = policies.compactMap { policy -> (String, Int, Int)? in
                guard let type = child(policy, "type")?.scalar, let value = child(policy, "value")?.scalar.flatMap({ Int($0) }),
                      let period = child(policy, "periodSeconds")?.scalar.flatMap({ Int($0) }) else { return nil }
                return (type, value, period)
            }
            #expect(Set(rules.map(\.2)) == [RecoveryModel.ScaleUpPolicy.periodSeconds])
            for (from, to) in [(1, 2), (3, 40), (10, 11), (12, 16), (50, 1000), (7, 7)] {
                var current = from, periods = 0
                while current < to {
                    current = rules.map { $0.0 == "Percent" ? current + current * $0.1 / 100 : current + $0.1 }.max() ?? current
                    periods += 1
                }
                #expect(periods == RecoveryModel.ScaleUpPolicy.periods(from: from, to: to), "\(from)→\(to)")
            }
        }
    }
}
