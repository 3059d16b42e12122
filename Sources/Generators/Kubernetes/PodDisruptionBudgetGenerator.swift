import BlueprintYAML

/// policy/v1 PodDisruptionBudget: drains may take pods only down to what the protected share needs.
enum PodDisruptionBudgetGenerator {
    static func write(_ w: WorkloadContext, into y: inout YAMLWriter) {
        y.mapping { y in
            y.field("apiVersion", "policy/v1")
            y.field("kind", "PodDisruptionBudget")
            w.metadata(&y)
            y.mapping("spec") { y in
                y.field("maxUnavailable", w.placement.sizing.pdbMaxUnavailable)
                w.selector(&y)
            }
        }
    }
}
