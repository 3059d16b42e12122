/// A declared region that no residency zone lists.
public struct RegionWithoutResidency: Rule {
    public static let id = "region-without-residency"
    public static let summary = "Every region must belong to a residency zone."
    public static let rationale = """
        Residency decides which users a region serves and which data it may hold. A region outside \
        every residency zone would receive no traffic and no workloads, or worse, data with no \
        jurisdiction.
        """
    public static let examples: [RuleExample] = [
        .triggering(("  eu: [eu-west-1, eu-central-1]", "  eu: [eu-west-1]"), ("  eu-central-1:\n", "  ↓eu-central-1:\n")),
        .clean(),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        let listed = Set(context.blueprint.residency.flatMap(\.regions))
        return context.blueprint.regions.filter { !listed.contains($0.name) }.map { region in
            Finding(at: "regions.\(region.name)", "region \(region.name) belongs to no residency zone",
                    fix: "add it to one of the lists under 'residency'")
        }
    }
}
