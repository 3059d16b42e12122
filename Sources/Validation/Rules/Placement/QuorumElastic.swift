import Diagnostics

/// A voting service whose capacity is elastic.
public struct QuorumElastic: Rule {
    public static let id = "quorum-elastic"
    public static let summary = "A quorum service has a fixed membership: it cannot be elastic."
    public static let rationale = """
        A HorizontalPodAutoscaler adds pods, not Raft/etcd/ZooKeeper voters: the new pods do not \
        join the group, and the quorum stays sized from the static replicas. Counting the \
        autoscaler's ceiling as members would promise an availability that exists only during \
        outages. Meridian counts the static replicas as the members everywhere and refuses the \
        combination; size the group with static capacity (and pinned replicas where needed).
        """
    public static let examples: [RuleExample] = [
        .triggering(("    perReplica: 100\n", "    perReplica: 100\n    capacity: elastic\n    ↓quorum: majority\n    placement: { zoneAntiAffinity: required }\n    replicas: { eu-west-1: 3, eu-central-1: 3 }\n")),
        .clean(("    perReplica: 100\n", "    perReplica: 100\n    capacity: static\n    quorum: majority\n    placement: { zoneAntiAffinity: required }\n    replicas: { eu-west-1: 3, eu-central-1: 3 }\n")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.blueprint.services.compactMap { service -> Finding? in
            guard let quorum = service.quorum, service.capacity == .elastic else { return nil }
            return Finding(at: "services.\(service.name).quorum",
                           "\(service.name) votes (quorum \(quorum.description)) but its capacity is elastic: an autoscaler adds pods, not voters",
                           notes: [Note("the members are the static replicas; availability and RTO count those, never the autoscaler's ceiling")],
                           fix: "set capacity: static for \(service.name)")
        }
    }
}
