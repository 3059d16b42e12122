import BlueprintModel

/// A geolocation entry that names an undeclared residency zone.
public struct GeolocationUnknownZone: Rule {
    public static let id = "geolocation-unknown-zone"
    public static let summary = "Every geolocation entry must route to a declared residency zone."
    public static let rationale = """
        The location's users would be routed to a record set that does not exist, so Route53 would \
        answer them with nothing.
        """
    public static let examples: [RuleExample] = [
        .triggering(("{ EU: eu, default: eu }", "{ EU: eu, ↓default: europe }")),
        .clean(),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        guard let traffic = context.blueprint.traffic else { return [] }
        let zones = context.blueprint.residency.map(\.name)
        return traffic.geolocation.filter { !zones.contains($0.zone) }.map { entry in
            Finding(at: "traffic.geolocation.\(entry.location)", "geolocation \(entry.location) routes to residency zone '\(entry.zone)', which is not declared",
                    fix: Suggestion.closest(to: entry.zone, among: zones).map { "did you mean '\($0)'?" })
        }
    }
}
