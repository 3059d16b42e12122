/// A replica of a residency-bound datastore in a region of another residency zone.
public struct ResidencyReplicaOutside: Rule {
    public static let id = "residency-replica-outside"
    public static let summary = "Replicas of a residency-bound datastore stay in regions of its residency zone."
    public static let rationale = """
        "EU data stays in the EU" is broken the moment a replica streams it to another jurisdiction, \
        whether or not any service ever reads that copy.
        """
    public static let examples: [RuleExample] = [
        .triggering(with: RuleExample.usZone, ("      - { region: eu-central-1, mode: async, lag: 1s }\n", "      - { region: eu-central-1, mode: async, lag: 1s }\n      - ↓{ region: us-east-1, mode: async, lag: 1s }\n")),
        .clean(with: RuleExample.usZone),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.blueprint.datastores.flatMap { datastore -> [Finding] in
            guard let residency = datastore.residency else { return [] }
            return datastore.replicas.enumerated().compactMap { index, replica in
                guard let zone = context.blueprint.residencyZone(ofRegion: replica.region)?.name, zone != residency else { return nil }
                return Finding(at: "datastores.\(datastore.name).replicas[\(index)]",
                               "replica of \(datastore.name) in \(replica.region) copies \(residency) data into residency zone \(zone)",
                               fix: "replicate to a region of \(residency), or waive with the legal basis")
            }
        }
    }
}
