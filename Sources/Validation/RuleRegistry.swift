/// Every rule, in catalogue order. A test fails when a rule file exists without a line here.
public enum RuleRegistry {
    public static let all: [any Rule.Type] = [
        // Structure
        Syntax.self,
        UnknownKey.self,
        DuplicateKey.self,
        InvalidValue.self,
        InvalidName.self,
        MissingField.self,
        UndefinedReference.self,
        // Topology
        ZoneOutsideRegion.self,
        RegionWithoutResidency.self,
        RegionInTwoResidencies.self,
        ClusterSpansRegions.self,
        SingleZoneRegion.self,
        ImageNotPinned.self,
        RolloutWaveCoversZone.self,
        // Traffic
        Route53HealthInterval.self,
        Route53FailureThreshold.self,
        GeolocationWithoutDefault.self,
        GeolocationUnknownZone.self,
        GeolocationInvalidLocation.self,
        FailoverNeedsTwo.self,
    ]

    public static func rule(id: String) -> (any Rule.Type)? {
        all.first { $0.id == id }
    }
}
