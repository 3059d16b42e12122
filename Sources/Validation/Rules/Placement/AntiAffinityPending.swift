import Diagnostics
import Resilience

/// Required zone anti-affinity with more pods than zones: the extra pods never schedule.
public struct AntiAffinityPending: Rule {
    public static let id = "anti-affinity-pending"
    public static let summary = "Required zone anti-affinity admits one pod per zone; more replicas than zones stay Pending."
    public static let rationale = """
        `requiredDuringSchedulingIgnoredDuringExecution` pod anti-affinity on \
        `topology.kubernetes.io/zone` lets the scheduler place a pod only in a zone with no other \
        pod of the service. With more replicas than zones the rest stay Pending forever, and a \
        rollout that surges an extra pod cannot proceed. Use `preferred` or `spread` for services \
        that need more pods than zones, or fewer replicas.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    perReplica: 100\n", "    perReplica: 100\n    placement: { zoneAntiAffinity: required }\n    replicas: { ↓eu-west-1: 5, eu-central-1: 3 }\n")),
        .clean(("    perReplica: 100\n", "    perReplica: 100\n    placement: { zoneAntiAffinity: required }\n    replicas: { eu-west-1: 3, eu-central-1: 3 }\n")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.topology.placements.compactMap { placement -> Finding? in
            guard placement.policy.zoneAntiAffinity == .required else { return nil }
            let z = placement.zones.count
            let replicas = placement.sizing.replicas
            let service = placement.service
            let path = placement.replicasPinned ? "services.\(service).replicas.\(placement.region)" : "services.\(service).placement.zoneAntiAffinity"
            if replicas > z {
                let survivors = ReplicaMath.survivingPods(replicas: replicas, zones: z, downZones: 1, policy: .required)
                return Finding(at: path,
                               "\(service) in \(placement.region): \(replicas) replicas with required zone anti-affinity over \(z) zones leave \(replicas - z) pod\(replicas - z == 1 ? "" : "s") Pending",
                               notes: [Note("at most one pod per zone: \(z) run; after losing a zone \(survivors) remain")],
                               fix: "use zoneAntiAffinity: preferred (or spread), or at most \(z) replicas")
            }
            if placement.maxReplicasPinned && placement.sizing.hpaMax > z {
                return Finding(at: "services.\(service).maxReplicas.\(placement.region)",
                               "\(service) in \(placement.region): autoscaler ceiling \(placement.sizing.hpaMax) with required zone anti-affinity over \(z) zones would leave \(placement.sizing.hpaMax - z) pods Pending",
                               fix: "cap maxReplicas at \(z), or relax zoneAntiAffinity")
            }
            return nil
        }
    }
}
