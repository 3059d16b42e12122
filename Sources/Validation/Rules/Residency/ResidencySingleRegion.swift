/// A served residency zone with one region while a region-failure RTO is promised.
public struct ResidencySingleRegion: Rule {
    public static let id = "residency-single-region"
    public static let summary = "A residency zone needs a second region when the blueprint promises a region-failure RTO."
    public static let rationale = """
        Users of a zone are served only by that zone's regions. With one region, a region failure \
        has nowhere to go but abroad — which residency forbids — so the RTO cannot be met at all.
        """
    public static let examples: [RuleExample] = [
        .triggering(("  eu: [eu-west-1, eu-central-1]", "  ↓eu: [eu-west-1]")),
        .clean(("  rto: { zone: 5m, region: 15m }\n", ""), ("  eu: [eu-west-1, eu-central-1]", "  eu: [eu-west-1]")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        let served = Set(context.topology.placements.map(\.residencyZone))
        let promised = context.blueprint.services.contains { context.objectives(of: $0).rto != nil }
        guard promised else { return [] }
        return context.blueprint.residency.filter { served.contains($0.name) && $0.regions.count == 1 }.map { zone in
            Finding(at: "residency.\(zone.name)",
                    "residency zone \(zone.name) has a single region (\(zone.regions[0])); a region failure cannot recover inside the zone",
                    fix: "add a second region (active or standby) to \(zone.name)")
        }
    }
}
