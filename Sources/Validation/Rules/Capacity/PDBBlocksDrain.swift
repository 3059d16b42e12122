/// A PodDisruptionBudget that allows no eviction at all.
public struct PDBBlocksDrain: Rule {
    public static let id = "pdb-blocks-drain"
    public static let summary = "A PodDisruptionBudget must allow at least one pod to be evicted."
    public static let rationale = """
        With maxUnavailable 0, `kubectl drain` waits forever: node upgrades, patching and cluster \
        autoscaler scale-downs stall until someone deletes the budget by hand, usually during an incident.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    perReplica: 100\n", "    perReplica: 100\n    replicas: { ↓eu-west-1: 10 }\n")),
        .clean(("    perReplica: 100\n", "    perReplica: 100\n    replicas: { eu-west-1: 16 }\n")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.topology.placements.compactMap { placement in
            guard placement.sizing.pdbMaxUnavailable == 0 else { return nil }
            let path = placement.replicasPinned
                ? "services.\(placement.service).replicas.\(placement.region)"
                : placement.zones.count == 1 ? "regions.\(placement.region).zones" : "services.\(placement.service)"
            return Finding(
                at: path,
                "\(placement.service) in \(placement.region): the PodDisruptionBudget allows no eviction (\(placement.sizing.replicas) replicas, \(placement.sizing.provisionedNeed) needed), so every node drain blocks",
                notes: [.init("maxUnavailable = replicas - need(protected share) = \(placement.sizing.replicas) - \(placement.sizing.replicas - placement.sizing.pdbMaxUnavailable) = 0")],
                fix: placement.zones.count == 1 ? "spread the region over more availability zones" : "give the region more replicas than its share needs")
        }
    }
}
