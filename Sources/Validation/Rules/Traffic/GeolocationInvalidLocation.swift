import BlueprintModel

/// A geolocation key Route53 does not know.
public struct GeolocationInvalidLocation: Rule {
    public static let id = "geolocation-invalid-location"
    public static let summary = "Geolocation keys are Route53 continent codes, `country:XX`, `country:US-XX` or `default`."
    public static let rationale = """
        Route53 rejects unknown locations at apply time; a country written as a bare code (`CH`) is \
        also easy to mistake for a continent. Countries therefore need the `country:` prefix.
        """
    public static let examples: [RuleExample] = [
        .triggering(("{ EU: eu, default: eu }", "{ EU: eu, ↓CH: eu, default: eu }")),
        .clean(("{ EU: eu, default: eu }", "{ EU: eu, \"country:CH\": eu, \"country:US-CA\": eu, default: eu }")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        guard let traffic = context.blueprint.traffic else { return [] }
        return traffic.geolocation.filter { GeoLocation($0.location) == nil }.map { entry in
            let hint = GeoLocation.countries.contains(entry.location)
                ? "countries need the prefix: 'country:\(entry.location)'"
                : "use a continent (\(GeoLocation.continents.sorted().joined(separator: ", "))), country:XX (ISO 3166), country:US-XX or default"
            return Finding(at: "traffic.geolocation.\(entry.location)", "'\(entry.location)' is not a Route53 geolocation", fix: hint)
        }
    }
}
