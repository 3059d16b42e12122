import Resilience

/// A pinned replica count that cannot carry the normal load after losing one zone.
public struct ZoneLossCapacity: Rule {
    public static let id = "zone-loss-capacity"
    public static let summary = "An active region's replicas must still carry its normal share after losing any one zone."
    public static let rationale = """
        Zones fail several times a year. The pods spread across the region's zones are what is left; \
        if the survivors cannot carry the normal share, the region overloads while replacements wait \
        for nodes in the remaining zones, exactly when capacity is scarcest.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    perReplica: 100\n", "    perReplica: 100\n    replicas: { ↓eu-west-1: 6 }\n")),
        .clean(("    perReplica: 100\n", "    perReplica: 100\n    replicas: { eu-west-1: 15 }\n")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.topology.placements.compactMap { placement in
            let sizing = placement.sizing
            let z = placement.zones.count
            guard placement.role == .active, placement.replicasPinned, z > 1 else { return nil }
            let tolerant = ReplicaMath.zoneTolerant(need: sizing.normalNeed, zones: z, policy: placement.policy.zoneAntiAffinity)
            guard sizing.replicas < tolerant else { return nil }
            let left = ReplicaMath.survivingPods(replicas: sizing.replicas, zones: z, downZones: 1, policy: placement.policy.zoneAntiAffinity)
            return Finding(
                at: "services.\(placement.service).replicas.\(placement.region)",
                "\(placement.service) in \(placement.region): \(sizing.replicas) replicas leave \(left) after losing a zone; the normal share needs \(sizing.normalNeed)",
                notes: [.init("normal share \(sizing.normalShare) rps / \(context.blueprint.service(placement.service)?.perReplica ?? 0) per pod = \(sizing.normalNeed) pods; with \(z) zones at most ceil(R/\(z)) pods share one zone, so R must be at least \(tolerant)")],
                fix: "pin at least \(tolerant) replicas, or remove the pin")
        }
    }
}
