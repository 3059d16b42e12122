import Diagnostics
import Resilience

/// A PodDisruptionBudget that lets every pod go at once.
public struct PDBProtectsNothing: Rule {
    public static let id = "pdb-protects-nothing"
    public static let severity = Severity.warning
    public static let summary = "A PodDisruptionBudget must keep at least one pod through voluntary disruptions."
    public static let rationale = """
        When maxUnavailable equals the replica count, a node drain or a cluster autoscaler \
        consolidation may evict every pod at the same time. For a standby region that serves no \
        traffic the model protects nothing, yet those pods are the warm capacity the failover is \
        timed against: a drain that empties the standby just before the active region fails turns \
        the RTO into a cold start.
        """
    public static let examples: [RuleExample] = [
        .triggering(("  eu-central-1:\n", "  eu-central-1:\n    role: standby\n"),
                    ("    perReplica: 100\n", "    perReplica: 100\n    ↓capacity: elastic\n")),
        .clean(("  eu-central-1:\n", "  eu-central-1:\n    role: standby\n")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.topology.placements.compactMap { placement in
            let sizing = placement.sizing
            guard sizing.replicas > 0, sizing.pdbMaxUnavailable >= sizing.replicas else { return nil }
            // A pin below the provisioned need is the capacity rules' finding; raising it fixes both.
            if placement.replicasPinned && sizing.replicas < sizing.provisionedNeed { return nil }
            let service = context.blueprint.service(placement.service)
            let elastic = service?.capacity == .elastic
            let path = placement.replicasPinned
                ? "services.\(placement.service).replicas.\(placement.region)"
                : elastic ? "services.\(placement.service).capacity" : "regions.\(placement.region).role"
            return Finding(
                at: path,
                "\(placement.service) in \(placement.region): the PodDisruptionBudget allows all \(sizing.replicas) pods to be evicted at once (maxUnavailable \(sizing.pdbMaxUnavailable))",
                notes: [.init("maxUnavailable = replicas - need(protected share) = \(sizing.replicas) - \(sizing.replicas - sizing.pdbMaxUnavailable); the protected share is \(sizing.protectedShare) rps")],
                fix: elastic
                    ? "make the service `capacity: static` so the \(placement.role.rawValue) region keeps the share it must take over"
                    : "give the region at least the replicas its region-loss share needs")
        }
    }
}
