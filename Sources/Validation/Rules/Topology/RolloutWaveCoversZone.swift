import Diagnostics

/// One rollout wave that holds every region of a multi-region residency zone.
public struct RolloutWaveCoversZone: Rule {
    public static let id = "rollout-wave-covers-zone"
    public static let severity = Severity.warning
    public static let summary = "A residency zone with several regions should not put all of them in one rollout wave."
    public static let rationale = """
        Waves exist so a bad release is caught in some regions before it reaches the rest. If one wave \
        holds every region of a zone, that zone's users meet the bad release everywhere at once and \
        there is no healthy region left to fail over to.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    wave: 2\n", ""), ("  eu-west-1:\n", "  eu-west-1:\n    wave: 1\n"), ("  eu: [eu-west-1", "  ↓eu: [eu-west-1")),
        .clean(),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        // Derived waves (no region states one) never hold a whole zone: RolloutPlan.conflict.
        guard context.blueprint.regions.contains(where: \.waveStated) else { return [] }
        return context.blueprint.residency.compactMap { zone in
            let regions = zone.regions.compactMap { context.blueprint.region($0) }
            guard regions.count >= 2, let wave = regions.first?.wave, regions.allSatisfy({ $0.wave == wave }) else { return nil }
            return Finding(at: "residency.\(zone.name)",
                           "every region of residency zone \(zone.name) (\(regions.map(\.name).joined(separator: ", "))) is in rollout wave \(wave); a bad release reaches all of them at once",
                           fix: "give one of them a later 'wave'")
        }
    }
}
