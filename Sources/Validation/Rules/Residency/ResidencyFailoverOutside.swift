import BlueprintModel

/// A datastore whose only copies outside its primary region are abroad.
public struct ResidencyFailoverOutside: Rule {
    public static let id = "residency-failover-outside"
    public static let summary = "A residency zone's data must be able to fail over inside the zone."
    public static let rationale = """
        When every replica or backup beyond the primary's region sits in another residency zone, \
        losing the region leaves two choices: stay down, or restore the data abroad. Neither is a \
        plan a regulator or a customer accepts.
        """
    public static let examples: [RuleExample] = [
        .triggering(with: RuleExample.usZone, ("  orders:\n", "  ↓orders:\n"), ("{ region: eu-central-1, mode: async, lag: 1s }", "{ region: us-east-1, mode: async, lag: 1s }"), ("regions: [eu-central-1] }", "regions: [us-east-1] }")),
        .clean(with: RuleExample.usZone, ("regions: [eu-central-1] }", "regions: [eu-central-1] }")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.blueprint.datastores.compactMap { datastore in
            guard let residency = datastore.residency else { return nil }
            let elsewhere = datastore.replicas.map(\.region) + (datastore.backups?.regions ?? [])
            let copies = elsewhere.filter { $0 != datastore.primary }
            let inside = copies.filter { context.blueprint.residencyZone(ofRegion: $0)?.name == residency }
            guard !copies.isEmpty, inside.isEmpty else { return nil }
            let abroad = Array(Set(copies)).sorted().joined(separator: ", ")
            return Finding(at: "datastores.\(datastore.name)",
                           "\(datastore.name) can only fail over abroad: its copies outside \(datastore.primary) are in \(abroad), outside residency zone \(residency)",
                           fix: "add a replica or backup region inside \(residency)")
        }
    }
}
