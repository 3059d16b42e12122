/// A Route53 health check interval other than the two Route53 offers.
public struct Route53HealthInterval: Rule {
    public static let id = "route53-health-interval"
    public static let summary = "Route53 health checks run every 10s or every 30s; no other interval exists."
    public static let rationale = """
        A 60-second health check cannot be created: Terraform fails at apply time, long after review. \
        The interval is also the first term of every region-failure RTO, so it must be one Route53 can honour.
        """
    public static let examples: [RuleExample] = [
        .triggering(("{ interval: 10s,", "{ ↓interval: 60s,")),
        .clean(("{ interval: 10s,", "{ interval: 30s,")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        guard let interval = context.blueprint.traffic?.healthCheck.interval else { return [] }
        guard interval != .seconds(10) && interval != .seconds(30) else { return [] }
        return [Finding(at: "traffic.healthCheck.interval", "Route53 health checks run every 10s or 30s; \(interval) is not available",
                        fix: "use 10s (fast, extra cost) or 30s")]
    }
}
