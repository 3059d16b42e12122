import BlueprintModel

/// A set of failed regions and availability zones: "what if eu-west-1 is down?"
public struct Outage: Sendable, Hashable {
    public var regions: Set<String>
    public var zones: Set<String>

    public init(regions: Set<String> = [], zones: Set<String> = []) {
        self.regions = regions
        self.zones = zones
    }

    /// Reads `eu-west-1`, `us-east-1a,us-east-1b`: each name must be a declared region or zone.
    public static func parse(_ names: [String], in blueprint: Blueprint) -> (outage: Outage, unknown: [String]) {
        var outage = Outage()
        var unknown: [String] = []
        let zoneRegion = Dictionary(blueprint.regions.flatMap { region in region.zones.map { ($0, region.name) } }, uniquingKeysWith: { a, _ in a })
        for name in names.flatMap({ $0.split(separator: ",").map { String($0).trimmingSpaces() } }) where !name.isEmpty {
            if blueprint.region(name) != nil {
                outage.regions.insert(name)
            } else if zoneRegion[name] != nil {
                outage.zones.insert(name)
            } else {
                unknown.append(name)
            }
        }
        return (outage, unknown)
    }

    public var label: String {
        (regions.sorted() + zones.sorted()).joined(separator: ", ")
    }

    func isUp(_ region: String) -> Bool { !regions.contains(region) }

    func downZones(of region: Region) -> Int { region.zones.filter { zones.contains($0) }.count }
}

private extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}

/// What a given outage does to every service, datastore and objective of a blueprint, with the
/// same arithmetic as `explain` (same capacity rule, same RTO terms, same RPO).
public struct Simulation: Sendable {
    public struct Carrier: Sendable, Hashable {
        public var region: String
        public var share: String
        /// Pods left now, and what the region can reach (its replicas, or its autoscaler ceiling).
        public var podsLeft: Int
        public var ceiling: Int
        public var need: Int
        public var deficit: Int { max(0, need - ceiling) }
    }

    public struct ServiceOutcome: Sendable {
        public var service: String
        public var residencyZone: String
        public var served: Bool
        public var why: String
        public var carriers: [Carrier]
        /// The recovery events this outage triggers for the service, from `RecoveryModel.rto`.
        public var recovery: [RTOResult]
        public var rtoObjective: PerDisruption<Duration?>?
        public var withinObjective: Bool
        /// Recovery events (by label) whose figure or verdict explain withholds: not judged here either.
        public var rtoWithheld: [String: Withholding] = [:]
    }

    public struct DatastoreOutcome: Sendable {
        public var datastore: String
        /// Where writes go after the outage, and how they get there.
        public var writer: String?
        public var how: String
        /// Writes the new writer may not have (nil: unbounded, nothing survives).
        public var dataAtRisk: Duration?
        public var writerResidency: String?
        public var rpoObjective: Duration?
        public var withinObjective: Bool
        /// Whether a person must act (a manual promotion, restore or resync).
        public var needsPerson: Bool = false
        /// Set when explain withholds this datastore's RPO figure or verdict for this kind of outage.
        public var rpoWithheld: Withholding?
    }

    public struct RoutingChange: Sendable, Hashable {
        public var residencyZone: String
        public var change: String
    }

    public var outage: Outage
    public var services: [ServiceOutcome]
    public var datastores: [DatastoreOutcome]
    public var routing: [RoutingChange]

    public var holds: Bool {
        services.allSatisfy { $0.served && $0.withinObjective } && datastores.allSatisfy(\.withinObjective)
    }

    /// Everything the outage does, computed for this one state: compute by the availability
    /// model's rule, each needed datastore's writer by `WriterOutcome`, and the recovery events
    /// by `RecoveryModel.rto(…, in:)` — the computations explain's rows and the availability
    /// model read, so the two cannot tell different stories. Linear in services.
    /// `contexts`: the topology's recovery contexts when several outages of it are simulated.
    public init(_ topology: Topology, outage: Outage, contexts: RecoveryContexts? = nil) {
        self.outage = outage
        let blueprint = topology.blueprint
        let strictestRPO = Explanation.strictestRPO(topology)
        var writers: [String: WriterOutcome] = [:]
        func writer(_ datastore: Datastore) -> WriterOutcome {
            if let known = writers[datastore.name] { return known }
            let outcome = WriterOutcome.resolve(datastore, blueprint: blueprint, outage: outage)
            writers[datastore.name] = outcome
            return outcome
        }
        var services: [ServiceOutcome] = []
        for service in blueprint.services.sorted(by: { $0.name < $1.name }) {
            let objectives = service.objectives.over(blueprint.objectives)
            for zone in service.servedZones.sorted() where blueprint.residencyZone(zone) != nil {
                var outcome = Self.serve(service, zone: zone, topology: topology, outage: outage, writer: writer)
                outcome.recovery = RecoveryModel.rto(service: service, zone: zone, topology: topology, in: outage, contexts: contexts)
                outcome.rtoObjective = objectives.rto
                outcome.withinObjective = outcome.recovery.allSatisfy { result in
                    guard let limit = objectives.rto?[result.event.disruption] else { return true }
                    return result.unbounded == nil && result.total <= limit
                }
                services.append(outcome)
            }
        }
        self.services = services
        datastores = blueprint.datastores.sorted(by: { $0.name < $1.name }).compactMap { datastore in
            let failover = writer(datastore)
            guard failover.changesWriter else { return nil }
            let disruption: Disruption = outage.regions.isEmpty ? .zone : .region
            let objective = strictestRPO[datastore.name]?[disruption]
            let within = objective.map { limit in failover.dataAtRisk.map { $0 <= limit } ?? false } ?? true
            return DatastoreOutcome(datastore: datastore.name, writer: failover.writerRegion, how: failover.how,
                                    dataAtRisk: failover.dataAtRisk,
                                    writerResidency: failover.writerRegion.flatMap { blueprint.residencyZone(ofRegion: $0)?.name },
                                    rpoObjective: objective, withinObjective: within, needsPerson: failover.needsPerson)
        }
        routing = Self.routing(blueprint, outage: outage)
    }

    /// This simulation with the verdicts explain withholds (FigureDependencies) withheld here too:
    /// a recovery event or an RPO that reads a refused value is shown, marked, and not judged, so
    /// simulate and drill plan never pass or fail on a figure explain refuses to stand behind.
    public func withholding(_ explanation: Explanation?) -> Simulation {
        guard let explanation, !explanation.withheld.isEmpty else { return self }
        var result = self
        var rto: [String: Withholding] = [:]
        for row in explanation.rto {
            guard let withheld = row.withheld else { continue }
            rto["\(row.result.service)\u{0}\(row.result.residencyZone)\u{0}\(row.result.event.label)"] = withheld
        }
        for index in result.services.indices {
            let outcome = result.services[index]
            for event in outcome.recovery {
                if let withheld = rto["\(outcome.service)\u{0}\(outcome.residencyZone)\u{0}\(event.event.label)"] {
                    result.services[index].rtoWithheld[event.event.label] = withheld
                }
            }
            guard !result.services[index].rtoWithheld.isEmpty else { continue }
            let judged = outcome.recovery.filter { result.services[index].rtoWithheld[$0.event.label] == nil }
            result.services[index].withinObjective = judged.allSatisfy { event in
                guard let limit = outcome.rtoObjective?[event.event.disruption] ?? nil else { return true }
                return event.unbounded == nil && event.total <= limit
            }
        }
        let disruption: Disruption = outage.regions.isEmpty ? .zone : .region
        for index in result.datastores.indices {
            let name = result.datastores[index].datastore
            guard let withheld = explanation.rpo.first(where: { $0.result.datastore == name && $0.result.disruption == disruption })?.withheld
            else { continue }
            result.datastores[index].rpoWithheld = withheld
            result.datastores[index].withinObjective = true
        }
        return result
    }

    /// Served in one state: compute (below) and every needed datastore's writer (WriterOutcome). One
    /// rule for simulate and the rollout-wave proof.
    static func serve(_ service: Service, zone: String, topology: Topology, outage: Outage,
                      writer: (Datastore) -> WriterOutcome) -> ServiceOutcome {
        var outcome = serve(service, zone: zone, topology: topology, outage: outage)
        guard outcome.served else { return outcome }
        for datastore in topology.dependencies(of: service, serving: zone) {
            let failover = writer(datastore)
            if !failover.servesWrites {
                outcome.served = false
                outcome.why = "\(datastore.name): \(failover.how)"
                break
            }
        }
        return outcome
    }

    /// Compute for one service and zone in this outage: the availability model's rule, applied
    /// to one state instead of summed over all of them.
    static func serve(_ service: Service, zone: String, topology: Topology, outage: Outage) -> ServiceOutcome {
        let regions = topology.regions(ofZone: zone)
        let active = regions.filter { $0.role == .active }
        let upActive = active.filter { outage.isUp($0.name) }
        let demand = service.demand(in: zone)
        func carrier(_ region: Region, share: Share?, surge: Bool) -> Carrier? {
            guard let placement = topology.placement(service: service.name, region: region.name), let share else { return nil }
            let sizing = placement.sizing
            let policy = placement.policy.zoneAntiAffinity
            let d = outage.downZones(of: region)
            let ceilingReplicas = surge && service.scalesOut ? max(sizing.hpaMax, sizing.replicas) : sizing.replicas
            let quorum = placement.quorum.map { $0.size(replicas: sizing.replicas) } ?? 0
            return Carrier(region: region.name, share: share.description,
                           podsLeft: ReplicaMath.survivingPods(replicas: sizing.replicas, zones: region.zones.count, downZones: d, policy: policy),
                           ceiling: ReplicaMath.survivingPods(replicas: ceilingReplicas, zones: region.zones.count, downZones: d, policy: policy),
                           need: max(share.need(perReplica: service.perReplica), quorum))
        }
        var carriers: [Carrier] = []
        var served = false
        var why = ""
        if !active.isEmpty && upActive.count == active.count {
            carriers = active.compactMap { region in carrier(region, share: topology.placement(service: service.name, region: region.name)?.sizing.normalShare, surge: false) }
            served = carriers.count == active.count && carriers.allSatisfy { $0.podsLeft >= $0.need }
            why = served ? "every active region keeps its normal share" : "an active region lost too many pods for its normal share"
        } else if active.count >= 2 && upActive.count == active.count - 1 {
            carriers = upActive.compactMap { region in carrier(region, share: topology.placement(service: service.name, region: region.name)?.sizing.regionLossShare, surge: true) }
            served = carriers.count == upActive.count && carriers.allSatisfy { $0.ceiling >= $0.need }
            why = served ? "the surviving active regions carry the lost region's users" : "a surviving region cannot reach its region-loss share"
        } else if upActive.isEmpty {
            let standbys = regions.filter { $0.role == .standby && outage.isUp($0.name) }
            carriers = standbys.compactMap { carrier($0, share: Share(demand), surge: true) }
            served = carriers.contains { $0.ceiling >= $0.need }
            why = served ? "a standby takes the whole zone" : (standbys.isEmpty ? "no region of \(zone) is up" : "no standby can take the whole zone")
        } else {
            carriers = upActive.compactMap { region in carrier(region, share: topology.placement(service: service.name, region: region.name)?.sizing.regionLossShare, surge: true) }
            why = "\(active.count - upActive.count) active regions are down: beyond what the blueprint sizes for (one)"
        }
        return ServiceOutcome(service: service.name, residencyZone: zone, served: served, why: why, carriers: carriers,
                              recovery: [], rtoObjective: nil, withinObjective: true)
    }

    static func routing(_ blueprint: Blueprint, outage: Outage) -> [RoutingChange] {
        var changes: [RoutingChange] = []
        for zone in blueprint.residency {
            let regions = zone.regions.compactMap { blueprint.region($0) }
            let down = regions.filter { !outage.isUp($0.name) }
            guard !down.isEmpty else { continue }
            let up = regions.filter { outage.isUp($0.name) }
            if up.isEmpty {
                let locations = blueprint.traffic?.geolocation.filter { $0.zone == zone.name }.map(\.location) ?? []
                changes.append(RoutingChange(residencyZone: zone.name,
                                             change: "every region is down: users of \(locations.isEmpty ? zone.name : locations.joined(separator: ", ")) are not served (their records stay in the zone)"))
            } else {
                changes.append(RoutingChange(residencyZone: zone.name,
                                             change: "records of \(down.map(\.name).joined(separator: ", ")) fail their health checks; \(zone.name) users go to \(up.map(\.name).joined(separator: ", "))"))
            }
        }
        return changes
    }

    /// What `--all-single` keeps of one outage: its table row, not the whole simulation, so
    /// memory stays flat in the number of scenarios.
    public struct Summary: Sendable {
        public struct Unserved: Sendable, Hashable {
            public var service: String
            public var zone: String
        }

        public var outage: Outage
        public var holds: Bool
        public var unserved: [Unserved]
        /// Services and datastores whose objective the outage misses.
        public var missed: Int
        /// The slowest recovery, nil when unbounded.
        public var worstRecovery: Duration?

        /// Lower is worse: unserved services first, then missed objectives, then the slowest recovery.
        var severity: (Int, Int, Int) {
            (-unserved.count, -missed, worstRecovery.map { -$0.milliseconds } ?? Int.min)
        }
    }

    public var summary: Summary {
        Summary(outage: outage, holds: holds,
                unserved: services.filter { !$0.served }.map { Summary.Unserved(service: $0.service, zone: $0.residencyZone) },
                missed: services.filter { !$0.withinObjective }.count + datastores.filter { !$0.withinObjective }.count,
                worstRecovery: worstRecovery)
    }

    /// Every single-region and single-zone outage of a blueprint, in declaration order.
    public static func singleOutages(_ topology: Topology) -> [Outage] {
        var outages: [Outage] = []
        for region in topology.blueprint.regions {
            outages.append(Outage(regions: [region.name]))
            for zone in region.zones { outages.append(Outage(zones: [zone])) }
        }
        return outages
    }

    /// Worst first; ties keep declaration order.
    public static func worstFirst(_ summaries: [Summary]) -> [Summary] {
        summaries.enumerated().sorted { a, b in
            let (x, y) = (a.element.severity, b.element.severity)
            return (x.0, x.1, x.2, a.offset) < (y.0, y.1, y.2, b.offset)
        }.map(\.element)
    }

    /// Every single-region and single-zone outage, worst first (one thread; the CLI spreads the
    /// outages over the cores).
    public static func allSingle(_ topology: Topology) -> [Summary] {
        let contexts = RecoveryContexts(topology)
        return worstFirst(singleOutages(topology).map { Simulation(topology, outage: $0, contexts: contexts).summary })
    }

    /// The slowest recovery this outage sets off, nil when unbounded; zero when nothing recovers.
    public var worstRecovery: Duration? {
        var worst = Duration.zero
        for result in services.flatMap(\.recovery) {
            guard result.unbounded == nil else { return nil }
            worst = max(worst, result.total)
        }
        return worst
    }
}
