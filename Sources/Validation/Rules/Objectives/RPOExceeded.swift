import BlueprintModel
import Diagnostics
import Resilience

/// Possible data loss above the strictest RPO objective of a datastore's users.
public struct RPOExceeded: Rule {
    public static let id = "rpo-exceeded"
    public static let summary = "A datastore's possible data loss must fit the strictest RPO of the services that use it."
    public static let rationale = """
        Data loss is set by the nearest copy that survives: a sync replica loses nothing, an async one \
        its lag, a backup everything since the last one. Daily backups behind a 15-minute RPO are a \
        promise of up to a day of lost orders.
        """
    public static let examples: [RuleExample] = [
        .triggering(("rpo: { zone: 0s, region: 5s }", "rpo: { zone: 0s, region: 500ms }"), ("  orders:\n", "  ↓orders:\n")),
        .triggering(("rpo: { zone: 0s, region: 5s }", "rpo: { zone: 0s, region: 15m }"), ("  orders:\n", "  ↓orders:\n"), ("      - { region: eu-central-1, mode: async, lag: 1s }\n", ""), ("every: 1h", "every: 1d")),
        .clean(("rpo: { zone: 0s, region: 5s }", "rpo: { zone: 0s, region: 1s }")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.explanation.rpo.compactMap { row in
            guard let limit = row.objective, !row.meetsObjective, let datastore = context.blueprint.datastore(row.result.datastore) else { return nil }
            let disruption = row.result.disruption
            if disruption == .region && RPOAsyncClaimedZero.applies(to: datastore, objective: limit) {
                return nil  // reported, more precisely, by rpo-async-claimed-zero
            }
            let lossText = row.result.loss.map { "up to \($0)" } ?? "all data since the last copy (unbounded)"
            return Finding(at: "datastores.\(datastore.name)",
                           "\(datastore.name) can lose \(lossText) in a \(disruption.rawValue) failure; objective rpo is \(limit)",
                           notes: [Note("\(disruption.rawValue) failure: \(row.result.reason)")],
                           fix: disruption == .zone ? "add a sync replica in \(datastore.primary)" : "add a replica in another region of the residency zone")
        }
    }
}
