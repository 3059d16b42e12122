import BlueprintModel

/// An availability zone that does not belong to its region (AWS zones are the region name plus a letter).
public struct ZoneOutsideRegion: Rule {
    public static let id = "zone-outside-region"
    public static let summary = "A region's availability zones must be that region's own (region name + letter)."
    public static let rationale = """
        Pods are pinned to the listed zones by node affinity. A zone from another region matches no \
        node, so every pod meant for it stays Pending and the zone-loss arithmetic counts capacity \
        that does not exist.
        """
    public static let examples: [RuleExample] = [
        .triggering(("zones: [eu-west-1a, eu-west-1b, eu-west-1c]", "zones: [eu-west-1a, eu-west-1b, ↓us-east-1c]")),
        .clean(("zones: [eu-west-1a, eu-west-1b, eu-west-1c]", "zones: [eu-west-1a, eu-west-1b]")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        var findings: [Finding] = []
        for region in context.blueprint.regions {
            // The decoder already dropped repeated zones (`duplicate-key`), so each is judged once.
            for (index, zone) in region.zones.enumerated() {
                let suffix = zone.hasPrefix(region.name) ? zone.dropFirst(region.name.count) : ""
                guard suffix.count != 1 || !suffix.allSatisfy({ $0.isLetter }) else { continue }
                let ownZones = "abcdefghijklmnopqrstuvwxyz".map { "\(region.name)\($0)" }
                let guess = Suggestion.closest(to: zone, among: ownZones)
                findings.append(Finding(at: "regions.\(region.name).zones[\(index)]", "availability zone '\(zone)' is not in region \(region.name)",
                                        fix: guess.map { "did you mean '\($0)'?" } ?? "AWS zones are the region name plus a letter, like \(region.name)a"))
            }
        }
        return findings
    }
}
