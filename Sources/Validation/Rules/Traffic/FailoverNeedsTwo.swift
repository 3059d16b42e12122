/// `within: failover` in a residency zone without exactly one active and one standby region.
public struct FailoverNeedsTwo: Rule {
    public static let id = "failover-needs-two"
    public static let summary = "`within: failover` needs exactly one active and one standby region in every served residency zone."
    public static let rationale = """
        Route53 failover routing has one PRIMARY and one SECONDARY record. Any other shape leaves a \
        region that can never receive traffic, or a zone with nowhere to fail over to.
        """
    public static let examples: [RuleExample] = [
        .triggering(("  eu: [eu-west-1", "  ↓eu: [eu-west-1"), ("  geolocation:", "  within: failover\n  geolocation:")),
        .clean(("  eu-central-1:\n", "  eu-central-1:\n    role: standby\n"), ("  geolocation:", "  within: failover\n  geolocation:")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        guard context.blueprint.traffic?.within == .failover else { return [] }
        let served = Set(context.topology.placements.map(\.residencyZone))
        return context.blueprint.residency.filter { served.contains($0.name) }.compactMap { zone in
            let regions = zone.regions.compactMap { context.blueprint.region($0) }
            let active = regions.filter { $0.role == .active }.count
            let standby = regions.filter { $0.role == .standby }.count
            guard active != 1 || standby != 1 else { return nil }
            return Finding(at: "residency.\(zone.name)",
                           "residency zone \(zone.name) has \(active) active and \(standby) standby regions; 'within: failover' needs exactly one of each",
                           fix: "use 'within: latency' or 'weighted', or make one region active and one standby")
        }
    }
}
