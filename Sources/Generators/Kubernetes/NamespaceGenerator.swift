import BlueprintModel
import BlueprintYAML

/// v1 Namespace, enforcing the restricted Pod Security Standard the workloads are built to meet.
enum NamespaceGenerator {
    static func make(_ blueprint: Blueprint, region: String, residencyZone: String) -> YAMLValue {
        .mapping([
            ("apiVersion", .string("v1")),
            ("kind", .string("Namespace")),
            ("metadata", .mapping([
                ("name", .string(blueprint.namespace)),
                ("labels", .mapping([
                    ("app.kubernetes.io/part-of", .string(blueprint.name)),
                    ("app.kubernetes.io/managed-by", .string("meridian")),
                    ("meridian.dev/region", .string(region)),
                    ("meridian.dev/residency-zone", .string(residencyZone)),
                    ("pod-security.kubernetes.io/enforce", .string("restricted")),
                ])),
            ])),
        ])
    }
}
