import BlueprintYAML

/// kustomize.config.k8s.io/v1beta1 Kustomization listing a region directory's files, so
/// Argo CD (or `kubectl apply -k`) takes the directory as one unit.
enum KustomizationGenerator {
    static func make(resources: [String]) -> YAMLValue {
        .mapping([
            ("apiVersion", .string("kustomize.config.k8s.io/v1beta1")),
            ("kind", .string("Kustomization")),
            ("resources", .sequence(resources.map { .string($0) })),
        ])
    }
}
