/// A region that serves workloads from one availability zone only.
public struct SingleZoneRegion: Rule {
    public static let id = "single-zone-region"
    public static let summary = "A serving region needs at least two availability zones."
    public static let rationale = """
        With one zone there is no zone-tolerant replica count: losing that zone is losing the \
        region, and a PodDisruptionBudget sized for the load blocks every node drain.
        """
    public static let examples: [RuleExample] = [
        .triggering(("zones: [eu-central-1a, eu-central-1b, eu-central-1c]", "↓zones: [eu-central-1a]")),
        .clean(("zones: [eu-central-1a, eu-central-1b, eu-central-1c]", "zones: [eu-central-1a, eu-central-1b]")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        let serving = Set(context.topology.servingRegions)
        return context.blueprint.regions.filter { $0.zones.count == 1 && serving.contains($0.name) }.map { region in
            Finding(at: "regions.\(region.name).zones", "region \(region.name) has a single availability zone; a zone failure takes down the whole region",
                    fix: "list at least two of the region's availability zones")
        }
    }
}
