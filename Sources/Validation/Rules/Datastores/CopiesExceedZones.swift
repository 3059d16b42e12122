import Diagnostics

/// More copies of a datastore in its primary's region than that region has zones.
public struct CopiesExceedZones: Rule {
    public static let id = "copies-exceed-zones"
    public static let summary = "Each in-region copy of a datastore needs an availability zone of its own."
    public static let rationale = """
        A Multi-AZ standby protects against a zone loss only because it sits in another zone than \
        the primary. With more in-region copies than zones, two copies share a zone and one zone \
        loss takes both; the model would have to guess which copy survives, and the order of the \
        replica list would change the computed availability. Place at most one copy per zone.
        """
    public static let examples: [RuleExample] = [
        .triggering(("      - { region: eu-west-1, mode: sync }\n",
                     "      - { region: eu-west-1, mode: sync }\n      - { region: eu-west-1, mode: async }\n      - ↓{ region: eu-west-1, mode: sync }\n")),
        .clean(("      - { region: eu-west-1, mode: sync }\n",
                "      - { region: eu-west-1, mode: sync }\n      - { region: eu-west-1, mode: async }\n")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.blueprint.datastores.flatMap { datastore -> [Finding] in
            guard let region = context.blueprint.region(datastore.primary) else { return [] }
            let zones = region.zones.count
            var copies = 1  // the primary itself
            return datastore.replicas.enumerated().compactMap { index, replica -> Finding? in
                guard replica.region == datastore.primary else { return nil }
                copies += 1
                guard copies > zones else { return nil }
                return Finding(at: "datastores.\(datastore.name).replicas[\(index)]",
                               "\(datastore.name) has \(copies) copies in \(region.name) (the primary and \(copies - 1) in-region replicas) but the region has \(zones) zones",
                               notes: [Note("the primary takes \(region.zones.first ?? "a zone"); each in-region replica needs a further zone of its own")],
                               fix: "remove this replica, move it to another region, or add a zone to \(region.name)")
            }
        }
    }
}
