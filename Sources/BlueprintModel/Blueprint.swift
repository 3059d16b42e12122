import Diagnostics

/// A decoded blueprint: every value typed, every default applied, names not yet
/// cross-checked (that is the validator's job, so all broken references are reported at once).
public struct Blueprint: Sendable, Equatable {
    public var file: String
    public var name: String
    public var provider: String
    public var namespace: String
    public var gitops: GitOps?
    public var objectives: Objectives
    public var assumptions: Assumptions
    public let residency: [ResidencyZone]
    public let regions: [Region]
    public let services: [Service]
    public let datastores: [Datastore]
    public var traffic: Traffic?
    public var waivers: [Waiver]
    /// Where every key of the source sits, by blueprint path.
    public var sourceMap: SourceMap
    /// The parts the decoder reported errors for; the validator adds what its structural rules refuse.
    public var rejected = RejectedParts()
    /// Whether each region's namespace gets a default-deny NetworkPolicy with the allows the
    /// topology implies (docs/delivery.md, "Network policy").
    public var networkPolicy = NetworkPolicyMode.defaultDeny
    /// Inputs of the cost model (`cost:`), defaults where the blueprint says nothing.
    public var cost = CostInputs()

    // Name lookups, built once: validation and generation ask them per service and region.
    private let regionIndex: [String: Int]
    private let serviceIndex: [String: Int]
    private let datastoreIndex: [String: Int]
    private let residencyIndex: [String: Int]
    private let residencyOfRegion: [String: Int]

    public init(
        file: String, name: String, provider: String, namespace: String, gitops: GitOps?, objectives: Objectives,
        assumptions: Assumptions, residency: [ResidencyZone], regions: [Region], services: [Service],
        datastores: [Datastore], traffic: Traffic?, waivers: [Waiver], sourceMap: SourceMap
    ) {
        self.file = file
        self.name = name
        self.provider = provider
        self.namespace = namespace
        self.gitops = gitops
        self.objectives = objectives
        self.assumptions = assumptions
        self.residency = residency
        self.regions = regions
        self.services = services
        self.datastores = datastores
        self.traffic = traffic
        self.waivers = waivers
        self.sourceMap = sourceMap
        // First declaration wins, so lookups agree with what the validator reports as duplicates.
        func index(_ names: [String]) -> [String: Int] {
            var result: [String: Int] = [:]
            for (offset, name) in names.enumerated() where result[name] == nil { result[name] = offset }
            return result
        }
        regionIndex = index(regions.map(\.name))
        serviceIndex = index(services.map(\.name))
        datastoreIndex = index(datastores.map(\.name))
        residencyIndex = index(residency.map(\.name))
        var ofRegion: [String: Int] = [:]
        for (offset, zone) in residency.enumerated() {
            for region in zone.regions where ofRegion[region] == nil { ofRegion[region] = offset }
        }
        residencyOfRegion = ofRegion
    }

    public func region(_ name: String) -> Region? { regionIndex[name].map { regions[$0] } }
    public func service(_ name: String) -> Service? { serviceIndex[name].map { services[$0] } }
    public func datastore(_ name: String) -> Datastore? { datastoreIndex[name].map { datastores[$0] } }
    public func residencyZone(_ name: String) -> ResidencyZone? { residencyIndex[name].map { residency[$0] } }

    /// The residency zone a region belongs to (its first, should it wrongly be in two).
    public func residencyZone(ofRegion region: String) -> ResidencyZone? {
        residencyOfRegion[region].map { residency[$0] }
    }

    /// Whether `region` is inside `datastore`'s residency zone; every region is, for a global one.
    public func isInsideResidency(of datastore: Datastore, _ region: String) -> Bool {
        datastore.isGlobal || residencyZone(ofRegion: region)?.name == datastore.residency
    }

    /// This blueprint without the parts `rejected` names and without everything computed from
    /// them: a rejected region takes its residency zone along, a rejected zone its regions,
    /// datastores and services; a rejected datastore the services that use it. Names that are
    /// not declared count as rejected. What remains can be sized and its objectives computed
    /// without meeting a value nobody could read; when a part every placement depends on is
    /// rejected (a whole section, `traffic.within`) nothing remains to size.
    public func soundPart(excluding rejected: RejectedParts) -> Blueprint {
        let everything = rejected.spoilsModel
        var badRegions = Set(regions.filter { everything || rejected.contains("regions", $0.name) }.map(\.name))
        var badZones = Set(residency.filter { everything || rejected.contains("residency", $0.name) }.map(\.name))
        // A zone and its regions stand or fall together; a region can sit in two zones, so repeat until stable.
        var changed = true
        while changed {
            changed = false
            for zone in residency where !badZones.contains(zone.name) {
                if zone.regions.contains(where: { badRegions.contains($0) || region($0) == nil }) {
                    badZones.insert(zone.name)
                    changed = true
                }
            }
            for zone in residency where badZones.contains(zone.name) {
                for name in zone.regions where !badRegions.contains(name) {
                    badRegions.insert(name)
                    changed = true
                }
            }
        }
        let regionOK = { (name: String) in region(name) != nil && !badRegions.contains(name) }
        // A refused replica or backup region drops that copy, not the datastore: its other
        // checks still run, and FigureDependencies withholds the figures that needed the copy.
        var keptDatastores: [Datastore] = []
        for datastore in datastores where !everything {
            guard !rejected.refuses("datastores.\(datastore.name)", except: ["replicas", "backups"]),
                  datastore.residency.map({ residencyZone($0) != nil && !badZones.contains($0) }) ?? true,
                  regionOK(datastore.primary) else { continue }
            var kept = datastore
            kept.replicas = datastore.replicas.filter { regionOK($0.region) }
            kept.backups?.regions = datastore.backups?.regions.filter(regionOK) ?? []
            keptDatastores.append(kept)
        }
        // A service whose datastore was left out keeps its capacity checks; the figures that
        // need the datastore are withheld (FigureDependencies). A refused objective of its own
        // withholds only the verdicts against it.
        let keptServices = services.filter { service in
            !everything && !rejected.refuses("services.\(service.name)", except: ["objectives"])
                && service.demand.allSatisfy { $0.rps == 0 || (residencyZone($0.zone) != nil && !badZones.contains($0.zone)) }
                && (Array(service.replicaPins.keys) + Array(service.maxReplicaPins.keys)).allSatisfy { region($0) == nil || regionOK($0) }
        }
        let copiesChanged = keptDatastores.contains { kept in
            datastore(kept.name).map { $0.replicas.count != kept.replicas.count || $0.backups?.regions.count != kept.backups?.regions.count } ?? false
        }
        guard keptServices.count != services.count || keptDatastores.count != datastores.count || copiesChanged
                || !badRegions.isEmpty || !badZones.isEmpty else { return self }
        return with(residency: residency.filter { !badZones.contains($0.name) }, regions: regions.filter { !badRegions.contains($0.name) },
                    services: keptServices, datastores: keptDatastores)
    }

    /// The same blueprint with each service replaced by what `transform` makes of it.
    public func mappingServices(_ transform: (Service) -> Service) -> Blueprint {
        with(residency: residency, regions: regions, services: services.map(transform), datastores: datastores)
    }

    /// The blueprint with the service fields that reach only each service's own manifests set to
    /// one value each: image, env, health and liveness paths, UID. No figure, no report section and
    /// no rule reads them, but for the findings `Validator.findingsOnManifestFields` makes. So two
    /// blueprints equal once these are cleared have the same figures, REPORT.md and findings (when
    /// those few findings agree too), and every service file but those of services whose own
    /// fields differ is the same: an image bump is checked and written at the cost of one service
    /// (`PreviousOutput`). `ManifestFieldsTests` and `ReportInputsTests` change each field in the
    /// examples and hold all of this to account.
    public var manifestFieldsCleared: Blueprint {
        mappingServices { service in
            var cleared = service
            cleared.image = ""
            cleared.env = []
            cleared.healthPath = ""
            cleared.livenessPath = nil
            cleared.runAsUser = 0
            return cleared
        }
    }

    /// The same blueprint over other parts (the name lookups are built again for them).
    private func with(residency: [ResidencyZone], regions: [Region], services: [Service], datastores: [Datastore]) -> Blueprint {
        var copy = Blueprint(
            file: file, name: name, provider: provider, namespace: namespace, gitops: gitops, objectives: objectives,
            assumptions: assumptions, residency: residency, regions: regions, services: services, datastores: datastores,
            traffic: traffic, waivers: waivers, sourceMap: sourceMap)
        copy.rejected = rejected
        copy.networkPolicy = networkPolicy
        copy.cost = cost
        return copy
    }

    /// The DNS suffix under which generated endpoint names live.
    public var dnsDomain: String { traffic?.hostname ?? "\(name).internal" }
}

/// `networkPolicy:` — the opt-out of the generated NetworkPolicies.
public enum NetworkPolicyMode: String, Sendable, CaseIterable {
    /// Deny every connection of the blueprint's pods except those the topology implies.
    case defaultDeny = "default-deny"
    /// Generate no NetworkPolicy: the cluster's own policies (or none) apply.
    case none
}

public struct GitOps: Sendable, Equatable {
    public var repoURL: String
    public var revision: String
    public var path: String
    /// How many regions of one rollout wave Argo CD syncs at once (each RollingSync step's
    /// `maxUpdate`); nil: the whole wave at once.
    public var maxUpdate: Int? = nil
    /// How long each wave must stay Healthy before the next one starts. Argo CD has no such
    /// field (docs/delivery.md): the generated ApplicationSet carries it as an annotation and
    /// REPORT.md shows the timing, but holding the next wave is the operator's.
    public var bake: Duration? = nil
}

public enum Disruption: String, Sendable, CaseIterable {
    case zone, region
}

/// A value that may differ between a zone failure and a region failure.
public struct PerDisruption<Value: Sendable & Hashable>: Sendable, Hashable {
    public var zone: Value
    public var region: Value

    public init(zone: Value, region: Value) {
        self.zone = zone
        self.region = region
    }

    public init(both: Value) { self.init(zone: both, region: both) }

    public subscript(_ disruption: Disruption) -> Value {
        disruption == .zone ? zone : region
    }
}

/// What a blueprint (or one service) promises. `rto` and `rpo` name each disruption they
/// promise; a side left out (`rto: { zone: 5m }`) is not promised, and explain says so.
public struct Objectives: Sendable, Hashable {
    public var availability: Percentage?
    public var rto: PerDisruption<Duration?>?
    public var rpo: PerDisruption<Duration?>?

    public init(availability: Percentage? = nil, rto: PerDisruption<Duration?>? = nil, rpo: PerDisruption<Duration?>? = nil) {
        self.availability = availability
        self.rto = rto
        self.rpo = rpo
    }

    /// This set's objectives, with `fallback`'s where this one says nothing.
    public func over(_ fallback: Objectives) -> Objectives {
        Objectives(availability: availability ?? fallback.availability, rto: rto ?? fallback.rto, rpo: rpo ?? fallback.rpo)
    }
}

public struct Assumptions: Sendable, Hashable {
    public var zoneAvailability = Percentage(parsing: "99.9%")!
    public var regionAvailability = Percentage(parsing: "99.95%")!
    public var zoneDetection = Duration.seconds(60)
    public var scaleReaction = Duration.seconds(60)
    public var podStartup = Duration.seconds(90)
    public var connectionRefresh = Duration.seconds(30)
    public var manualResponse = Duration.minutes(30)
    public var replicationLag = Duration.seconds(1)

    public init() {}
}

public struct ResidencyZone: Sendable, Hashable {
    public var name: String
    public var regions: [String]
}

public enum RegionRole: String, Sendable, CaseIterable {
    case active, standby
}

public struct Region: Sendable, Hashable {
    public var name: String
    public var zones: [String]
    public var cluster: Cluster
    public var endpoint: Endpoint?
    public var role: RegionRole
    public var wave: Int
    /// Whether `wave` was written in the blueprint; when no region states one, the rollout
    /// order is derived from the topology (RolloutPlan).
    public var waveStated: Bool = true

    public struct Cluster: Sendable, Hashable {
        public var name: String
        public var server: String
    }

    public struct Endpoint: Sendable, Hashable {
        public var dnsName: String
        public var zoneId: String
    }
}

public enum CapacityMode: String, Sendable, CaseIterable {
    case `static`, elastic
}

/// A service's peak requests per second in one residency zone.
public struct ZoneDemand: Sendable, Hashable {
    public var zone: String
    public var rps: Int

    public init(zone: String, rps: Int) {
        self.zone = zone
        self.rps = rps
    }
}

/// Equatable so that two services can be shown to generate the same files (a diff skips those).
public struct Service: Sendable, Equatable {
    public var name: String
    public var image: String
    public var port: Int
    /// Peak requests per second per residency zone, in declaration order.
    public var demand: [ZoneDemand]
    public var perReplica: Int
    public var capacity: CapacityMode
    public var targetCPU: Int
    public var cpu: String
    public var memory: String
    /// Readiness: may check the service's dependencies; a failing pod only leaves the endpoints.
    public var healthPath: String
    /// Liveness and startup: the process itself, never its dependencies; nil checks the TCP port.
    public var livenessPath: String?
    /// Numeric UID the containers run as, so `runAsNonRoot` holds for images whose USER is a name.
    public var runAsUser: Int
    public var uses: [String]
    public var env: [EnvVar]
    public var objectives: Objectives
    public var replicaPins: [String: Int]
    public var maxReplicaPins: [String: Int]
    /// How its pods are placed across zones and nodes.
    public var placement = PlacementPolicy()
    /// For services whose replicas vote: how many must be up for the group to work.
    public var quorum: Quorum? = nil

    public func demand(in zone: String) -> Int {
        demand.first { $0.zone == zone }?.rps ?? 0
    }

    /// The residency zones it serves (demand above zero), in declaration order.
    public var servedZones: [String] { demand.filter { $0.rps > 0 }.map(\.zone) }
}

/// Where a service's pods may run relative to each other.
public struct PlacementPolicy: Sendable, Hashable {
    public enum ZoneAntiAffinity: String, Sendable, CaseIterable {
        /// Even spread (maxSkew 1): at most ceil(R/z) pods per zone.
        case spread
        /// Even spread, and the scheduler also prefers zones without a pod of the service.
        case preferred
        /// At most one pod per zone (required pod anti-affinity on the zone label).
        case required
    }

    public enum HostAntiAffinity: String, Sendable, CaseIterable {
        case preferred, required
    }

    public var zoneAntiAffinity: ZoneAntiAffinity = .spread
    /// nil: the default soft spread over nodes only.
    public var hostAntiAffinity: HostAntiAffinity? = nil

    public init(zoneAntiAffinity: ZoneAntiAffinity = .spread, hostAntiAffinity: HostAntiAffinity? = nil) {
        self.zoneAntiAffinity = zoneAntiAffinity
        self.hostAntiAffinity = hostAntiAffinity
    }

    public var description: String {
        var text = "zone \(zoneAntiAffinity.rawValue)"
        if let hostAntiAffinity { text += ", host \(hostAntiAffinity.rawValue)" }
        return text
    }
}

/// How many replicas of a voting service must be up.
public enum Quorum: Sendable, Hashable {
    /// More than half of the replicas: floor(R/2) + 1.
    case majority
    /// A fixed number of replicas.
    case count(Int)

    public func size(replicas: Int) -> Int {
        switch self {
        case .majority: replicas / 2 + 1
        case .count(let n): n
        }
    }

    public var description: String {
        switch self {
        case .majority: "majority"
        case .count(let n): "\(n)"
        }
    }
}

public struct EnvVar: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case literal(String)
        case secret(name: String, key: String)
    }

    public var name: String
    public var value: Value
}

public enum ReplicationMode: String, Sendable, CaseIterable {
    case sync, async
}

public struct Datastore: Sendable, Equatable {
    public var name: String
    public var engine: String?
    /// nil: a global datastore, inside every residency zone.
    public var residency: String?
    public var primary: String
    public var replicas: [Replica]
    public var failover: Failover
    public var backups: Backups?
    /// How many of the sync replicas outside the primary's region must acknowledge a commit
    /// ("any N of them"); nil: all of them.
    public var syncQuorum: Int? = nil
    /// The TCP port clients connect to, when not the engine's default (the NetworkPolicy opens it).
    public var port: Int? = nil

    public struct Replica: Sendable, Hashable {
        public var region: String
        public var mode: ReplicationMode
        public var lag: Duration
    }

    public struct Failover: Sendable, Hashable {
        public var automatic: Bool
        public var promotion: PerDisruption<Duration>
        /// What moves the `writer.<datastore>` name to the new primary.
        public var writer: WriterRouting = .manual
        /// What promotes a replica (or runs a restore, or takes a lost sync replica out of the
        /// commit set) without a person: the user's automation, named. AWS promotes across
        /// Regions only when called (FailoverGlobalCluster, PromoteReadReplica), so without it an
        /// `automatic` failover still waits for `manualResponse` (docs/recovery-model.md).
        public var automation: String? = nil

        /// Whether failovers beyond the engine's own Multi-AZ happen without a person.
        public var isAutomated: Bool { automatic && automation != nil }
    }

    /// How the writer name follows the datastore (never the application's load balancer).
    public enum WriterRouting: Sendable, Hashable {
        /// A CNAME to a writer endpoint the datastore service itself moves on switchover and
        /// failover (Aurora Global Database's global writer endpoint); the default when failover is automatic.
        case managed
        /// A Route53 failover pair whose primary carries a CLOUDWATCH_METRIC health check on this
        /// CloudWatch alarm (in the primary's region) about the database itself.
        case alarm(String)
        /// One CNAME to the primary's writer; the promotion runbook re-points it (change `primary`,
        /// compile, apply). The default when failover is manual.
        case manual
    }

    public struct Backups: Sendable, Hashable {
        public var every: Duration
        public var retain: Duration
        public var regions: [String]
        public var restore: Duration
        /// Whether `restore` was written in the blueprint (else it is the documented default).
        public var restoreStated: Bool = true
        /// Time for a backup to be copied to the regions in `regions` after it is taken.
        public var copyDelay: Duration = .zero
        public var copyDelayStated: Bool = true
    }

    /// Documented defaults for what a blueprint leaves out about backups: a restore pulls the
    /// data back into a new cluster, which takes far longer than promoting a replica, and a
    /// cross-region copy runs as a separate job after the backup completes.
    public static let defaultRestore = Duration.minutes(120)
    public static let defaultCopyDelay = Duration.minutes(60)

    public var isGlobal: Bool { residency == nil }
}

public enum WithinZoneRouting: String, Sendable, CaseIterable {
    case latency, failover, weighted
}

/// What decides a failover that needs a decision (`traffic.routingControl`): nothing beyond the
/// health checks and runbooks (`none`), or Route 53 ARC routing controls (`arc`), so the decision
/// is one call to ARC's data plane instead of an edit of Route 53 records.
public enum RoutingControl: String, Sendable, CaseIterable {
    case none, arc
}

public struct Traffic: Sendable, Equatable {
    public var hostname: String
    public var hostedZoneId: String
    public var ttl: Duration
    public var healthCheck: HealthCheck
    /// Route53 location (`EU`, `country:CH`, `default`) to residency zone, in declaration order.
    public var geolocation: [(location: String, zone: String)]
    public var within: WithinZoneRouting
    /// URL path prefix to the service that serves it behind each region's load balancer, in
    /// declaration order; empty: Meridian generates no Ingress and the load balancers are the user's.
    public var routes: [(path: String, service: String)]
    public var routingControl: RoutingControl = .none

    public struct HealthCheck: Sendable, Hashable {
        public var path: String
        public var protocolName: String
        public var interval: Duration
        public var failureThreshold: Int
    }

    public static func == (a: Traffic, b: Traffic) -> Bool {
        a.hostname == b.hostname && a.hostedZoneId == b.hostedZoneId && a.ttl == b.ttl && a.healthCheck == b.healthCheck
            && a.geolocation.elementsEqual(b.geolocation) { $0.location == $1.location && $0.zone == $1.zone }
            && a.within == b.within && a.routes.elementsEqual(b.routes) { $0.path == $1.path && $0.service == $1.service }
            && a.routingControl == b.routingControl
    }
}

public struct Waiver: Sendable, Hashable {
    public var rule: String
    public var at: String
    public var reason: String
    /// ISO date `YYYY-MM-DD`; compares correctly as text.
    public var expires: String
    public var path: String
}

/// Blueprint path (`services.api.demand`, `datastores.db.replicas[1]`) to the mark of its key.
public struct SourceMap: Sendable, Equatable {
    public private(set) var marks: [String: SourceMark] = [:]

    public init() {}

    public mutating func record(_ path: String, _ mark: SourceMark) {
        if marks[path] == nil { marks[path] = mark }
    }

    /// The mark of `path`, or of its nearest recorded ancestor.
    public func mark(for path: String) -> SourceMark {
        var candidate = Substring(path)
        while !candidate.isEmpty {
            if let mark = marks[String(candidate)] { return mark }
            guard let cut = candidate.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            candidate = candidate[..<cut]
        }
        return .start
    }
}
