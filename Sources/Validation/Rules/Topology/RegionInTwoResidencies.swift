/// A region listed under two residency zones (twice under one is the decoder's `duplicate-key`).
public struct RegionInTwoResidencies: Rule {
    public static let id = "region-in-two-residencies"
    public static let summary = "A region belongs to exactly one residency zone."
    public static let rationale = """
        A region's data is subject to one jurisdiction. Listing it twice would let one zone's users \
        and data land in a region that another zone also claims, defeating the residency promise.
        """
    public static let examples: [RuleExample] = [
        .triggering(("  eu: [eu-west-1, eu-central-1]\n", "  eu: [eu-west-1, eu-central-1]\n  de: [↓eu-central-1]\n")),
        .clean(),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        var firstZone: [String: String] = [:]
        var findings: [Finding] = []
        for zone in context.blueprint.residency {
            for (index, region) in zone.regions.enumerated() {
                if let first = firstZone[region] {
                    findings.append(Finding(at: "residency.\(zone.name)[\(index)]",
                                            "region \(region) is already in residency zone \(first)"))
                } else {
                    firstZone[region] = zone.name
                }
            }
        }
        return findings
    }
}
