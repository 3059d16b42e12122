import BlueprintYAML

/// v1 Service: a stable in-cluster address for the pods of one service.
enum ServiceGenerator {
    static func write(_ w: WorkloadContext, into y: inout YAMLWriter) {
        y.mapping { y in
            y.field("apiVersion", "v1")
            y.field("kind", "Service")
            // A service behind the region's ALB tells the AWS Load Balancer Controller which path its
            // target group checks: the readiness path, the same signal that gates the Service's endpoints.
            let healthCheck: [(StaticString, String)] = [("alb.ingress.kubernetes.io/healthcheck-path", w.service.healthPath)]
            w.metadata(&y, annotations: w.isBehindLoadBalancer ? healthCheck : [])
            y.mapping("spec") { y in
                y.field("type", "ClusterIP")
                y.mapping("selector", fields: w.selectorLabels)
                y.sequence("ports") { y in
                    y.mapping { y in
                        y.field("name", "http")
                        y.field("port", w.service.port)
                        y.field("targetPort", "http")
                        y.field("protocol", "TCP")
                    }
                }
            }
        }
    }
}
