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
    static func write(_ w: WorkloadContext, into y: inout YAMLWriter) {
        y.mapping { y in
            y.field("apiVersion", "autoscaling/v2")
            y.field("kind", "HorizontalPodAutoscaler")
            w.metadata(&y)
            y.mapping("spec") { y in
                y.mapping("scaleTargetRef", fields: [("apiVersion", "apps/v1"), ("kind", "Deployment"), ("name", w.name)])
                y.field("minReplicas", w.placement.sizing.hpaMin)
                y.field("maxReplicas", w.placement.sizing.hpaMax)
                y.sequence("metrics") { y in
                    y.mapping { y in
                        y.field("type", "Resource")
                        y.mapping("resource") { y in
                            y.field("name", "cpu")
                            y.mapping("target") { y in
                                y.field("type", "Utilization")
                                y.field("averageUtilization", w.service.targetCPU)
                            }
                        }
                    }
                }
                y.mapping("behavior") { scaleUp(&$0) }
            }
        }
    }

    /// `scaleUp:`, the scale-up policy the RTO's scale term assumes, written out so the cluster cannot
    /// differ from the figure. These are the Kubernetes defaults (double, or four more pods, per
    /// 15 s period, no stabilization; the HPA walkthrough "Default Behavior"); the API
    /// reference's field text still says 60 s, so spelling them out also removes that doubt.
    static func scaleUp(_ y: inout YAMLWriter) {
        typealias Policy = RecoveryModel.ScaleUpPolicy
        y.mapping("scaleUp") { y in
            y.field("stabilizationWindowSeconds", 0)
            y.field("selectPolicy", "Max")
            y.sequence("policies") { y in
                for (type, value) in [("Percent", Policy.percent), ("Pods", Policy.pods)] {
                    y.mapping { y in
                        y.field("type", type)
                        y.field("value", value)
                        y.field("periodSeconds", Policy.periodSeconds)
                    }
                }
            }
        }
    }
}
