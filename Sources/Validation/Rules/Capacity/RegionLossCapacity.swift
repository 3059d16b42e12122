import Resilience

/// A pinned count that cannot carry the region-loss share (static) or scale to it (elastic).
public struct RegionLossCapacity: Rule {
    public static let id = "region-loss-capacity"
    public static let summary = "After losing a sibling region, survivors (standbys included) must carry — or be allowed to scale to — the load they inherit."
    public static let rationale = """
        A warm standby sized at two pods cannot take a whole market, and an autoscaler ceiling below \
        the inherited load caps recovery where it must not. Static capacity must already be there; \
        elastic capacity must at least be permitted by maxReplicas.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    perReplica: 100\n", "    perReplica: 100\n    replicas: { ↓eu-central-1: 9 }\n")),
        .triggering(("  eu-central-1:\n", "  eu-central-1:\n    role: standby\n"), ("    perReplica: 100\n", "    perReplica: 100\n    replicas: { ↓eu-central-1: 2 }\n")),
        .triggering(("    perReplica: 100\n", "    perReplica: 100\n    capacity: elastic\n    maxReplicas: { ↓eu-west-1: 8 }\n")),
        .clean(("    perReplica: 100\n", "    perReplica: 100\n    replicas: { eu-central-1: 15 }\n")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.topology.placements.compactMap { placement in
            let sizing = placement.sizing
            guard let lossNeed = sizing.regionLossNeed, let lossShare = sizing.regionLossShare,
                  let service = context.blueprint.service(placement.service) else { return nil }
            let z = placement.zones.count
            let required = ReplicaMath.zoneTolerant(need: lossNeed, zones: z, policy: placement.policy.zoneAntiAffinity)
            let elastic = service.capacity == .elastic
            let have = elastic ? sizing.hpaMax : sizing.replicas
            let pinned = elastic ? placement.maxReplicasPinned : placement.replicasPinned
            // Under required zone anti-affinity the ceiling is capped at the zone count even unpinned.
            guard have < required, pinned || placement.policy.zoneAntiAffinity == .required else { return nil }
            let key = elastic ? "maxReplicas" : "replicas"
            let what = placement.role == .standby ? "when no active region of \(placement.residencyZone) is up" : "when another region of \(placement.residencyZone) is lost"
            return Finding(
                at: "services.\(service.name).\(key).\(placement.region)",
                "\(service.name) in \(placement.region): \(key) \(have) cannot carry \(lossShare) rps \(what); it needs \(required) (\(lossNeed) pods, zone-tolerant)",
                notes: [.init("region-loss share \(lossShare) rps / \(service.perReplica) per pod = \(lossNeed) pods; surviving a zone as well needs \(required)")],
                fix: "raise \(key) for \(placement.region) to \(required), or remove the pin")
        }
    }
}
