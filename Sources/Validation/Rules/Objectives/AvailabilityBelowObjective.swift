import Diagnostics
import Resilience

/// Computed steady-state availability below the objective.
public struct AvailabilityBelowObjective: Rule {
    public static let id = "availability-below-objective"
    public static let summary = "Each service must meet its availability objective in every residency zone it serves."
    public static let rationale = """
        The figure is exact: every state of the regions and availability zones involved is weighed, \
        so components sharing a region are not counted as independent. A topology that misses its \
        number on paper misses it in production, only later and more expensively.
        """
    public static let examples: [RuleExample] = [
        .triggering(("availability: 99.9%", "availability: 99.99999%"), ("demand: { eu: 1000 }", "demand: { ↓eu: 1000 }")),
        .triggering(("availability: 99.9%", "availability: 99.99%"), ("failover: { automatic: true,", "failover: { automatic: false,"), ("demand: { eu: 1000 }", "demand: { ↓eu: 1000 }")),
        .clean(("availability: 99.9%", "availability: 99.99%")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.explanation.availability.compactMap { row in
            guard let objective = row.objective, !row.meetsObjective else { return nil }
            let allowed = (1 - objective.fraction) * 525_600
            return Finding(
                at: "services.\(row.service).demand.\(row.residencyZone)",
                "\(row.service) in \(row.residencyZone): availability \(AvailabilityModel.percent(row.availability)) is below the objective \(objective)",
                notes: [
                    Note("downtime \(AvailabilityModel.minutes(row.downtimeMinutesPerYear)) > allowed \(AvailabilityModel.minutes(allowed))"),
                    Note("compute \(AvailabilityModel.percent(row.compute)), data \(AvailabilityModel.percent(row.data)), over regions \(row.regions.joined(separator: ", "))"),
                    Note("assumes region up \(context.blueprint.assumptions.regionAvailability), availability zone up \(context.blueprint.assumptions.zoneAvailability)"),
                ],
                fix: "add a region, a cross-region replica with automatic failover, or static capacity")
        }
    }
}
