/// A value of the wrong type or outside its range. The decoder reports types, units and
/// ranges; this rule adds what needs the whole service: a `maxReplicas` pin below its replicas.
public struct InvalidValue: Rule {
    public static let id = "invalid-value"
    public static let summary = "Values must have the expected type, unit and range."
    public static let rationale = """
        Durations, percentages, quantities and counts feed the capacity and objective arithmetic; \
        a value that cannot be read exactly cannot be reasoned about, and an autoscaler ceiling \
        below its floor is rejected by the API server.
        """
    public static let examples: [RuleExample] = [
        .triggering(("demand: { eu: 1000 }", "demand: { eu: ↓lots }")),
        .triggering(("    perReplica: 100\n", "    perReplica: 100\n    replicas: { eu-west-1: 20 }\n    maxReplicas: { ↓eu-west-1: 16 }\n")),
        .clean(("demand: { eu: 1000 }", "demand: { eu: 2000 }")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.blueprint.services.flatMap { service in
            service.maxReplicaPins.keys.sorted().compactMap { region -> Finding? in
                guard let ceiling = service.maxReplicaPins[region],
                      let floor = service.replicaPins[region] ?? context.topology.placement(service: service.name, region: region)?.sizing.replicas,
                      ceiling < floor else { return nil }
                return Finding(at: "services.\(service.name).maxReplicas.\(region)",
                               "services.\(service.name).maxReplicas.\(region): \(ceiling) is below the \(floor) replicas it runs with",
                               fix: "raise maxReplicas to at least \(floor)")
            }
        }
    }
}
