/// Geolocation routing without a `default` location.
public struct GeolocationWithoutDefault: Rule {
    public static let id = "geolocation-without-default"
    public static let summary = "Geolocation routing needs a `default` location."
    public static let rationale = """
        Route53 answers NXDOMAIN-like empty responses to users whose location matches no record, and \
        some resolvers carry no location at all. Without a default, those users cannot reach the service.
        """
    public static let examples: [RuleExample] = [
        .triggering(("  geolocation: { EU: eu, default: eu }", "  ↓geolocation: { EU: eu }")),
        .clean(),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        guard let traffic = context.blueprint.traffic, !traffic.geolocation.contains(where: { $0.location == "default" }) else { return [] }
        return [Finding(at: "traffic.geolocation", "geolocation routing has no 'default' location; users outside every listed location get no answer",
                        fix: "add 'default: <residency zone>'")]
    }
}
