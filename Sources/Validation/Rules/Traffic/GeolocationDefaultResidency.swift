import BlueprintModel
import Diagnostics

/// The default geolocation record sends users Route53 cannot place into a residency-bound zone.
public struct GeolocationDefaultResidency: Rule {
    public static let id = "geolocation-default-residency"
    public static let severity = Severity.note
    public static let summary = "Say where users Route53 cannot place are served, when that zone holds residency-bound data."
    public static let rationale = """
        Route53 maps resolver or EDNS client-subnet addresses to locations, but some addresses map to \
        none. Queries from those addresses, and from locations no record lists, get the default record \
        (without one, an empty answer). With several residency zones, the default zone therefore serves \
        some users of every other zone and writes their data into its own residency-bound datastores. \
        That is often the right trade-off; this note makes it a visible decision.
        """
    public static let examples: [RuleExample] = [
        .triggering(with: RuleExample.usZone,
                    ("demand: { eu: 1000 }", "demand: { eu: 1000, us: 100 }"),
                    ("  geolocation: { EU: eu, default: eu }", "  geolocation: { EU: eu, NA: us, ↓default: eu }")),
        .clean(),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        let blueprint = context.blueprint
        guard let traffic = blueprint.traffic,
              let fallback = traffic.geolocation.first(where: { $0.location == "default" })?.zone else { return [] }
        let servedZones = Set(context.topology.servingRegions.compactMap { blueprint.residencyZone(ofRegion: $0)?.name })
        guard servedZones.count >= 2, servedZones.contains(fallback) else { return [] }
        var bound = Set<String>()
        for service in blueprint.services where service.demand(in: fallback) > 0 {
            for datastore in context.topology.dependencies(of: service, serving: fallback) where datastore.residency == fallback {
                bound.insert(datastore.name)
            }
        }
        guard !bound.isEmpty else { return [] }
        let others = servedZones.subtracting([fallback]).sorted().joined(separator: ", ")
        return [Finding(
            at: "traffic.geolocation.default",
            "users Route53 cannot place (addresses without a location, and locations no record lists) are served in '\(fallback)', including users of \(others); their writes go to \(bound.sorted().joined(separator: ", ")), bound to '\(fallback)'",
            notes: [.init("Route53 answers queries it cannot place with the default record; list countries explicitly to shrink that group")],
            fix: "keep it if serving unplaced users in '\(fallback)' is acceptable; otherwise point `default` at a zone without residency-bound data")]
    }
}
