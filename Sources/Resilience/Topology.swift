import BlueprintModel

/// One service running in one region: where, in what role, and how it is sized.
public struct Placement: Sendable, Equatable {
    public var service: String
    public var residencyZone: String
    public var region: String
    public var role: RegionRole
    public var zones: [String]
    public var sizing: ReplicaMath.Sizing
    public var replicasPinned: Bool
    public var maxReplicasPinned: Bool
    public var policy: PlacementPolicy = PlacementPolicy()
    public var quorum: Quorum? = nil
}

/// The blueprint resolved into placements: which service runs where and with how many pods.
/// Names that do not resolve are skipped here; the validator reports them.
public struct Topology: Sendable {
    public let blueprint: Blueprint
    /// Sorted by region, then service, so every consumer sees one stable order.
    public let placements: [Placement]
    private let placementIndex: [String: [String: Int]]
    private let regionPlacements: [String: Range<Int>]
    /// D(s, J) for every served pair, computed once.
    private let dependencyIndex: [String: [String: [Datastore]]]
    /// Each residency zone's declared regions (`regions(of:in:)`), resolved once.
    private let zoneRegionIndex: [String: [Region]]

    /// Regions an outage-mode compile assumes are down (`compile --assume-down`): the survivors
    /// of their residency zones are sized for the load now, instead of waiting for the autoscaler.
    public let assumedDown: Set<String>

    public init(_ blueprint: Blueprint, assumingDown down: Set<String> = []) {
        self.blueprint = blueprint
        assumedDown = down
        var placements: [Placement] = []
        let within = blueprint.traffic?.within ?? .latency
        // Each residency zone's regions and active counts, worked out once rather than per service.
        var zoneRegions: [String: (regions: [Region], active: Int, activeUp: Int)] = [:]
        for zone in blueprint.residency where zoneRegions[zone.name] == nil {
            let regions = Self.regions(of: zone.name, in: blueprint)
            zoneRegions[zone.name] = (regions, regions.filter { $0.role == .active }.count,
                                      regions.filter { $0.role == .active && !down.contains($0.name) }.count)
        }
        zoneRegionIndex = zoneRegions.mapValues(\.regions)
        for service in blueprint.services {
            for zoneName in service.servedZones {
                guard let (regions, active, activeUp) = zoneRegions[zoneName] else { continue }
                for region in regions {
                    let input = ReplicaMath.Input(
                        demand: service.demand(in: zoneName), activeRegions: active, role: region.role, within: within,
                        capacity: service.capacity, perReplica: service.perReplica, zones: region.zones.count,
                        pinnedReplicas: service.replicaPins[region.name], pinnedMaxReplicas: service.maxReplicaPins[region.name])
                    var sizingInput = input
                    sizingInput.zoneAntiAffinity = service.placement.zoneAntiAffinity
                    sizingInput.quorum = service.quorum
                    var sizing = ReplicaMath.size(sizingInput)
                    if !down.contains(region.name) {
                        sizing = ReplicaMath.raisedForOutage(sizing, input: sizingInput, activeUp: activeUp)
                    }
                    placements.append(Placement(
                        service: service.name, residencyZone: zoneName, region: region.name, role: region.role,
                        zones: region.zones, sizing: sizing,
                        replicasPinned: input.pinnedReplicas != nil, maxReplicasPinned: input.pinnedMaxReplicas != nil,
                        policy: service.placement, quorum: service.quorum))
                }
            }
        }
        // By region, then service: grouped by region, then each group sorted by service, which
        // is one pass when the services are declared in order (one sort of all 8,000 placements of
        // 1,000 services × 8 regions compared region names first, every time).
        var byRegion: [String: [Placement]] = [:]
        for placement in placements { byRegion[placement.region, default: []].append(placement) }
        var sorted: [Placement] = []
        sorted.reserveCapacity(placements.count)
        // Each region's placements are one run of `sorted`: its range is known as it is appended.
        var ranges: [String: Range<Int>] = [:]
        for region in byRegion.keys.sorted() {
            let start = sorted.count
            sorted += byRegion[region]!.sorted { $0.service < $1.service }
            ranges[region] = start..<sorted.count
        }
        self.placements = sorted
        var index: [String: [String: Int]] = [:]
        for (offset, placement) in sorted.enumerated() {
            index[placement.service, default: [:]][placement.region] = offset
        }
        placementIndex = index
        regionPlacements = ranges
        var dependencies: [String: [String: [Datastore]]] = [:]
        for service in blueprint.services {
            let used = service.uses.compactMap { blueprint.datastore($0) }
            var byZone: [String: [Datastore]] = [:]
            for zone in service.servedZones { byZone[zone] = Self.dependencies(using: used, serving: zone) }
            dependencies[service.name, default: [:]].merge(byZone) { $1 }
        }
        dependencyIndex = dependencies
    }

    /// The declared regions of a residency zone, in the zone's order; undeclared names skipped.
    public static func regions(of zone: String, in blueprint: Blueprint) -> [Region] {
        guard let residency = blueprint.residencyZone(zone) else { return [] }
        return residency.regions.compactMap { blueprint.region($0) }
    }

    /// `Topology.regions(of:in:)` of this topology's blueprint, without resolving them again.
    public func regions(ofZone zone: String) -> [Region] {
        zoneRegionIndex[zone] ?? []
    }

    public func placements(inRegion region: String) -> ArraySlice<Placement> {
        regionPlacements[region].map { placements[$0] } ?? []
    }

    public func placement(service: String, region: String) -> Placement? {
        placementIndex[service]?[region].map { placements[$0] }
    }

    /// Regions that run at least one service, sorted by name.
    public var servingRegions: [String] { regionPlacements.keys.sorted() }

    /// D(s, J): the datastores service `s` needs to serve residency zone `zone` — those of
    /// that zone or global; when it uses zone-bound ones but none of `zone`, all of them.
    public func dependencies(of service: Service, serving zone: String) -> [Datastore] {
        dependencyIndex[service.name]?[zone] ?? Self.resolveDependencies(of: service, serving: zone, in: blueprint)
    }

    /// D(s, J) of a placement's service in the zone the placement serves, found by the service's
    /// name: no copy of the service is made (a compile asks once per placement and datastore).
    public func dependencies(of placement: Placement) -> [Datastore] {
        if let known = dependencyIndex[placement.service]?[placement.residencyZone] { return known }
        guard let service = blueprint.service(placement.service) else { return [] }
        return Self.resolveDependencies(of: service, serving: placement.residencyZone, in: blueprint)
    }

    private static func resolveDependencies(of service: Service, serving zone: String, in blueprint: Blueprint) -> [Datastore] {
        dependencies(using: service.uses.compactMap { blueprint.datastore($0) }, serving: zone)
    }

    /// D(s, J) from the datastores `s` uses (declared ones only).
    private static func dependencies(using used: [Datastore], serving zone: String) -> [Datastore] {
        let bound = used.filter { !$0.isGlobal }
        let local = used.filter { $0.isGlobal || $0.residency == zone }
        if !bound.isEmpty && !bound.contains(where: { $0.residency == zone }) {
            return used
        }
        return local
    }
}

extension Service {
    /// Whether pods beyond `replicas` (up to the autoscaler's ceiling) count after a region
    /// loss. A voting service's members are its static replicas everywhere: an HPA adds pods,
    /// not Raft/etcd voters (and `quorum-elastic` refuses the combination).
    public var scalesOut: Bool { capacity == .elastic && quorum == nil }
}
