import BlueprintYAML

/// v1 Service: a stable in-cluster address for the pods of one service.
enum ServiceGenerator {
    /// A service behind the region's ALB tells the AWS Load Balancer Controller which path its
    /// target group checks: the readiness path, the same signal that gates the Service's endpoints.
    static func metadata(_ w: WorkloadContext) -> YAMLValue {
        guard w.isBehindLoadBalancer, case .mapping(var fields) = w.metadata() else { return w.metadata() }
        fields.append(("annotations", .mapping([
            ("alb.ingress.kubernetes.io/healthcheck-path", .string(w.service.healthPath)),
        ])))
        return .mapping(fields)
    }

    static func make(_ w: WorkloadContext) -> YAMLValue {
        .mapping([
            ("apiVersion", .string("v1")),
            ("kind", .string("Service")),
            ("metadata", metadata(w)),
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
