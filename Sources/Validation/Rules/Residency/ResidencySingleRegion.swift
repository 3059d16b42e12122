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
        // Only api (eu) promises an RTO; the single-region us zone is served by a service that promises none.
        .clean(with: RuleExample.usZone,
               ("  rto: { zone: 5m, region: 15m }\n", ""),
               ("    uses: [orders]\n", "    uses: [orders]\n    objectives: { rto: { zone: 5m, region: 15m } }\n  reports:\n    image: registry.example/reports:1.0.0\n    port: 8080\n    demand: { us: 10 }\n    perReplica: 100\n")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        // Only zones served by a service that promises a region-failure RTO: a zone whose services
        // promise nothing about region failures (no RTO, or `rto: { zone: … }` alone, which
        // leaves region failure not promised) may well be a single-region zone by design.
        let promised = Set(context.servedPairs.compactMap { (context.objectives(of: $0.service).rto?.region ?? nil) != nil ? $0.zone : nil })
        return context.blueprint.residency.filter { promised.contains($0.name) && $0.regions.count == 1 }.map { zone in
            Finding(at: "residency.\(zone.name)",
                    "residency zone \(zone.name) has a single region (\(zone.regions[0])); a region failure cannot recover inside the zone",
                    fix: "add a second region (active or standby) to \(zone.name)")
        }
    }
}
