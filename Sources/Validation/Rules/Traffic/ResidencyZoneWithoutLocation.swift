import BlueprintModel

/// A residency zone with demand that no geolocation entry sends users to.
public struct ResidencyZoneWithoutLocation: Rule {
    public static let id = "residency-zone-without-location"
    public static let summary = "Every residency zone with demand must receive at least one geolocation location."
    public static let rationale = """
        Geolocation records are the only way users reach a residency zone's record set. A zone that \
        no location (and not the default) maps to is never answered: its users match another \
        location or fall to the default record, so they are served, and their data written, in \
        another jurisdiction — while every residency rule about replicas and backups still passes.
        """
    public static let examples: [RuleExample] = [
        .triggering(with: RuleExample.usZone,
                    ("demand: { eu: 1000 }", "demand: { eu: 1000, us: 100 }"),
                    ("  geolocation: { EU: eu, default: eu }", "  ↓geolocation: { EU: eu, default: eu }")),
        .clean(with: RuleExample.usZone,
               ("demand: { eu: 1000 }", "demand: { eu: 1000, us: 100 }"),
               ("  geolocation: { EU: eu, default: eu }", "  geolocation: { EU: eu, NA: us, default: eu }")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        guard let traffic = context.blueprint.traffic, !traffic.geolocation.isEmpty else { return [] }
        let reached = Set(traffic.geolocation.map(\.zone))
        let served = Set(context.topology.servingRegions.compactMap { context.blueprint.residencyZone(ofRegion: $0)?.name })
        return context.blueprint.residency.compactMap { zone in
            guard served.contains(zone.name), !reached.contains(zone.name) else { return nil }
            let demand = context.blueprint.services.reduce(0) { $0 + $1.demand(in: zone.name) }
            let fallback = traffic.geolocation.first { $0.location == "default" }?.zone
            return Finding(
                at: "traffic.geolocation",
                "residency zone '\(zone.name)' has demand (\(demand) rps) but no geolocation location sends users to it"
                    + (fallback.map { "; its users fall to the default record and are served in '\($0)'" } ?? ""),
                fix: "map the locations of '\(zone.name)' to it, e.g. a continent (`EU: \(zone.name)`) or countries (`country:CH: \(zone.name)`)")
        }
    }
}
