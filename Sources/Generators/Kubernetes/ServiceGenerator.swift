import BlueprintYAML

/// v1 Service: a stable in-cluster address for the pods of one service.
enum ServiceGenerator {
    static func make(_ w: WorkloadContext) -> YAMLValue {
        .mapping([
            ("apiVersion", .string("v1")),
            ("kind", .string("Service")),
            ("metadata", w.metadata()),
            ("spec", .mapping([
                ("type", .string("ClusterIP")),
                ("selector", .mapping(w.selectorLabels)),
                ("ports", .sequence([.mapping([
                    ("name", .string("http")),
                    ("port", .int(w.service.port)),
                    ("targetPort", .string("http")),
                    ("protocol", .string("TCP")),
                ])])),
            ])),
        ])
    }
}
