import BlueprintModel
import BlueprintYAML
import Resilience

/// apps/v1 Deployment: zone-tolerant replicas, spread over the region's zones so losing
/// one zone leaves enough pods, and rollouts that never dip below capacity.
enum DeploymentGenerator {
    static func write(_ w: WorkloadContext, configHash: String, into y: inout YAMLWriter) {
        let sizing = w.placement.sizing
        y.mapping { y in
            y.field("apiVersion", "apps/v1")
            y.field("kind", "Deployment")
            w.metadata(&y, annotations: [
                ("meridian.dev/capacity", w.service.capacity.rawValue),
                ("meridian.dev/normal-share-rps", sizing.normalShare.description),
                ("meridian.dev/provisioned-share-rps", sizing.provisionedShare.description),
                ("meridian.dev/per-replica-rps", String(w.service.perReplica)),
            ])
            y.mapping("spec") { y in
                y.field("replicas", sizing.replicas)
                y.field("revisionHistoryLimit", 5)
                w.selector(&y)
                y.mapping("strategy") { y in
                    y.field("type", "RollingUpdate")
                    PlacementAffinity.rollingUpdate(w, into: &y)
                }
                y.mapping("template") { y in
                    y.mapping("metadata") { y in
                        y.mapping("labels", fields: w.labels)
                        y.mapping("annotations", fields: [("meridian.dev/config-hash", configHash)])
                    }
                    y.mapping("spec") { podSpec(w, into: &$0) }
                }
            }
        }
    }

    static func podSpec(_ w: WorkloadContext, into y: inout YAMLWriter) {
        y.field("automountServiceAccountToken", false)
        if w.isBehindLoadBalancer {
            y.field("terminationGracePeriodSeconds", TargetDrain.terminationGracePeriodSeconds)
        }
        // A numeric UID: the kubelet refuses runAsNonRoot for an image whose USER is a name it
        // cannot verify ("non-numeric user"), and an image without USER would run as root.
        y.mapping("securityContext") { y in
            y.field("runAsNonRoot", true)
            y.field("runAsUser", w.service.runAsUser)
            y.field("runAsGroup", w.service.runAsUser)
            y.mapping("seccompProfile") { $0.field("type", "RuntimeDefault") }
        }
        y.mapping("affinity") { y in
            y.mapping("nodeAffinity") { y in
                y.mapping("requiredDuringSchedulingIgnoredDuringExecution") { y in
                    y.sequence("nodeSelectorTerms") { y in
                        y.mapping { y in
                            y.sequence("matchExpressions") { y in
                                y.mapping { y in
                                    y.field("key", PlacementAffinity.zoneKey)
                                    y.field("operator", "In")
                                    y.sequence("values", strings: w.placement.zones)
                                }
                            }
                        }
                    }
                }
            }
            PlacementAffinity.podAntiAffinity(w, into: &y)
        }
        y.sequence("topologySpreadConstraints") { y in
            // Required zone anti-affinity already keeps one pod per zone (PlacementAffinity).
            if PlacementAffinity.keepsZoneSpread(w) { zoneSpread(w, into: &y) }
            hostSpread(w, into: &y)
        }
        y.sequence("containers") { container(w, into: &$0) }
        // A read-only root file system still needs somewhere to write temporary files.
        y.sequence("volumes") { y in
            y.mapping { y in
                y.field("name", "tmp")
                y.mapping("emptyDir") { _ in }
            }
        }
    }

    /// Even placement over the region's zones that still admits new pods while any one zone is lost.
    ///
    /// PodTopologySpread (kubernetes/kubernetes#116978, KEP-3022, KEP-3094) computes the skew over
    /// the *eligible* domains: zones holding a node that matches the pod's node affinity and, with
    /// `nodeTaintsPolicy: Honor`, whose taints the pod tolerates. When a zone is lost its nodes stay
    /// registered and carry `node.kubernetes.io/unreachable:NoSchedule`, which pods do not tolerate
    /// (their default tolerations cover the NoExecute variants only); its pods stay stranded for their
    /// 300 s NoExecute toleration and are then evicted at the node lifecycle controller's rate, which
    /// stops only when every zone is down (docs/delivery.md). So:
    /// - `nodeTaintsPolicy: Honor` drops the dead zone from the domains (and its stranded pods from
    ///   the counts); with the default `Ignore` the dead zone keeps its frozen count and the
    ///   surviving zones can outgrow it by only `maxSkew`, so HPA scale-outs go Pending.
    /// - `minDomains` is at most zones − 1: with fewer eligible domains than `minDomains` the global
    ///   minimum is taken as 0 and every surviving zone that already holds a pod refuses the next one.
    ///   zones − 1 still makes a region with two empty zones wait for nodes (the autoscaler's cue)
    ///   rather than silently packing the pods into fewer zones than the zone-loss sizing assumed.
    /// Tests/validators/test_zone_loss_scheduling.py replays the scheduler's filter on every output.
    static func zoneSpread(_ w: WorkloadContext, into y: inout YAMLWriter) {
        y.mapping { y in
            y.field("maxSkew", 1)
            y.field("topologyKey", PlacementAffinity.zoneKey)
            y.field("whenUnsatisfiable", "DoNotSchedule")
            let minDomains = w.placement.zones.count - 1
            // minDomains 1 is the API's default; leave it out rather than spell it.
            if minDomains >= 2 { y.field("minDomains", minDomains) }
            y.field("nodeAffinityPolicy", "Honor")
            y.field("nodeTaintsPolicy", "Honor")
            w.selector(&y, key: "labelSelector")
            y.sequence("matchLabelKeys", strings: ["pod-template-hash"])
        }
    }

    /// Best effort across nodes: scoring only, never a reason to leave a pod Pending.
    static func hostSpread(_ w: WorkloadContext, into y: inout YAMLWriter) {
        y.mapping { y in
            y.field("maxSkew", 1)
            y.field("topologyKey", PlacementAffinity.hostKey)
            y.field("whenUnsatisfiable", "ScheduleAnyway")
            y.field("nodeTaintsPolicy", "Honor")
            w.selector(&y, key: "labelSelector")
            y.sequence("matchLabelKeys", strings: ["pod-template-hash"])
        }
    }

    static func container(_ w: WorkloadContext, into y: inout YAMLWriter) {
        // Readiness may check dependencies (a failing pod only leaves the Service's endpoints);
        // liveness and startup check the process alone, so a database failover never restarts pods.
        func readinessCheck(_ y: inout YAMLWriter) {
            y.mapping("httpGet") { y in
                y.field("path", w.service.healthPath)
                y.field("port", "http")
            }
        }
        func livenessCheck(_ y: inout YAMLWriter) {
            if let path = w.service.livenessPath {
                y.mapping("httpGet") { y in
                    y.field("path", path)
                    y.field("port", "http")
                }
            } else {
                y.mapping("tcpSocket") { $0.field("port", "http") }
            }
        }
        func probe(_ y: inout YAMLWriter, _ key: StaticString, _ check: (inout YAMLWriter) -> Void, period: Int, failures: Int) {
            y.mapping(key) { y in
                check(&y)
                y.field("periodSeconds", period)
                y.field("failureThreshold", failures)
            }
        }
        // The startup probe gives a pod twice the assumed start time before liveness may kill it.
        let startupBudget = max(1, (w.inputs.assumptions.podStartup.seconds * 2 + 4) / 5)
        y.mapping { y in
            y.field("name", w.name)
            y.field("image", w.service.image)
            y.sequence("ports") { y in
                y.mapping { y in
                    y.field("name", "http")
                    y.field("containerPort", w.service.port)
                    y.field("protocol", "TCP")
                }
            }
            y.sequence("envFrom") { y in
                y.mapping { $0.mapping("configMapRef") { $0.field("name", w.configMapName) } }
            }
            let secrets = w.service.env.compactMap { variable -> (name: String, secret: String, key: String)? in
                guard case .secret(let name, let key) = variable.value else { return nil }
                return (variable.name, name, key)
            }
            if !secrets.isEmpty {
                y.sequence("env") { y in
                    for secret in secrets {
                        y.mapping { y in
                            y.field("name", secret.name)
                            y.mapping("valueFrom") { y in
                                y.mapping("secretKeyRef") { y in
                                    y.field("name", secret.secret)
                                    y.field("key", secret.key)
                                }
                            }
                        }
                    }
                }
            }
            y.mapping("resources") { y in
                y.mapping("requests", fields: [("cpu", w.service.cpu), ("memory", w.service.memory)])
                // Memory over the request is what gets a node's pods OOM-killed; CPU is left unlimited to avoid throttling.
                y.mapping("limits", fields: [("memory", w.service.memory)])
            }
            probe(&y, "startupProbe", livenessCheck, period: 5, failures: startupBudget)
            probe(&y, "readinessProbe", readinessCheck, period: 5, failures: 3)
            probe(&y, "livenessProbe", livenessCheck, period: 10, failures: 3)
            y.mapping("securityContext") { y in
                y.field("allowPrivilegeEscalation", false)
                y.field("readOnlyRootFilesystem", true)
                y.mapping("capabilities") { $0.sequence("drop", strings: ["ALL"]) }
            }
            y.sequence("volumeMounts") { y in
                y.mapping { y in
                    y.field("name", "tmp")
                    y.field("mountPath", "/tmp")
                }
            }
            if w.isBehindLoadBalancer {
                // The kubelet's own sleep (KEP-3960, GA in Kubernetes 1.34): no shell or `sleep` binary
                // needed in the image, which distroless images lack.
                y.mapping("lifecycle") { y in
                    y.mapping("preStop") { $0.mapping("sleep") { $0.field("seconds", TargetDrain.preStopSleepSeconds) } }
                }
            }
        }
    }
}
