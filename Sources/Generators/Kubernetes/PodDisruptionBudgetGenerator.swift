import BlueprintYAML

/// policy/v1 PodDisruptionBudget: drains may take pods only down to what the protected share needs.
enum PodDisruptionBudgetGenerator {
    static func make(_ w: WorkloadContext) -> YAMLValue {
        .mapping([
            ("apiVersion", .string("policy/v1")),
            ("kind", .string("PodDisruptionBudget")),
            ("metadata", w.metadata()),
            ("spec", .mapping([
                ("maxUnavailable", .int(w.placement.sizing.pdbMaxUnavailable)),
                ("selector", w.selector),
            ])),
        ])
    }
}
