import BlueprintModel
import BlueprintYAML

/// v1 Namespace, enforcing the restricted Pod Security Standard the workloads are built to meet.
enum NamespaceGenerator {
    /// The labels every namespace-wide resource of the region carries.
    static func commonLabels(_ blueprint: Blueprint, region: String, residencyZone: String) -> [(String, YAMLValue)] {
        [
            ("app.kubernetes.io/part-of", .string(blueprint.name)),
            ("app.kubernetes.io/managed-by", .string("meridian")),
            ("meridian.dev/region", .string(region)),
            ("meridian.dev/residency-zone", .string(residencyZone)),
        ]
    }

    /// `readinessGate`: the region runs an ALB Ingress, whose pods get the AWS Load Balancer
    /// Controller's readiness gate (TargetDrain.readinessGateLabel).
    static func make(_ blueprint: Blueprint, region: String, residencyZone: String, readinessGate: Bool) -> YAMLValue {
        var labels = commonLabels(blueprint, region: region, residencyZone: residencyZone) + [
            ("pod-security.kubernetes.io/enforce", .string("restricted")),
        ]
        if readinessGate { labels.append((TargetDrain.readinessGateLabel, .string("enabled"))) }
        return .mapping([
            ("apiVersion", .string("v1")),
            ("kind", .string("Namespace")),
            ("metadata", .mapping([
                ("name", .string(blueprint.namespace)),
                ("labels", .mapping(labels)),
            ])),
        ])
    }
}
