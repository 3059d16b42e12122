import BlueprintModel
import BlueprintYAML
import Resilience

/// The pod anti-affinity a service's placement policy asks for, and what it changes in the
/// Deployment around it.
///
/// Kubernetes semantics relied on (API reference, PodAntiAffinity / PodAffinityTerm): a required
/// term on `topology.kubernetes.io/zone` admits a pod only into a zone holding no pod that
/// matches the selector, so at most one pod per zone; a preferred term only scores zones.
enum PlacementAffinity {
    static let zoneKey = "topology.kubernetes.io/zone"
    static let hostKey = "kubernetes.io/hostname"

    /// `podAntiAffinity:`, written only when the placement asks for a term (not under the
    /// default spread with no host policy).
    static func podAntiAffinity(_ w: WorkloadContext, into y: inout YAMLWriter) {
        var required: [String] = []
        var preferred: [(key: String, weight: Int)] = []
        let policy = w.service.placement
        switch policy.zoneAntiAffinity {
        case .required: required.append(zoneKey)
        case .preferred: preferred.append((zoneKey, 100))
        case .spread: break
        }
        switch policy.hostAntiAffinity {
        case .required?: required.append(hostKey)
        case .preferred?: preferred.append((hostKey, 50))
        case nil: break
        }
        guard !required.isEmpty || !preferred.isEmpty else { return }
        func term(_ y: inout YAMLWriter, _ key: String) {
            y.mapping { y in
                w.selector(&y, key: "labelSelector")
                y.field("topologyKey", key)
            }
        }
        y.mapping("podAntiAffinity") { y in
            if !required.isEmpty {
                y.sequence("requiredDuringSchedulingIgnoredDuringExecution") { y in
                    for key in required { term(&y, key) }
                }
            }
            if !preferred.isEmpty {
                y.sequence("preferredDuringSchedulingIgnoredDuringExecution") { y in
                    for (key, weight) in preferred {
                        y.mapping { y in
                            y.field("weight", weight)
                            y.key("podAffinityTerm")
                            term(&y, key)
                        }
                    }
                }
            }
        }
    }

    /// Required zone anti-affinity already allows one pod per zone; a zone spread constraint on
    /// top would only repeat it (or, with minDomains, contradict it when replicas < zones).
    static func keepsZoneSpread(_ w: WorkloadContext) -> Bool {
        w.service.placement.zoneAntiAffinity != .required
    }

    /// `rollingUpdate:`. With one pod per zone there is no free zone for a surge pod: replace in
    /// place, one at a time (losing one pod is what the zone-tolerant count already absorbs).
    static func rollingUpdate(_ w: WorkloadContext, into y: inout YAMLWriter) {
        let unavailable = ReplicaMath.rolloutUnavailable(w.service.placement.zoneAntiAffinity)
        y.mapping("rollingUpdate") { y in
            if unavailable > 0 {
                y.field("maxUnavailable", unavailable)
                y.field("maxSurge", 0)
            } else {
                // Surge first, never take a serving pod away before its replacement is Ready.
                y.field("maxUnavailable", 0)
                y.field("maxSurge", "25%")
            }
        }
    }
}
