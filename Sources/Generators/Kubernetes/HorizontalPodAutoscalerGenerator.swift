import BlueprintYAML
import Resilience

/// autoscaling/v2 HorizontalPodAutoscaler: never below the zone-tolerant count, up to what
/// the region must carry when a neighbour region is lost.
///
/// The CPU metric comes from the metrics.k8s.io API (metrics-server). Without it the HPA reports
/// ScalingActive=False/FailedGetResourceMetric, which Argo CD's built-in HPA health check maps to
/// Degraded (argoproj/argo-cd#6287, #26274): the Application never turns Healthy and RollingSync
/// stops before the next wave. The ApplicationSet header says so too.
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
                ("behavior", .mapping([("scaleUp", scaleUp)])),
            ])),
        ])
    }

    /// The scale-up policy the RTO's scale term assumes, written out so the cluster cannot
    /// differ from the figure. These are the Kubernetes defaults (double, or four more pods, per
    /// 15 s period, no stabilization; the HPA walkthrough "Default Behavior"); the API
    /// reference's field text still says 60 s, so spelling them out also removes that doubt.
    static let scaleUp: YAMLValue = {
        typealias Policy = RecoveryModel.ScaleUpPolicy
        return .mapping([
            ("stabilizationWindowSeconds", .int(0)),
            ("selectPolicy", .string("Max")),
            ("policies", .sequence([
                .mapping([("type", .string("Percent")), ("value", .int(Policy.percent)), ("periodSeconds", .int(Policy.periodSeconds))]),
                .mapping([("type", .string("Pods")), ("value", .int(Policy.pods)), ("periodSeconds", .int(Policy.periodSeconds))]),
            ])),
        ])
    }()
}
