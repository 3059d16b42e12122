import BlueprintModel
import Diagnostics

/// Everything the engine computes about a blueprint, as plain rows: what `explain`, REPORT.md
/// and `diff` show. One place computes it; the renderers only format.
public struct Explanation: Sendable {
    public struct CapacityRow: Sendable, Hashable {
        public var service: String
        public var residencyZone: String
        public var region: String
        public var role: RegionRole
        public var zones: Int
        public var normalShare: String
        public var regionLossShare: String?
        public var need: Int
        public var replicas: Int
        public var pdbMaxUnavailable: Int
        public var hpaMin: Int
        public var hpaMax: Int
        /// `zone spread`, `zone required, host preferred`, plus `quorum 2` for voting services.
        public var placement: String
    }

    public struct AvailabilityRow: Sendable, Hashable {
        public var service: String
        public var residencyZone: String
        public var availability: Double
        public var compute: Double
        public var data: Double
        public var objective: Percentage?
        /// The regions whose states were enumerated.
        public var regions: [String]
        /// Set when the figure or its objective reads a refused value (FigureDependencies).
        public var withheld: Withholding? = nil

        public var downtimeMinutesPerYear: Double { (1 - availability) * 525_600 }
        /// True too when the verdict is withheld: no finding, the check is announced instead.
        public var meetsObjective: Bool { withheld != nil || objective.map { availability >= $0.fraction } ?? true }
    }

    public struct RTORow: Sendable {
        public var result: RTOResult
        public var objective: Duration?
        public var withheld: Withholding? = nil
        /// The service states an RTO, but not for this disruption (`rto: { zone: 5m }`).
        public var notPromised = false

        /// nil when unbounded.
        public var total: Duration? { result.unbounded == nil ? result.total : nil }
        /// True too when the verdict is withheld: no finding, the check is announced instead.
        public var meetsObjective: Bool {
            guard let objective, withheld == nil else { return true }
            return total.map { $0 <= objective } ?? false
        }
    }

    public struct RPORow: Sendable {
        public var result: RPOResult
        public var objective: Duration?
        public var withheld: Withholding? = nil
        /// Its users state RPOs, none for this disruption (`rpo: { zone: 0s }`).
        public var notPromised = false

        /// True too when the verdict is withheld: no finding, the check is announced instead.
        public var meetsObjective: Bool {
            guard let objective, withheld == nil else { return true }
            return result.loss.map { $0 <= objective } ?? false
        }
    }

    public var blueprint: String
    public var capacity: [CapacityRow]
    public var availability: [AvailabilityRow]
    public var rto: [RTORow]
    public var rpo: [RPORow]
    public var waivers: [Waiver]
    /// Checks not made because a value they read was refused, each once (FigureDependencies).
    public var withheld: [WithheldCheck] = []

    /// Which geolocation locations reach which residency zone's record set.
    public struct RoutingRow: Sendable, Hashable {
        public var residencyZone: String
        public var locations: [String]
        /// Route53 answers the `default` record for addresses it cannot place and for locations
        /// no record lists (Route53 Developer Guide, "Geolocation routing").
        public var receivesUnplaced: Bool
    }

    public var routing: [RoutingRow]

    /// What carries each zone-loss recovery, and which need launches (StaticStability).
    public var zoneLoss: [StaticStability.ZoneLossRow]

    /// The routing rows of a blueprint, in residency-zone order; empty without geolocation.
    public static func routing(of blueprint: Blueprint) -> [RoutingRow] {
        guard let geolocation = blueprint.traffic?.geolocation, !geolocation.isEmpty else { return [] }
        return blueprint.residency.map { zone in
            RoutingRow(residencyZone: zone.name,
                       locations: geolocation.filter { $0.zone == zone.name && $0.location != "default" }.map(\.location),
                       receivesUnplaced: geolocation.contains { $0.location == "default" && $0.zone == zone.name })
        }
    }

    /// `spreadFrom`: the number of services from which they are evaluated on every core.
    public init(_ topology: Topology, spreadFrom: Int = Parallel.servicesWorthSpreading) {
        let blueprint = topology.blueprint
        self.blueprint = blueprint.name
        capacity = topology.placements.map { placement in
            let sizing = placement.sizing
            return CapacityRow(
                service: placement.service, residencyZone: placement.residencyZone, region: placement.region, role: placement.role,
                zones: placement.zones.count, normalShare: sizing.normalShare.description,
                regionLossShare: sizing.regionLossShare?.description, need: sizing.provisionedNeed, replicas: sizing.replicas,
                pdbMaxUnavailable: sizing.pdbMaxUnavailable, hpaMin: sizing.hpaMin, hpaMax: sizing.hpaMax,
                placement: placement.policy.description + (placement.quorum.map { ", quorum \($0.size(replicas: sizing.replicas))" } ?? ""))
        }
        // Services sized alike share one availability evaluation, within a topology and across them.
        let availabilityCache = AvailabilityCache.shared
        // Sorted by name: the report must not change when a blueprint is merely reordered.
        let services = blueprint.services.sorted(by: { $0.name < $1.name })
        // Each service's figures depend on the topology alone, so on a large blueprint runs of
        // services are evaluated on every core and the runs joined in name order: the same rows
        // as one thread gives. A run's rows go into one array, as one thread's would: per-service
        // arrays, freed once joined, left 4-5 MB of holes in the heap at 1,000 services × 32 regions.
        let runs = services.count >= spreadFrom ? min(services.count, 8) : 1
        var perRun = Parallel.map(runs) { run -> (availability: [AvailabilityRow], rto: [RTORow]) in
            var availability: [AvailabilityRow] = [], rto: [RTORow] = []
            for service in services[(run * services.count / runs)..<((run + 1) * services.count / runs)] {
                let objectives = service.objectives.over(blueprint.objectives)
                for zone in service.servedZones.sorted() where blueprint.residencyZone(zone) != nil {
                    let result = AvailabilityModel.evaluate(service: service, zone: zone, topology: topology, cache: availabilityCache)
                    availability.append(AvailabilityRow(
                        service: service.name, residencyZone: zone, availability: result.availability, compute: result.compute,
                        data: result.data, objective: objectives.availability, regions: result.regions))
                    rto += RecoveryModel.rto(service: service, zone: zone, topology: topology).map {
                        RTORow(result: $0, objective: objectives.rto?[$0.event.disruption],
                               notPromised: objectives.rto != nil && objectives.rto?[$0.event.disruption] == nil)
                    }
                }
            }
            return (availability, rto)
        }
        if perRun.count == 1 {
            availability = perRun[0].availability
            rto = perRun[0].rto
        } else {
            // Joined at their exact size, each run's rows let go once copied.
            var availability: [AvailabilityRow] = [], rto: [RTORow] = []
            availability.reserveCapacity(perRun.reduce(0) { $0 + $1.availability.count })
            rto.reserveCapacity(perRun.reduce(0) { $0 + $1.rto.count })
            for index in perRun.indices {
                availability += perRun[index].availability
                rto += perRun[index].rto
                perRun[index] = ([], [])
            }
            self.availability = availability
            self.rto = rto
        }
        let strictestRPO = Self.strictestRPO(topology)
        rpo = blueprint.datastores.sorted(by: { $0.name < $1.name }).flatMap { datastore in
            Disruption.allCases.map { disruption in
                RPORow(result: RecoveryModel.rpo(datastore, disruption: disruption, blueprint: blueprint),
                       objective: strictestRPO[datastore.name]?[disruption],
                       notPromised: strictestRPO[datastore.name] != nil && strictestRPO[datastore.name]?[disruption] == nil)
            }
        }
        waivers = blueprint.waivers
        routing = Self.routing(of: blueprint)
        zoneLoss = StaticStability.zoneLoss(topology)
    }

    /// Per datastore, the strictest RPO objective of the services that need it.
    public static func strictestRPO(_ topology: Topology) -> [String: PerDisruption<Duration?>] {
        let blueprint = topology.blueprint
        var strictest: [String: PerDisruption<Duration?>] = [:]
        // A disruption a service does not promise (nil) leaves the others' objectives standing.
        let stricter = { (a: Duration?, b: Duration?) in [a, b].compactMap { $0 }.min() }
        for service in blueprint.services {
            guard let objective = service.objectives.over(blueprint.objectives).rpo else { continue }
            for zone in service.servedZones where blueprint.residencyZone(zone) != nil {
                for datastore in topology.dependencies(of: service, serving: zone) {
                    let current = strictest[datastore.name] ?? objective
                    strictest[datastore.name] = PerDisruption(zone: stricter(current.zone, objective.zone),
                                                              region: stricter(current.region, objective.region))
                }
            }
        }
        return strictest
    }

    /// The slowest recovery per service, zone and disruption; nil duration means unbounded.
    public var worstRTO: [(service: String, zone: String, disruption: Disruption, total: Duration?, objective: Duration?)] {
        struct Key: Hashable { var service: String, zone: String, disruption: Disruption }
        var result: [(String, String, Disruption, Duration?, Duration?)] = []
        var indexOf: [Key: Int] = [:]  // first row of each key: a search of `result` was quadratic
        for row in rto {
            let key = Key(service: row.result.service, zone: row.result.residencyZone, disruption: row.result.event.disruption)
            if let index = indexOf[key] {
                let existing = result[index].3
                if existing != nil && (row.total == nil || row.total! > existing!) { result[index].3 = row.total }
            } else {
                indexOf[key] = result.count
                result.append((key.service, key.zone, key.disruption, row.total, row.objective))
            }
        }
        return result.map { (service: $0.0, zone: $0.1, disruption: $0.2, total: $0.3, objective: $0.4) }
    }
}
