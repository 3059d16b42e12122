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

    /// `podAntiAffinity`, or nil under the default spread with no host policy.
    static func podAntiAffinity(_ w: WorkloadContext) -> YAMLValue? {
        var required: [YAMLValue] = []
        var preferred: [YAMLValue] = []
        let policy = w.service.placement
        func term(_ key: String) -> YAMLValue {
            .mapping([("labelSelector", .mapping([("matchLabels", .mapping(w.selectorLabels))])), ("topologyKey", .string(key))])
        }
        func weighted(_ key: String, _ weight: Int) -> YAMLValue {
            .mapping([("weight", .int(weight)), ("podAffinityTerm", term(key))])
        }
        switch policy.zoneAntiAffinity {
        case .required: required.append(term(zoneKey))
        case .preferred: preferred.append(weighted(zoneKey, 100))
        case .spread: break
        }
        switch policy.hostAntiAffinity {
        case .required?: required.append(term(hostKey))
        case .preferred?: preferred.append(weighted(hostKey, 50))
        case nil: break
        }
        var fields: [(String, YAMLValue)] = []
        if !required.isEmpty { fields.append(("requiredDuringSchedulingIgnoredDuringExecution", .sequence(required))) }
        if !preferred.isEmpty { fields.append(("preferredDuringSchedulingIgnoredDuringExecution", .sequence(preferred))) }
        return fields.isEmpty ? nil : .mapping(fields)
    }

    /// Required zone anti-affinity already allows one pod per zone; a zone spread constraint on
    /// top would only repeat it (or, with minDomains, contradict it when replicas < zones).
    static func keepsZoneSpread(_ w: WorkloadContext) -> Bool {
        w.service.placement.zoneAntiAffinity != .required
    }

    /// With one pod per zone there is no free zone for a surge pod: replace in place, one at a
    /// time (losing one pod is what the zone-tolerant count already absorbs).
    static func rollingUpdate(_ w: WorkloadContext) -> YAMLValue {
        let unavailable = ReplicaMath.rolloutUnavailable(w.service.placement.zoneAntiAffinity)
        if unavailable > 0 {
            return .mapping([("maxUnavailable", .int(unavailable)), ("maxSurge", .int(0))])
        }
        // Surge first, never take a serving pod away before its replacement is Ready.
        return .mapping([("maxUnavailable", .int(0)), ("maxSurge", .string("25%"))])
    }
}
