import BlueprintModel
import Diagnostics

/// A datastore with no residency that users of several residency zones write to.
public struct ResidencyUndeclared: Rule {
    public static let id = "residency-undeclared"
    public static let severity = Severity.warning
    public static let summary = "A datastore used from several residency zones declares where its data may live."
    public static let rationale = """
        A datastore without `residency:` is global: every residency rule leaves it alone. When the \
        services using it serve several residency zones, the users of each zone have their writes \
        land wherever the datastore writes (its primary's region), silently crossing the boundary \
        the residency zones exist to keep. A catalogue or a feature-flag store may be global on \
        purpose: say so with a waiver; otherwise declare the residency, or split the datastore \
        into one per zone.
        """
    public static let examples: [RuleExample] = [
        .triggering(with: RuleExample.usZone, ("demand: { eu: 1000 }", "demand: { eu: 1000, us: 100 }"),
                    ("    uses: [orders]\n", "    uses: [orders, sessions]\n"),
                    ("datastores:\n", "datastores:\n  ↓sessions: { primary: us-east-1, engine: dynamodb-global-table }\n")),
        .clean(with: RuleExample.usZone, ("datastores:\n", "datastores:\n  sessions: { primary: us-east-1, engine: dynamodb-global-table }\n"),
               ("    uses: [orders]\n", "    uses: [orders, sessions]\n")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        let blueprint = context.blueprint
        return blueprint.datastores.compactMap { datastore in
            guard datastore.isGlobal else { return nil }
            var zones: [String] = []
            for (service, zone) in context.servedPairs where service.uses.contains(datastore.name) && !zones.contains(zone) {
                zones.append(zone)
            }
            guard zones.count > 1 else { return nil }
            // A single-writer engine writes in its primary's region; multi-writer tables in each copy's region.
            let singleWriter = FailoverEngine.named(datastore.engine)?.hasSingleWriter ?? true
            let writeRegions = singleWriter ? [datastore.primary] : [datastore.primary] + datastore.replicas.map(\.region).filter { $0 != datastore.primary }
            var unique: [String] = []
            for region in writeRegions where !unique.contains(region) { unique.append(region) }
            let landing = unique.map { region in
                "\(region)" + (blueprint.residencyZone(ofRegion: region).map { " (\($0.name))" } ?? "")
            }.joined(separator: ", ")
            return Finding(at: "datastores.\(datastore.name)",
                           "\(datastore.name) declares no residency, yet services serving residency zones \(zones.joined(separator: ", ")) use it: their users' writes land in \(landing)",
                           fix: "declare `residency:` and give each zone its own datastore, or waive with the reason this data may cross zones")
        }
    }
}
