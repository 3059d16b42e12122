import BlueprintModel
import BlueprintYAML

/// v1 Namespace, enforcing the restricted Pod Security Standard the workloads are built to meet.
enum NamespaceGenerator {
    /// The labels every namespace-wide resource of the region carries.
    static func commonLabels(_ blueprint: Blueprint, region: String, residencyZone: String) -> [(StaticString, String)] {
        [
            ("app.kubernetes.io/part-of", blueprint.name),
            ("app.kubernetes.io/managed-by", "meridian"),
            ("meridian.dev/region", region),
            ("meridian.dev/residency-zone", residencyZone),
        ]
    }

    /// `readinessGate`: the region runs an ALB Ingress, whose pods get the AWS Load Balancer
    /// Controller's readiness gate (TargetDrain.readinessGateLabel).
    static func write(_ blueprint: Blueprint, region: String, residencyZone: String, readinessGate: Bool, into y: inout YAMLWriter) {
        var labels = commonLabels(blueprint, region: region, residencyZone: residencyZone) + [
            ("pod-security.kubernetes.io/enforce", "restricted"),
        ]
        if readinessGate { labels.append((TargetDrain.readinessGateLabel, "enabled")) }
        y.document { y in
            y.mapping { y in
                y.field("apiVersion", "v1")
                y.field("kind", "Namespace")
                y.mapping("metadata") { y in
                    y.field("name", blueprint.namespace)
                    y.mapping("labels", fields: labels)
                }
            }
        }
    }
}
