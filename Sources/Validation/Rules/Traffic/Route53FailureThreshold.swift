/// A Route53 failure threshold outside 1–10.
public struct Route53FailureThreshold: Rule {
    public static let id = "route53-failure-threshold"
    public static let summary = "A Route53 health check's failure threshold is 1 to 10 consecutive failures."
    public static let rationale = """
        Route53 rejects other values, and the threshold multiplies the interval into the detection time \
        of every region failure: a value the API refuses makes the RTO arithmetic meaningless.
        """
    public static let examples: [RuleExample] = [
        .triggering(("failureThreshold: 3", "↓failureThreshold: 0")),
        .clean(("failureThreshold: 3", "failureThreshold: 10")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        guard let threshold = context.blueprint.traffic?.healthCheck.failureThreshold, !(1...10).contains(threshold) else { return [] }
        return [Finding(at: "traffic.healthCheck.failureThreshold", "Route53 failure threshold must be 1 to 10, got \(threshold)")]
    }
}
