import Diagnostics
import Resilience

/// A voting service that loses its quorum with one zone.
public struct QuorumZoneLoss: Rule {
    public static let id = "quorum-zone-loss"
    public static let summary = "A quorum service must keep a majority (its quorum) after losing any one zone of a region."
    public static let rationale = """
        etcd, ZooKeeper, Kafka controllers and Raft-based ledgers stop accepting writes when fewer \
        than a quorum of their members are up. Two members in one zone of a three-zone region, or \
        any group over two zones, lose the quorum with that zone: the service is down although most \
        of its pods are fine. One member per zone, over at least three zones, survives.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    perReplica: 100\n", "    perReplica: 100\n    quorum: majority\n    replicas: { ↓eu-west-1: 4, eu-central-1: 3 }\n")),
        .clean(("    perReplica: 100\n", "    perReplica: 100\n    quorum: majority\n    placement: { zoneAntiAffinity: required }\n    replicas: { eu-west-1: 3, eu-central-1: 3 }\n")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.topology.placements.compactMap { placement -> Finding? in
            guard let quorum = placement.quorum else { return nil }
            let z = placement.zones.count
            let replicas = placement.sizing.replicas
            let size = quorum.size(replicas: replicas)
            let policy = placement.policy.zoneAntiAffinity
            let running = ReplicaMath.schedulablePods(replicas: replicas, zones: z, policy: policy)
            let perZone = ReplicaMath.podsPerZone(replicas: running, zones: z, policy: policy)
            let left = ReplicaMath.survivingPods(replicas: replicas, zones: z, downZones: 1, policy: policy)
            guard left < size else { return nil }
            let service = placement.service
            let path = placement.replicasPinned ? "services.\(service).replicas.\(placement.region)" : "services.\(service).quorum"
            let spread = policy == .required ? "one per zone" : "up to ceil(\(running)/\(z)) = \(perZone) in one zone"
            return Finding(at: path,
                           "\(service) in \(placement.region): losing one zone leaves \(left) of \(replicas) members; quorum is \(size)",
                           notes: [Note("\(running) members over \(z) zones, \(spread); \(running) − \(perZone) = \(left) < \(size)")],
                           fix: z < 3 ? "run the quorum service in a region with at least 3 zones" : "place one member per zone (zoneAntiAffinity: required) with an odd count up to \(z)")
        }
    }
}
