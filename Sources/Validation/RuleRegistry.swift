import Diagnostics

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
        WaiverExpired.self,
        WaiverUnused.self,
        // Topology
        ZoneOutsideRegion.self,
        RegionWithoutResidency.self,
        RegionInTwoResidencies.self,
        ClusterSpansRegions.self,
        SingleZoneRegion.self,
        ImageNotPinned.self,
        RolloutWaveCoversZone.self,
        RolloutWaveBreaksObjective.self,
        // Capacity
        ZoneLossCapacity.self,
        RegionLossCapacity.self,
        PDBBlocksDrain.self,
        PDBProtectsNothing.self,
        ZoneLossNeedsLaunch.self,
        ReplicasOutOfRange.self,
        // Placement
        AntiAffinityPending.self,
        QuorumZoneLoss.self,
        QuorumElastic.self,
        // Datastores
        CopiesExceedZones.self,
        SyncQuorumUnreachable.self,
        // Residency
        ResidencyReplicaOutside.self,
        ResidencyBackupOutside.self,
        ResidencyFailoverOutside.self,
        ResidencySingleRegion.self,
        CrossResidencyAccess.self,
        ResidencyUndeclared.self,
        // Objectives
        AvailabilityBelowObjective.self,
        RTOExceeded.self,
        RPOExceeded.self,
        RPOAsyncClaimedZero.self,
        // Traffic
        Route53HealthInterval.self,
        Route53FailureThreshold.self,
        GeolocationWithoutDefault.self,
        GeolocationUnknownZone.self,
        GeolocationInvalidLocation.self,
        FailoverNeedsTwo.self,
        EndpointOutsideAliasZone.self,
        ResidencyZoneWithoutLocation.self,
        GeolocationDefaultResidency.self,
        HealthCheckPathUnrouted.self,
        ARCRecommended.self,
    ]

    /// Rules that read the blueprint's names and values only, never `topology` or
    /// `explanation` (which are empty for them). They run first, on the whole blueprint.
    public static let structural: [any Rule.Type] = [
        UndefinedReference.self,
        ZoneOutsideRegion.self,
        RegionWithoutResidency.self,
        RegionInTwoResidencies.self,
        ClusterSpansRegions.self,
        ImageNotPinned.self,
        RolloutWaveCoversZone.self,
        Route53HealthInterval.self,
        Route53FailureThreshold.self,
        GeolocationWithoutDefault.self,
        GeolocationUnknownZone.self,
        GeolocationInvalidLocation.self,
    ]

    /// Structural rules whose errors mean the model cannot be built from the part they name:
    /// a name that resolves to nothing, a region in two residency zones, a health check
    /// Route53 cannot run. That part is left out of the model, so no capacity or objective
    /// finding is computed from it. (A misnamed availability zone still counts as a zone:
    /// the arithmetic depends on how many there are, not on their names.)
    public static let modelInputs: Set<String> = [
        UndefinedReference.id, RegionInTwoResidencies.id, Route53HealthInterval.id, Route53FailureThreshold.id,
    ]

    /// How a withheld check names a value one of the `modelInputs` rules refused.
    static func refusal(_ rule: String) -> String {
        switch rule {
        case UndefinedReference.id: "names something not declared"
        case RegionInTwoResidencies.id: "puts a region in two residency zones"
        case Route53HealthInterval.id: "is not an interval Route53 offers"
        case Route53FailureThreshold.id: "is not a threshold Route53 accepts"
        default: "is invalid"
        }
    }

    public static func rule(id: String) -> (any Rule.Type)? {
        all.first { $0.id == id }
    }
}

/// A rule's documentation as plain values, for commands and docs that list the catalogue.
public struct RuleDescriptor: Sendable {
    public var id: String
    public var severity: Severity
    public var summary: String
    public var rationale: String
    public var examples: [RuleExample]
    /// The Swift type that implements it, e.g. `RPOExceeded`.
    public var typeName: String

    init(_ rule: any Rule.Type) {
        id = rule.id
        severity = rule.severity
        summary = rule.summary
        rationale = rule.rationale
        examples = rule.examples
        typeName = String(describing: rule)
    }
}

extension RuleRegistry {
    public static let descriptors: [RuleDescriptor] = all.map(RuleDescriptor.init)

    public static func descriptor(id: String) -> RuleDescriptor? {
        descriptors.first { $0.id == id }
    }
}
