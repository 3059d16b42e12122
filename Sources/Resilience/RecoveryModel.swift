import BlueprintModel

/// One named addend of a recovery time.
public struct RTOTerm: Sendable, Hashable {
    public var name: String
    public var duration: Duration
    /// How the figure came about (`10s x 3`, `ledger-eu`), shown in parentheses.
    public var detail: String?
}

/// The recovery time of one service for one residency zone after one disruption.
public struct RTOResult: Sendable {
    public enum Event: Sendable, Hashable {
        /// Losing one availability zone of a region serving the zone.
        case zoneFailure(region: String)
        /// Losing an active region of the zone.
        case regionFailure(region: String)
        /// Losing the region holding the primary of a datastore the service needs.
        case datastoreRegionFailure(region: String)
        /// Losing one zone of a region that holds a needed datastore's primary but does not
        /// serve this residency zone.
        case datastoreZoneFailure(region: String)
        /// Losing the region of a sync replica that commits wait for.
        case syncReplicaRegionFailure(region: String)

        public var disruption: Disruption {
            switch self {
            case .zoneFailure, .datastoreZoneFailure: return .zone
            default: return .region
            }
        }

        public var region: String {
            switch self {
            case .zoneFailure(let r), .regionFailure(let r), .datastoreRegionFailure(let r), .datastoreZoneFailure(let r),
                 .syncReplicaRegionFailure(let r): r
            }
        }

        public var label: String {
            switch self {
            case .zoneFailure(let r): "zone failure in \(r)"
            case .regionFailure(let r): "region failure of \(r)"
            case .datastoreRegionFailure(let r): "region failure of \(r) (datastore primary)"
            case .datastoreZoneFailure(let r): "zone failure in \(r) (datastore primary)"
            case .syncReplicaRegionFailure(let r): "region failure of \(r) (sync replica)"
            }
        }
    }

    public var service: String
    public var residencyZone: String
    public var event: Event
    public var terms: [RTOTerm]
    /// Why recovery cannot happen at all, or nil when it is bounded.
    public var unbounded: String?

    public var total: Duration { terms.reduce(.zero) { $0 + $1.duration } }

    /// `detect 30s (10s x 3) + promote 1m0s (ledger-eu) + … = 3m0s`
    public var arithmetic: String {
        if let unbounded { return "\(event.label): unbounded (\(unbounded))" }
        let sum = terms.map { term in
            "\(term.name) \(term.duration)" + (term.detail.map { " (\($0))" } ?? "")
        }.joined(separator: " + ")
        return "\(event.label): \(sum) = \(total)"
    }
}

/// How much data one datastore can lose in one disruption.
public struct RPOResult: Sendable {
    public var datastore: String
    public var disruption: Disruption
    /// nil: unbounded (no copy survives the disruption).
    public var loss: Duration?
    public var reason: String
}

public enum RecoveryModel {
    /// How long a CloudWatch alarm on the database takes to fire (one 60 s period) before the
    /// Route53 CLOUDWATCH_METRIC health check of an `alarm` writer record turns unhealthy.
    public static let writerAlarmDetection = Duration.seconds(60)

    /// The autoscaler's scale-up policy that Meridian generates on every HPA, so the RTO's
    /// scale term and the cluster agree: each period the target may grow to the larger of
    /// double its pods or four more (the Kubernetes default policies, written out explicitly).
    public enum ScaleUpPolicy {
        public static let periodSeconds = 15
        public static let percent = 100
        public static let pods = 4

        /// HPA periods needed to grow from `from` pods to at least `to`.
        public static func periods(from: Int, to: Int) -> Int {
            var current = max(from, 1)
            var periods = 0
            while current < to {
                let doubled = current.multipliedClamped(by: 1 + percent / 100)
                let added = current > Int.max - pods ? Int.max : current + pods
                current = max(doubled, added)
                periods += 1
            }
            return periods
        }
    }

    // MARK: RTO

    public static func rto(service: Service, zone: String, topology: Topology) -> [RTOResult] {
        let context = Context(service: service, zone: zone, topology: topology)
        var results: [RTOResult] = []
        for region in context.active {
            results.append(context.zoneFailure(of: region.name))
            results.append(context.regionFailure(of: region.name))
        }
        // Regions this zone does not run in actively, but whose loss still reaches it through a
        // datastore: the primary's region (a zone or the whole region) and sync replicas' regions.
        let activeNames = Set(context.active.map(\.name))
        let primaryRegions = Set(context.datastores.map(\.primary)).subtracting(activeNames).sorted()
        for region in primaryRegions where topology.blueprint.region(region) != nil {
            results.append(context.datastoreZoneFailure(of: region))
            results.append(context.datastoreRegionFailure(of: region))
        }
        let syncRegions = Set(context.datastores.flatMap { context.syncRegions(of: $0) })
            .subtracting(activeNames).subtracting(primaryRegions).sorted()
        for region in syncRegions {
            let block = context.commitBlock(whenLosing: region)
            guard let term = block.term else { continue }
            results.append(RTOResult(service: service.name, residencyZone: zone, event: .syncReplicaRegionFailure(region: region),
                                     terms: [term, context.reconnect], unbounded: nil))
        }
        return results
    }

    /// What one service's recovery in one residency zone is made of.
    struct Context {
        let service: Service
        let zone: String
        let topology: Topology
        let blueprint: Blueprint
        let datastores: [Datastore]
        let zoneRegions: [Region]
        let active: [Region]
        let detect: RTOTerm
        let appDNS: RTOTerm
        let reconnect: RTOTerm

        init(service: Service, zone: String, topology: Topology) {
            self.service = service
            self.zone = zone
            self.topology = topology
            blueprint = topology.blueprint
            datastores = topology.dependencies(of: service, serving: zone)
            zoneRegions = Topology.regions(of: zone, in: blueprint)
            active = zoneRegions.filter { $0.role == .active }
            let check = blueprint.traffic?.healthCheck
            let interval = check?.interval ?? .seconds(30)
            let threshold = check?.failureThreshold ?? 3
            detect = RTOTerm(name: "detect", duration: interval * threshold, detail: "\(interval) x \(threshold)")
            // Alias records to load balancers carry the ELB's 60 s TTL; plain records carry traffic.ttl.
            appDNS = RTOTerm(name: "dns", duration: max(.seconds(60), blueprint.traffic?.ttl ?? .zero), detail: nil)
            reconnect = RTOTerm(name: "reconnect", duration: blueprint.assumptions.connectionRefresh, detail: nil)
        }

        func primaries(in region: String) -> [Datastore] { datastores.filter { $0.primary == region } }

        func syncRegions(of datastore: Datastore) -> [String] {
            var regions: [String] = []
            for replica in datastore.replicas where replica.mode == .sync && replica.region != datastore.primary
            && !regions.contains(replica.region) {
                regions.append(replica.region)
            }
            return regions
        }

        // MARK: Events

        func zoneFailure(of region: String) -> RTOResult {
            let failover = promotion(of: primaries(in: region), disruption: .zone)
            // Moving the writer's name, when the failover leaves the region, is inside `promote`.
            let terms = [RTOTerm(name: "detect", duration: blueprint.assumptions.zoneDetection, detail: "zone detection"), failover.term, reconnect]
            return RTOResult(service: service.name, residencyZone: zone, event: .zoneFailure(region: region), terms: terms,
                             unbounded: failover.unbounded)
        }

        func regionFailure(of region: String) -> RTOResult {
            let event = RTOResult.Event.regionFailure(region: region)
            let survivors = zoneRegions.filter { $0.name != region }
            let carriers = active.count >= 2 ? survivors.filter { $0.role == .active } : survivors.filter { $0.role == .standby }
            if carriers.isEmpty {
                return RTOResult(service: service.name, residencyZone: zone, event: event, terms: [],
                                 unbounded: "residency zone \(zone) has no other region to take its load")
            }
            let scale = scaling(carriers: carriers, allMustCarry: active.count >= 2)
            let failover = promotion(of: primaries(in: region), disruption: .region)
            var terms = [detect, failover.term, appDNS, scale.term]
            // Automatic resync happens within the detection already counted here.
            if let block = commitBlock(whenLosing: region).term, block.detail?.hasSuffix(", manual") == true { terms.append(block) }
            terms.append(reconnect)
            return RTOResult(service: service.name, residencyZone: zone, event: event, terms: terms,
                             unbounded: scale.unbounded ?? failover.unbounded)
        }

        func datastoreRegionFailure(of region: String) -> RTOResult {
            // The writer's name follows the datastore by its own mechanism (failover.writer), whose
            // detection and DNS are part of `promote`; the application's health checks play no part.
            let failover = promotion(of: primaries(in: region), disruption: .region)
            return RTOResult(service: service.name, residencyZone: zone, event: .datastoreRegionFailure(region: region),
                             terms: [failover.term, reconnect], unbounded: failover.unbounded)
        }

        func datastoreZoneFailure(of region: String) -> RTOResult {
            // A managed Multi-AZ failover detects the lost zone itself and flips its own endpoint;
            // its promotion time includes that (RDS: "typically 60–120 seconds").
            let failover = promotion(of: primaries(in: region), disruption: .zone)
            return RTOResult(service: service.name, residencyZone: zone, event: .datastoreZoneFailure(region: region), terms: [failover.term, reconnect],
                             unbounded: failover.unbounded)
        }

        /// Commits that wait for a sync replica in `region` block when it is lost and the rest
        /// cannot make the quorum, until the sync set is reconfigured: by the failover
        /// automation after detection, or by a human.
        func commitBlock(whenLosing region: String) -> (term: RTOTerm?, datastores: [String]) {
            var slowest = Duration.zero
            var names: [String] = []
            var manual = false
            for datastore in datastores where datastore.primary != region {
                let sync = syncRegions(of: datastore)
                guard sync.contains(region) else { continue }
                let quorum = min(sync.count, datastore.syncQuorum ?? sync.count)
                guard sync.count - 1 < quorum else { continue }
                let time = datastore.failover.automatic ? detect.duration : blueprint.assumptions.manualResponse
                if time > slowest { slowest = time; names = [datastore.name]; manual = !datastore.failover.automatic } else if time == slowest { names.append(datastore.name) }
            }
            guard !names.isEmpty else { return (nil, []) }
            let detail = "commits wait for \(names.joined(separator: ", ")) sync replica in \(region)" + (manual ? ", manual" : "")
            return (RTOTerm(name: "resync", duration: slowest, detail: detail), names)
        }

        // MARK: Terms

        struct Failover {
            var term: RTOTerm
            var unbounded: String?
            var movesWriter: Bool
        }

        /// The slowest failover among `datastores` when their primary's zone or region is lost.
        func promotion(of datastores: [Datastore], disruption: Disruption) -> Failover {
            var slowest = Duration.zero
            var details: [String] = []
            var unbounded: String?
            var moves = false
            for datastore in datastores {
                guard let path = failoverPath(of: datastore, disruption: disruption) else {
                    unbounded = "\(datastore.name) has no replica or backup in another region of its residency zone"
                    continue
                }
                if path.movesWriter { moves = true }
                if path.time > slowest {
                    slowest = path.time
                    details = [path.detail]
                } else if path.time == slowest && path.time > .zero {
                    details.append(path.detail)
                }
            }
            let term = RTOTerm(name: "promote", duration: slowest, detail: details.isEmpty ? nil : details.joined(separator: "; "))
            return Failover(term: term, unbounded: unbounded, movesWriter: moves)
        }

        /// How long until writes reach the new writer, given the promotion (or restore) time, as
        /// the generated `writer.<datastore>` record behaves (docs/delivery.md):
        /// - managed: a CNAME to the service's own global writer endpoint, which the service moves
        ///   as part of the failover: nothing to add;
        /// - alarm: a Route53 failover pair on a CLOUDWATCH_METRIC health check; the name moves after
        ///   the alarm fires and the TTL expires, alongside the promotion — writes resume when both are done;
        /// - manual: one CNAME the runbook re-points after promotion (a person, unless that person
        ///   is already counted as the manual promotion), then the TTL.
        func movingWriter(_ datastore: Datastore, after promotion: Duration, _ detail: String) -> (time: Duration, detail: String) {
            let ttl = blueprint.traffic?.ttl ?? .seconds(60)
            switch datastore.failover.writer {
            case .managed:
                return (promotion, detail + ", managed writer endpoint")
            case .alarm:
                let name = RecoveryModel.writerAlarmDetection + ttl
                return (max(name, promotion), detail + ", writer alarm \(RecoveryModel.writerAlarmDetection) + TTL \(ttl) beside it")
            case .manual:
                let flip = datastore.failover.automatic ? blueprint.assumptions.manualResponse : .zero
                return (promotion + flip + ttl, detail + (datastore.failover.automatic ? ", manual writer re-point" : "") + " + writer TTL \(ttl)")
            }
        }

        /// How a datastore's writer comes back after it loses its primary's zone or region, or nil
        /// when nothing can bring it back inside its residency zone.
        func failoverPath(of datastore: Datastore, disruption: Disruption) -> (time: Duration, detail: String, movesWriter: Bool)? {
            let manual = blueprint.assumptions.manualResponse
            let local = datastore.replicas.filter { $0.region == datastore.primary }
            if disruption == .zone {
                // Inside the region the engine fails over on its own (RDS/Aurora Multi-AZ):
                // `automatic` governs only cross-region promotion.
                if local.contains(where: { $0.mode == .sync }) {
                    return (datastore.failover.promotion.zone, "\(datastore.name) in-region standby", false)
                }
                if !local.isEmpty {
                    // Promoting an in-region read replica is a promotion like a cross-region one.
                    let time = datastore.failover.promotion.zone + (datastore.failover.automatic ? .zero : manual)
                    return (time, "\(datastore.name) in-region replica" + (datastore.failover.automatic ? "" : ", manual"), false)
                }
            }
            let elsewhere = datastore.replicas.filter {
                $0.region != datastore.primary && blueprint.isInsideResidency(of: datastore, $0.region)
            }
            let automatic = datastore.failover.automatic
            if !elsewhere.isEmpty {
                let time = datastore.failover.promotion.region + (automatic ? .zero : manual)
                let moved = movingWriter(datastore, after: time, "\(datastore.name) cross-region" + (automatic ? "" : ", manual"))
                return (moved.time, moved.detail, true)
            }
            if let backups = datastore.backups {
                // A restore needs a copy that survives: another region for a region loss; for a
                // zone loss, the region's own (regional) backup storage also survives.
                let reachable = backups.regions.contains { $0 != datastore.primary && blueprint.isInsideResidency(of: datastore, $0) }
                if reachable || disruption == .zone {
                    let stated = backups.restoreStated ? "" : ", default"
                    let time = backups.restore + (automatic ? .zero : manual)
                    let moved = movingWriter(datastore, after: time, "\(datastore.name) restore from backup\(stated)" + (automatic ? "" : ", manual"))
                    return (moved.time, moved.detail, true)
                }
            }
            return nil
        }

        /// The scale-out the surviving regions need, or why they cannot carry the load at all.
        func scaling(carriers: [Region], allMustCarry: Bool) -> (term: RTOTerm, unbounded: String?) {
            let demand = service.demand(in: zone)
            var slowest: (time: Duration, detail: String?)?
            var refusals: [String] = []
            var anyCan = false
            for carrier in carriers {
                guard let sizing = topology.placement(service: service.name, region: carrier.name)?.sizing else {
                    refusals.append("\(service.name) does not run in \(carrier.name)")
                    continue
                }
                // A standby takes the whole zone; an active survivor its region-loss share.
                let load = carrier.role == .standby ? Share(demand) : (sizing.regionLossShare ?? Share(demand))
                let placement = topology.placement(service: service.name, region: carrier.name)
                let quorum = placement?.quorum.map { $0.size(replicas: sizing.replicas) } ?? 0
                let need = max(load.need(perReplica: service.perReplica), quorum)
                // Pods beyond one per zone under required anti-affinity never run.
                let schedulable = { (pods: Int) in
                    ReplicaMath.schedulablePods(replicas: pods, zones: carrier.zones.count, policy: placement?.policy.zoneAntiAffinity ?? .spread)
                }
                let ceiling = schedulable(service.capacity == .elastic ? max(sizing.hpaMax, sizing.replicas) : sizing.replicas)
                let running = schedulable(sizing.replicas)
                guard ceiling >= need else {
                    let what = service.capacity == .elastic ? "its autoscaler ceiling is \(ceiling) pods" : "it runs \(ceiling) pods"
                    refusals.append("\(carrier.name) must carry \(load) rps = \(need) pods but \(what)")
                    continue
                }
                anyCan = true
                let steps = running < need ? ScaleUpPolicy.periods(from: running, to: need) : 0
                let a = blueprint.assumptions
                let time = a.scaleReaction + .seconds(steps * ScaleUpPolicy.periodSeconds) + a.podStartup
                let ready = running >= need
                let detail = "\(carrier.name) \(running)→\(need) pods: \(a.scaleReaction) reaction + \(steps) x \(ScaleUpPolicy.periodSeconds)s HPA steps + \(a.podStartup) pod startup"
                let candidate = (time: ready ? Duration.zero : time, detail: ready ? nil : detail)
                // Every active survivor must be ready (the slowest counts); of standbys, the
                // first able one takes the zone, as the availability model assumes (the fastest).
                if let current = slowest {
                    if allMustCarry ? candidate.time > current.time : candidate.time < current.time { slowest = candidate }
                } else {
                    slowest = candidate
                }
            }
            let term = RTOTerm(name: "scale", duration: slowest?.time ?? .zero, detail: slowest?.detail ?? nil)
            if allMustCarry ? !refusals.isEmpty : !anyCan {
                return (term, refusals.joined(separator: "; "))
            }
            return (term, nil)
        }
    }

    // MARK: RPO

    public static func rpo(_ datastore: Datastore, disruption: Disruption, blueprint: Blueprint) -> RPOResult {
        // The best copy that survives, wherever it is inside the residency zone: a zone loss takes
        // the primary's zone only, so in-region copies in other zones and every other region's
        // copies survive; a region loss leaves only other regions' copies.
        let surviving = datastore.replicas.filter { replica in
            guard blueprint.isInsideResidency(of: datastore, replica.region) else { return false }
            return disruption == .zone || replica.region != datastore.primary
        }
        let syncRegions = Set(datastore.replicas.filter { $0.mode == .sync && $0.region != datastore.primary }.map(\.region))
        if let sync = surviving.first(where: { $0.mode == .sync }) {
            var reason = "sync replica in \(sync.region)"
            if sync.region != datastore.primary, let quorum = datastore.syncQuorum, quorum < syncRegions.count {
                reason += " (any \(quorum) of \(syncRegions.count) acknowledge each commit: promote the most recent)"
            }
            return RPOResult(datastore: datastore.name, disruption: disruption, loss: .zero, reason: reason)
        }
        if let best = surviving.min(by: { ($0.lag, $0.region) < ($1.lag, $1.region) }) {
            return RPOResult(datastore: datastore.name, disruption: disruption, loss: best.lag,
                             reason: "async replica in \(best.region) lags up to \(best.lag)")
        }
        if let backups = datastore.backups {
            if disruption == .zone {
                // Backups live in the region's storage, which spans its zones.
                return RPOResult(datastore: datastore.name, disruption: disruption, loss: backups.every,
                                 reason: "no surviving replica; backups every \(backups.every)")
            }
            let reach = backups.regions.filter { $0 != datastore.primary && blueprint.isInsideResidency(of: datastore, $0) }
            if let target = reach.first {
                let stated = backups.copyDelayStated ? "" : " (default)"
                return RPOResult(datastore: datastore.name, disruption: disruption, loss: backups.every + backups.copyDelay,
                                 reason: "no replica in another region of its residency zone; backups every \(backups.every) + copy to \(target) \(backups.copyDelay)\(stated)")
            }
        }
        let place = disruption == .zone ? "that survives a zone loss" : "in another region of its residency zone"
        return RPOResult(datastore: datastore.name, disruption: disruption, loss: nil, reason: "no replica or backup \(place)")
    }
}
