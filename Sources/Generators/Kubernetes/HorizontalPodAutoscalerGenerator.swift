import BlueprintYAML

/// autoscaling/v2 HorizontalPodAutoscaler: never below the zone-tolerant count, up to what
/// the region must carry when a neighbour region is lost.
enum HorizontalPodAutoscalerGenerator {
    static func make(_ w: WorkloadContext) -> YAMLValue {
        .mapping([
            ("apiVersion", .string("autoscaling/v2")),
            ("kind", .string("HorizontalPodAutoscaler")),
            ("metadata", w.metadata()),
            ("spec", .mapping([
                ("scaleTargetRef", .mapping([
                    ("apiVersion", .string("apps/v1")), ("kind", .string("Deployment")), ("name", .string(w.name)),
                ])),
                ("minReplicas", .int(w.placement.sizing.hpaMin)),
                ("maxReplicas", .int(w.placement.sizing.hpaMax)),
                ("metrics", .sequence([.mapping([
                    ("type", .string("Resource")),
                    ("resource", .mapping([
                        ("name", .string("cpu")),
                        ("target", .mapping([("type", .string("Utilization")), ("averageUtilization", .int(w.service.targetCPU))])),
                    ])),
                ])])),
            ])),
        ])
    }
}
