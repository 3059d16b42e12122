import BlueprintModel
import Resilience

/// A computed replica count past the bound a pinned count has: the same limit on every input path.
public struct ReplicasOutOfRange: Rule {
    public static let id = "replicas-out-of-range"
    public static let summary = "The replicas (or autoscaler ceiling) computed for one region must stay within the bound a pinned count has: 100,000."
    public static let rationale = """
        Replica counts are computed from demand and perReplica, and a typo there (perReplica: 1) \
        yields a Deployment of a billion pods that Kubernetes cannot schedule: a cluster supports \
        at most 150,000 pods ("Considerations for large clusters"), and a pinned replicas or \
        maxReplicas value is refused above 100,000 for that reason (docs/limits.md). A computed \
        count gets the same bound, reported at the demand that drives it, never rounded or capped.
        """
    public static let examples: [RuleExample] = [
        // 1e9 rps over 2 active regions, 2 rps per pod: 500,000,000 pods per region before any zone margin.
        .triggering(("demand: { eu: 1000 }", "demand: { ↓eu: 1000000000 }"), ("perReplica: 100\n", "perReplica: 2\n")),
        .clean(("demand: { eu: 1000 }", "demand: { eu: 1000000 }")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        let bound = Limits.pinnedReplicas.upperBound
        return context.topology.placements.compactMap { placement in
            let sizing = placement.sizing
            let largest = max(sizing.replicas, sizing.hpaMax)
            guard largest > bound, let service = context.blueprint.service(placement.service) else { return nil }
            let what = sizing.hpaMax > sizing.replicas ? "autoscaler ceiling (maxReplicas)" : "replicas"
            return Finding(
                at: "services.\(service.name).demand.\(placement.residencyZone)",
                "\(service.name) in \(placement.region): the computed \(what) \(largest) exceeds \(bound), the most one region's cluster is given",
                notes: [.init("\(service.name) carries up to \(sizing.regionLossShare ?? sizing.normalShare) rps in \(placement.region) at \(service.perReplica) rps per pod")],
                fix: "check demand and perReplica (requests/s per pod), or spread \(placement.residencyZone) over more regions")
        }
    }
}
