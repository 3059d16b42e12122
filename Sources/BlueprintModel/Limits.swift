/// The largest values and collections a blueprint may hold. Each bound is far above any real
/// topology and far below what the arithmetic beneath (64-bit integers, an exact availability
/// model, Kubernetes' int32 replica counts) can carry, so every later stage is safe without
/// re-checking. docs/limits.md gives the reason for each figure.
public enum Limits {
    /// Peak requests per second of one service in one residency zone.
    public static let demand = 0...1_000_000_000
    /// Requests per second one replica sustains.
    public static let perReplica = 1...1_000_000_000
    /// A pinned `replicas` or `maxReplicas` value: below the 150,000 pods Kubernetes supports per cluster.
    public static let pinnedReplicas = 1...100_000
    /// Availability zones per region: AWS names them with one letter (a–z); no region has more than 6 today.
    public static let zonesPerRegion = 1...26
    /// Regions in the blueprint; also the most one residency zone can list.
    public static let regions = 64
    /// Residency zones; each needs a region of its own, so never more than there are regions.
    public static let residencyZones = 64
    public static let services = 10_000
    public static let datastores = 10_000
    /// Replicas of one datastore: one per availability zone of every region at most.
    public static let replicasPerDatastore = regions * zonesPerRegion.upperBound
    /// Environment variables of one service: its ConfigMap must stay under Kubernetes' 1 MiB object limit.
    public static let environmentVariables = 1_000
    /// Route53 geolocation records: every continent, country and subdivision it knows fits well below.
    public static let geolocations = 512
    public static let waivers = 1_000
    /// Any duration: an RTO, a lag, a backup interval, a retention. Ten years of 365 days.
    public static let longestDuration = Duration(milliseconds: 10 * 31_536_000_000)
    /// `gitops.bake`: a week. Longer is a release train, and Argo CD would sit on a half-rolled-out set.
    public static let longestBake = Duration(milliseconds: 7 * 86_400_000)
    /// Route53's limit on a hosted zone id (API reference, HostedZone.Id: "Maximum length of 32").
    public static let hostedZoneIdLength = 32
    /// Findings of one rule shown per file; the rest are counted in one closing finding.
    public static let findingsPerRule = 50
}

/// Characters that YAML tools downstream refuse. go-yaml, which kustomize and Argo CD use, stops
/// with "yaml: control characters are not allowed" on C0 controls other than TAB, LF and CR, on
/// DEL and on the C1 range (kubernetes-sigs/kustomize#5148). CR and NEL are refused here too:
/// YAML folds them into line breaks, so the value would not survive a round trip.
public enum ControlCharacters {
    /// The first forbidden scalar in `text` and its 1-based position, or nil.
    public static func first(in text: String, allowingLineFeeds: Bool) -> (scalar: Unicode.Scalar, position: Int)? {
        for (offset, scalar) in text.unicodeScalars.enumerated() where isForbidden(scalar, allowingLineFeeds: allowingLineFeeds) {
            return (scalar, offset + 1)
        }
        return nil
    }

    static func isForbidden(_ scalar: Unicode.Scalar, allowingLineFeeds: Bool) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x0A: !allowingLineFeeds
        case 0x00...0x1F, 0x7F...0x9F, 0xFFFE, 0xFFFF: true
        default: false
        }
    }

    /// `U+001B`: how a character that cannot be shown is named in a message.
    public static func name(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
