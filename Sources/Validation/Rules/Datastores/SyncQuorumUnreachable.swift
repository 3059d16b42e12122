import Diagnostics
import Resilience

/// `syncQuorum` larger than the sync replicas that can acknowledge a commit.
public struct SyncQuorumUnreachable: Rule {
    public static let id = "sync-quorum-unreachable"
    public static let summary = "syncQuorum cannot exceed the sync replicas outside the primary's region."
    public static let rationale = """
        `syncQuorum: N` makes every commit wait for N acknowledgements from sync replicas in \
        other regions than the primary's. With fewer such replicas than N no commit can ever \
        complete, even with every region up: the datastore never accepts a write. Meridian counts \
        it as never available; lower syncQuorum or add sync replicas in other regions.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    failover: { automatic: true,", "    ↓syncQuorum: 2\n    failover: { automatic: true,"),
                    ("      - { region: eu-central-1, mode: async, lag: 1s }", "      - { region: eu-central-1, mode: sync }")),
        .clean(("    failover: { automatic: true,", "    syncQuorum: 1\n    failover: { automatic: true,"),
               ("      - { region: eu-central-1, mode: async, lag: 1s }", "      - { region: eu-central-1, mode: sync }")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.blueprint.datastores.compactMap { datastore -> Finding? in
            let copies = DatastoreCopies(datastore, blueprint: context.blueprint)
            guard copies.quorumUnreachable else { return nil }
            let voters = copies.syncRegions
            return Finding(at: "datastores.\(datastore.name).syncQuorum",
                           "\(datastore.name) waits for \(copies.syncQuorum) sync acknowledgements per commit but has \(voters.count) sync replicas outside \(datastore.primary)",
                           notes: [Note("sync replicas that can acknowledge: \(voters.isEmpty ? "none" : voters.joined(separator: ", ")); \(voters.count) < \(copies.syncQuorum), so no commit ever completes")],
                           fix: voters.isEmpty ? "remove syncQuorum, or add a sync replica in another region" : "set syncQuorum to at most \(voters.count)")
        }
    }
}
