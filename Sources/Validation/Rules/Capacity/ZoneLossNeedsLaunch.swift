import Diagnostics
import Resilience

/// A zone-loss recovery that launches capacity during the event instead of using what runs.
public struct ZoneLossNeedsLaunch: Rule {
    public static let id = "zone-loss-needs-launch"
    public static let severity = Severity.warning
    public static let summary = "Losing one availability zone should need nothing launched: the capacity that takes over must already run."
    public static let rationale = """
        Static stability (AWS Builders' Library, "Static stability using Availability Zones"): a \
        system that needs new instances to recover from a zone loss depends on the control planes \
        that are most likely to be impaired in the same event — EC2 launches failed for hours in \
        us-east-1 in October 2025. Meridian sizes every active region so that the pods left after \
        losing its fullest zone carry its normal share (a pin below that is the error \
        zone-loss-capacity), so what remains are datastores: a writer with no replica that \
        survives the zone is recovered by restoring a backup into a new instance. `meridian \
        explain` lists every zone-loss recovery and what must already run for it.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    replicas:\n      - { region: eu-west-1, mode: sync }\n      - { region: eu-central-1, mode: async, lag: 1s }\n", ""),
                    ("    backups: {", "    ↓backups: {")),
        .clean(("      - { region: eu-central-1, mode: async, lag: 1s }\n", "")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.explanation.zoneLoss.compactMap { row -> Finding? in
            guard let launches = row.launches, case .writer(let datastore) = row.subject else { return nil }
            return Finding(
                at: "datastores.\(datastore).backups",
                "\(datastore): losing the zone of its primary in \(row.region) is recovered by launching \(launches)",
                notes: [Note("no copy of \(datastore) that survives the zone runs already; a standby or replica in another zone of \(row.region) would take over without a launch")],
                fix: "add an in-region standby that runs all the time: replicas: [{ region: \(row.region), mode: sync }] (RDS/Aurora Multi-AZ)")
        }
    }
}
