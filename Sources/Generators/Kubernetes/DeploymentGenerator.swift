import BlueprintModel
import BlueprintYAML
import Resilience

/// apps/v1 Deployment: zone-tolerant replicas, spread over the region's zones so losing
/// one zone leaves enough pods, and rollouts that never dip below capacity.
enum DeploymentGenerator {
    static func make(_ w: WorkloadContext, configHash: String) -> YAMLValue {
        let sizing = w.placement.sizing
        let spreadSelector = YAMLValue.mapping([("matchLabels", .mapping(w.selectorLabels))])
        // Required zone anti-affinity already keeps one pod per zone (PlacementAffinity).
        let spread: YAMLValue = .sequence(Array([zoneSpread(w, selector: spreadSelector), hostSpread(selector: spreadSelector)]
            .dropFirst(PlacementAffinity.keepsZoneSpread(w) ? 0 : 1)))
        let affinity: YAMLValue = .mapping([
            ("nodeAffinity", .mapping([
                ("requiredDuringSchedulingIgnoredDuringExecution", .mapping([
                    ("nodeSelectorTerms", .sequence([.mapping([
                        ("matchExpressions", .sequence([.mapping([
                            ("key", .string("topology.kubernetes.io/zone")),
                            ("operator", .string("In")),
                            ("values", .sequence(w.placement.zones.map { .string($0) })),
                        ])])),
                    ])])),
                ])),
            ])),
        ] + (PlacementAffinity.podAntiAffinity(w).map { [("podAntiAffinity", $0)] } ?? []))
        var podFields: [(String, YAMLValue)] = [("automountServiceAccountToken", .bool(false))]
        if w.isBehindLoadBalancer {
            podFields.append(("terminationGracePeriodSeconds", .int(TargetDrain.terminationGracePeriodSeconds)))
        }
        let podSpec: YAMLValue = .mapping(podFields + [
            // A numeric UID: the kubelet refuses runAsNonRoot for an image whose USER is a name it
            // cannot verify ("non-numeric user"), and an image without USER would run as root.
            ("securityContext", .mapping([
                ("runAsNonRoot", .bool(true)),
                ("runAsUser", .int(w.service.runAsUser)),
                ("runAsGroup", .int(w.service.runAsUser)),
                ("seccompProfile", .mapping([("type", .string("RuntimeDefault"))])),
            ])),
            ("affinity", affinity),
            ("topologySpreadConstraints", spread),
            ("containers", .sequence([container(w)])),
            // A read-only root file system still needs somewhere to write temporary files.
            ("volumes", .sequence([.mapping([("name", .string("tmp")), ("emptyDir", .mapping([]))])])),
        ])
        return .mapping([
            ("apiVersion", .string("apps/v1")),
            ("kind", .string("Deployment")),
            ("metadata", .mapping([
                ("name", .string(w.name)),
                ("namespace", .string(w.namespace)),
                ("labels", .mapping(w.labels)),
                ("annotations", .mapping([
                    ("meridian.dev/capacity", .string(w.service.capacity.rawValue)),
                    ("meridian.dev/normal-share-rps", .string(sizing.normalShare.description)),
                    ("meridian.dev/provisioned-share-rps", .string(sizing.provisionedShare.description)),
                    ("meridian.dev/per-replica-rps", .string(String(w.service.perReplica))),
                ])),
            ])),
            ("spec", .mapping([
                ("replicas", .int(sizing.replicas)),
                ("revisionHistoryLimit", .int(5)),
                ("selector", w.selector),
                ("strategy", .mapping([
                    ("type", .string("RollingUpdate")),
                    ("rollingUpdate", PlacementAffinity.rollingUpdate(w)),
                ])),
                ("template", .mapping([
                    ("metadata", .mapping([
                        ("labels", .mapping(w.labels)),
                        ("annotations", .mapping([("meridian.dev/config-hash", .string(configHash))])),
                    ])),
                    ("spec", podSpec),
                ])),
            ])),
        ])
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
    static func zoneSpread(_ w: WorkloadContext, selector: YAMLValue) -> YAMLValue {
        var fields: [(String, YAMLValue)] = [
            ("maxSkew", .int(1)),
            ("topologyKey", .string("topology.kubernetes.io/zone")),
            ("whenUnsatisfiable", .string("DoNotSchedule")),
        ]
        let minDomains = w.placement.zones.count - 1
        // minDomains 1 is the API's default; leave it out rather than spell it.
        if minDomains >= 2 { fields.append(("minDomains", .int(minDomains))) }
        fields += [
            ("nodeAffinityPolicy", .string("Honor")),
            ("nodeTaintsPolicy", .string("Honor")),
            ("labelSelector", selector),
            ("matchLabelKeys", .sequence([.string("pod-template-hash")])),
        ]
        return .mapping(fields)
    }

    /// Best effort across nodes: scoring only, never a reason to leave a pod Pending.
    static func hostSpread(selector: YAMLValue) -> YAMLValue {
        .mapping([
            ("maxSkew", .int(1)),
            ("topologyKey", .string("kubernetes.io/hostname")),
            ("whenUnsatisfiable", .string("ScheduleAnyway")),
            ("nodeTaintsPolicy", .string("Honor")),
            ("labelSelector", selector),
            ("matchLabelKeys", .sequence([.string("pod-template-hash")])),
        ])
    }

    static func container(_ w: WorkloadContext) -> YAMLValue {
        // Readiness may check dependencies (a failing pod only leaves the Service's endpoints);
        // liveness and startup check the process alone, so a database failover never restarts pods.
        let readinessCheck: (String, YAMLValue) = ("httpGet", .mapping([("path", .string(w.service.healthPath)), ("port", .string("http"))]))
        let livenessCheck: (String, YAMLValue) = w.service.livenessPath.map {
            ("httpGet", .mapping([("path", .string($0)), ("port", .string("http"))]))
        } ?? ("tcpSocket", .mapping([("port", .string("http"))]))
        let probe = { (check: (String, YAMLValue), period: Int, failures: Int) -> YAMLValue in
            .mapping([check, ("periodSeconds", .int(period)), ("failureThreshold", .int(failures))])
        }
        // The startup probe gives a pod twice the assumed start time before liveness may kill it.
        let startupBudget = max(1, (w.inputs.assumptions.podStartup.seconds * 2 + 4) / 5)
        var fields: [(String, YAMLValue)] = [
            ("name", .string(w.name)),
            ("image", .string(w.service.image)),
            ("ports", .sequence([.mapping([
                ("name", .string("http")), ("containerPort", .int(w.service.port)), ("protocol", .string("TCP")),
            ])])),
            ("envFrom", .sequence([.mapping([("configMapRef", .mapping([("name", .string(w.configMapName))]))])])),
        ]
        let secrets = w.service.env.compactMap { variable -> YAMLValue? in
            guard case .secret(let name, let key) = variable.value else { return nil }
            return .mapping([
                ("name", .string(variable.name)),
                ("valueFrom", .mapping([("secretKeyRef", .mapping([("name", .string(name)), ("key", .string(key))]))])),
            ])
        }
        if !secrets.isEmpty { fields.append(("env", .sequence(secrets))) }
        fields += [
            ("resources", .mapping([
                ("requests", .mapping([("cpu", .string(w.service.cpu)), ("memory", .string(w.service.memory))])),
                // Memory over the request is what gets a node's pods OOM-killed; CPU is left unlimited to avoid throttling.
                ("limits", .mapping([("memory", .string(w.service.memory))])),
            ])),
            ("startupProbe", probe(livenessCheck, 5, startupBudget)),
            ("readinessProbe", probe(readinessCheck, 5, 3)),
            ("livenessProbe", probe(livenessCheck, 10, 3)),
            ("securityContext", .mapping([
                ("allowPrivilegeEscalation", .bool(false)),
                ("readOnlyRootFilesystem", .bool(true)),
                ("capabilities", .mapping([("drop", .sequence([.string("ALL")]))])),
            ])),
            ("volumeMounts", .sequence([.mapping([("name", .string("tmp")), ("mountPath", .string("/tmp"))])])),
        ]
        if w.isBehindLoadBalancer {
            // The kubelet's own sleep (KEP-3960, GA in Kubernetes 1.34): no shell or `sleep` binary
            // needed in the image, which distroless images lack.
            fields.append(("lifecycle", .mapping([("preStop", .mapping([
                ("sleep", .mapping([("seconds", .int(TargetDrain.preStopSleepSeconds))])),
            ]))])))
        }
        return .mapping(fields)
    }
}
