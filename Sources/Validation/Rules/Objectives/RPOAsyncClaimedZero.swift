import BlueprintModel
import Diagnostics
import Resilience

/// A zero region RPO promised over asynchronous replication only.
public struct RPOAsyncClaimedZero: Rule {
    public static let id = "rpo-async-claimed-zero"
    public static let summary = "Zero data loss on a region failure needs a synchronous replica in another region."
    public static let rationale = """
        Asynchronous replication acknowledges a write before the replica has it. When the primary's \
        region is lost, whatever was in flight — up to the replication lag — is gone. Selling that as \
        zero RPO is the most common false promise in multi-region designs.
        """
    public static let examples: [RuleExample] = [
        .triggering(("rpo: { zone: 0s, region: 5s }", "rpo: 0s"), ("      - { region: eu-central-1, mode: async", "      - ↓{ region: eu-central-1, mode: async")),
        .clean(("rpo: { zone: 0s, region: 5s }", "rpo: 0s"), ("{ region: eu-central-1, mode: async, lag: 1s }", "{ region: eu-central-1, mode: sync }")),
    ]

    public init() {}

    /// The region objective is 0s and every replica outside the primary's region is async.
    static func applies(to datastore: Datastore, objective: Duration) -> Bool {
        let remote = datastore.replicas.filter { $0.region != datastore.primary }
        return objective == .zero && !remote.isEmpty && remote.allSatisfy { $0.mode == .async }
    }

    public func check(_ context: ValidationContext) -> [Finding] {
        context.explanation.rpo.filter { $0.result.disruption == .region }.flatMap { row -> [Finding] in
            guard let objective = row.objective, let datastore = context.blueprint.datastore(row.result.datastore),
                  Self.applies(to: datastore, objective: objective) else { return [] }
            return datastore.replicas.enumerated().compactMap { index, replica in
                guard replica.region != datastore.primary else { return nil }
                return Finding(at: "datastores.\(datastore.name).replicas[\(index)]",
                               "async replication to \(replica.region) loses up to \(replica.lag); objective rpo is 0s",
                               notes: [Note("a region failure of \(datastore.primary) loses the writes not yet replicated")],
                               fix: "make a replica in another region sync, or state the real region RPO (\(replica.lag))")
            }
        }
    }
}
