import BlueprintModel
import Diagnostics
import Resilience

/// A cross-region failover that waits for a person, under a region RTO objective below 15
/// minutes, without Route 53 ARC routing controls.
public struct ARCRecommended: Rule {
    public static let id = "arc-recommended"
    public static let severity = Severity.note
    public static let summary = "A manual cross-region failover under a region RTO below 15 minutes should be one call to Route 53 ARC's data plane (`traffic.routingControl: arc`)."
    public static let rationale = """
        When a person decides a failover, carrying it out without ARC means editing Route 53 records \
        (compile, terraform apply): Route 53's control plane, which AWS advises not to depend on \
        during an event. With `traffic.routingControl: arc` the decision is one \
        update-routing-control-states call to ARC's data plane, served by five regional endpoints. \
        Below 15 minutes there is no room for a change that may not go through.
        """
    public static let examples: [RuleExample] = [
        .triggering(("rto: { zone: 5m, region: 15m }", "rto: { zone: 5m, region: 10m }"),
                    ("    failover: { automatic: true,", "    ↓failover: { automatic: false,")),
        .clean(("rto: { zone: 5m, region: 15m }", "rto: { zone: 5m, region: 10m }"),
               ("    failover: { automatic: true,", "    failover: { automatic: false,"),
               ("  geolocation: { EU: eu, default: eu }", "  geolocation: { EU: eu, default: eu }\n  routingControl: arc")),
        .clean(("rto: { zone: 5m, region: 15m }", "rto: { zone: 5m, region: 10m }")),
    ]

    /// Where a decision carried out through Route 53's control plane is too slow a bet.
    static let threshold = Duration.minutes(15)

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        let blueprint = context.blueprint
        guard let traffic = blueprint.traffic, traffic.routingControl != .arc else { return [] }
        return blueprint.datastores.compactMap { datastore in
            let crossRegion = datastore.replicas.contains { $0.region != datastore.primary && blueprint.isInsideResidency(of: datastore, $0.region) }
            let decided: Bool = {
                if case .manual = datastore.failover.writer { return true }
                return !datastore.failover.isAutomated
            }()
            guard crossRegion, decided else { return nil }
            let objectives = context.explanation.rto.filter { row in
                row.result.event.disruption == .region && row.result.event.region == datastore.primary
                    && blueprint.service(row.result.service)?.uses.contains(datastore.name) == true
            }.compactMap(\.objective)
            guard let strictest = objectives.min(), strictest < Self.threshold else { return nil }
            return Finding(at: "datastores.\(datastore.name).failover",
                           "\(datastore.name): a person decides its cross-region failover, under a region RTO objective of \(strictest); without routing controls that decision is carried out by editing Route 53 records",
                           notes: [Note("Route 53 ARC routing controls make it one update-routing-control-states call to ARC's data plane (docs/terraform.md)")],
                           fix: "set traffic.routingControl: arc, or name the failover's automation")
        }
    }
}
