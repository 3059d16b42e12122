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
    /// The CloudWatch alarm Meridian generates for an `alarm` writer (docs/terraform.md, "Writer
    /// alarms"): evaluated in the region the writer moves to, missing data breaching, ALARM after
    /// `periods` consecutive breaching (or missing) periods of `periodSeconds`.
    public enum WriterAlarm {
        public static let periodSeconds = 60
        public static let periods = 2
    }

    /// How long the writer alarm takes to fire (2 × 60 s) before the Route53 CLOUDWATCH_METRIC
    /// health check of an `alarm` writer record turns unhealthy.
    public static let writerAlarmDetection = Duration.seconds(WriterAlarm.periodSeconds * WriterAlarm.periods)

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

    /// explain's rows: for each region whose loss reaches this service and zone, the loss of the
    /// whole region and the loss of its first zone (the zone holding the primaries, so the worst
    /// one). Each row is `rto(…, in:)` of that outage state: what `simulate` reports for it.
    public static func rto(service: Service, zone: String, topology: Topology) -> [RTOResult] {
        let context = Context(service: service, zone: zone, topology: topology)
        var results: [RTOResult] = []
        for region in context.eventRegions {
            guard let declared = topology.blueprint.region(region) else { continue }
            if let first = declared.zones.first, let event = context.zoneEvent(region, outage: Outage(zones: [first])) {
                results.append(event)
            }
            if let event = context.regionEvent(region, outage: Outage(regions: [region])) { results.append(event) }
        }
        return results
    }

    /// The recovery events one outage state sets off for a service and residency zone: one per
    /// lost region, and one per region that lost zones, when the loss reaches the service.
    public static func rto(service: Service, zone: String, topology: Topology, in outage: Outage,
                           contexts: RecoveryContexts? = nil) -> [RTOResult] {
        let context = contexts?.context(service: service.name, zone: zone) ?? Context(service: service, zone: zone, topology: topology)
        var results: [RTOResult] = []
        for region in context.eventRegions {
            guard let declared = topology.blueprint.region(region) else { continue }
            if outage.regions.contains(region) {
                if let event = context.regionEvent(region, outage: outage) { results.append(event) }
            } else if declared.zones.contains(where: outage.zones.contains), let event = context.zoneEvent(region, outage: outage) {
                results.append(event)
            }
        }
        return results
    }

    /// What one service's recovery in one residency zone is made of.
    struct Context: Sendable {
        let service: Service
        let zone: String
        let topology: Topology
        let blueprint: Blueprint
        let datastores: [DatastoreCopies]
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
            datastores = topology.dependencies(of: service, serving: zone).map { DatastoreCopies($0, blueprint: topology.blueprint) }
            zoneRegions = topology.regions(ofZone: zone)
            active = zoneRegions.filter { $0.role == .active }
            let check = blueprint.traffic?.healthCheck
            let interval = check?.interval ?? .seconds(30)
            let threshold = check?.failureThreshold ?? 3
            detect = RTOTerm(name: "detect", duration: interval * threshold, detail: "\(interval) x \(threshold)")
            // Users reach a region through alias records to its load balancer, whose TTL is the
            // ELB's fixed 60 s whatever traffic.ttl says (Route 53 FAQ, "DNS failover"); traffic.ttl
            // is the writer records' TTL and counts only inside `promote`, where a writer moves.
            appDNS = RTOTerm(name: "dns", duration: RecoveryModel.aliasTTL, detail: "load balancer alias TTL")
            reconnect = RTOTerm(name: "reconnect", duration: blueprint.assumptions.connectionRefresh, detail: nil)
        }

        /// Regions whose loss reaches this service and zone, in a fixed order: its active
        /// regions, then regions holding a needed datastore's primary, then regions holding a
        /// sync replica commits wait for.
        var eventRegions: [String] {
            var regions = active.map(\.name)
            for region in Set(datastores.map(\.datastore.primary)).subtracting(regions).sorted() { regions.append(region) }
            for region in Set(datastores.flatMap(\.syncRegions)).subtracting(regions).sorted() { regions.append(region) }
            return regions
        }

        func writers(primaryIn region: String, outage: Outage) -> [(DatastoreCopies, WriterOutcome)] {
            datastores.filter { $0.datastore.primary == region }.map { ($0, WriterOutcome.resolve($0, blueprint: blueprint, outage: outage)) }
        }

        // MARK: Events

        /// Zones of `region` lost (`outage` says which): the engine or a promotion replaces the
        /// writers whose zones are gone. An active region's row exists even when no writer moves
        /// (clients of the lost zone's pods reconnect); another region's only when one does.
        func zoneEvent(_ region: String, outage: Outage) -> RTOResult? {
            let writers = writers(primaryIn: region, outage: outage)
            let failover = promotion(of: writers, outage: outage)
            if active.contains(where: { $0.name == region }) {
                let terms = [RTOTerm(name: "detect", duration: blueprint.assumptions.zoneDetection, detail: "zone detection"), failover.term, reconnect]
                return RTOResult(service: service.name, residencyZone: zone, event: .zoneFailure(region: region), terms: terms,
                                 unbounded: failover.unbounded)
            }
            guard writers.contains(where: { $0.1.changesWriter }) else { return nil }
            // A managed Multi-AZ failover detects the lost zone itself; its promotion time includes that.
            return RTOResult(service: service.name, residencyZone: zone, event: .datastoreZoneFailure(region: region),
                             terms: [failover.term, reconnect], unbounded: failover.unbounded)
        }

        /// `region` lost. Its row adds the terms of every part it plays, in the order they
        /// happen: an active region's detection, DNS and scale-out; the promotion of the
        /// primaries it held; the resync of commits that waited for a sync replica it held.
        func regionEvent(_ region: String, outage: Outage) -> RTOResult? {
            let writers = writers(primaryIn: region, outage: outage)
            let block = commitBlock(whenLosing: region, outage: outage)
            if active.contains(where: { $0.name == region }) {
                let event = RTOResult.Event.regionFailure(region: region)
                let survivors = zoneRegions.filter { $0.name != region }
                let carriers = active.count >= 2 ? survivors.filter { $0.role == .active } : survivors.filter { $0.role == .standby }
                if carriers.isEmpty {
                    return RTOResult(service: service.name, residencyZone: zone, event: event, terms: [],
                                     unbounded: "residency zone \(zone) has no other region to take its load")
                }
                let scale = scaling(carriers: carriers, allMustCarry: active.count >= 2)
                let failover = promotion(of: writers, outage: outage)
                var terms = [detect, failover.term, appDNS, scale.term]
                // An automated resync happens within the detection already counted here.
                if let term = block, term.manual { terms.append(term.term) }
                terms.append(reconnect)
                return RTOResult(service: service.name, residencyZone: zone, event: event, terms: terms,
                                 unbounded: scale.unbounded ?? failover.unbounded)
            }
            // The writer's name follows the datastore by its own mechanism (failover.writer), whose
            // detection and DNS are part of `promote`; the application's health checks play no part.
            var terms: [RTOTerm] = []
            var unbounded: String?
            if !writers.isEmpty {
                let failover = promotion(of: writers, outage: outage)
                terms.append(failover.term)
                unbounded = failover.unbounded
            }
            if let block {
                // Nothing else in this row detects the loss: an automated resync takes one detection.
                terms.append(block.term)
            }
            guard !terms.isEmpty else { return nil }
            terms.append(reconnect)
            let event: RTOResult.Event = writers.isEmpty ? .syncReplicaRegionFailure(region: region) : .datastoreRegionFailure(region: region)
            return RTOResult(service: service.name, residencyZone: zone, event: event, terms: terms, unbounded: unbounded)
        }

        /// Commits of datastores whose writer survives but waits for a sync replica in `region`
        /// block until the sync set is reconfigured: by the named automation after detection,
        /// or by a person (`manualResponse`). The slowest counts.
        func commitBlock(whenLosing region: String, outage: Outage) -> (term: RTOTerm, manual: Bool)? {
            var slowest = Duration.zero
            var names: [String] = []
            var manual = false
            for copies in datastores where copies.datastore.primary != region && copies.syncRegions.contains(region) {
                let outcome = WriterOutcome.resolve(copies, blueprint: blueprint, outage: outage)
                guard case .resync = outcome.mechanism else { continue }
                let person = !copies.datastore.failover.isAutomated
                let time = person ? blueprint.assumptions.manualResponse : detect.duration
                if time > slowest {
                    slowest = time
                    names = [copies.datastore.name]
                    manual = person
                } else if time == slowest {
                    names.append(copies.datastore.name)
                }
            }
            guard !names.isEmpty else { return nil }
            let detail = "commits wait for \(names.joined(separator: ", ")) sync replica in \(region)" + (manual ? ", manual" : ", automated")
            return (RTOTerm(name: "resync", duration: slowest, detail: detail), manual)
        }

        // MARK: Terms

        struct Failover {
            var term: RTOTerm
            var unbounded: String?
        }

        /// The slowest of the writers' failovers in this outage state.
        func promotion(of writers: [(DatastoreCopies, WriterOutcome)], outage: Outage) -> Failover {
            var slowest = Duration.zero
            var details: [String] = []
            var unbounded: String?
            for (copies, outcome) in writers {
                guard let path = failoverTime(copies, outcome, outage: outage) else {
                    if case .resync = outcome.mechanism { continue }
                    if outcome.mechanism == .unchanged { continue }
                    unbounded = "\(copies.datastore.name): \(outcome.how)"
                    continue
                }
                if path.time > slowest {
                    slowest = path.time
                    details = [path.detail]
                } else if path.time == slowest && path.time > .zero {
                    details.append(path.detail)
                }
            }
            let term = RTOTerm(name: "promote", duration: slowest, detail: details.isEmpty ? nil : details.joined(separator: "; "))
            return Failover(term: term, unbounded: unbounded)
        }

        /// How long until writes reach the writer `outcome` names; nil when it changes nothing
        /// or nothing can bring it back.
        func failoverTime(_ copies: DatastoreCopies, _ outcome: WriterOutcome, outage: Outage) -> (time: Duration, detail: String)? {
            let datastore = copies.datastore
            let person = outcome.needsPerson ? blueprint.assumptions.manualResponse : .zero
            let who = personNote(datastore, outcome)
            switch outcome.mechanism {
            case .unchanged, .resync, .quorumUnreachable, .lost:
                return nil
            case .multiAZ:
                // RDS/Aurora Multi-AZ fails over by itself, whatever `failover.automatic` says.
                return (datastore.failover.promotion.zone, "\(datastore.name) in-region standby")
            case .inRegionPromotion:
                // RDS promotes a read replica into a standalone instance and reboots it; traffic
                // must then be pointed at it (RDS User Guide, "Promoting a read replica").
                return movingWriter(datastore, after: datastore.failover.promotion.zone + person,
                                    "\(datastore.name) in-region replica\(who)", acrossRegions: false,
                                    personActing: outcome.needsPerson)
            case .crossRegion:
                return movingWriter(datastore, after: datastore.failover.promotion.region + person, "\(datastore.name) cross-region\(who)",
                                    acrossRegions: true, personActing: outcome.needsPerson)
            case .restore:
                // A restore creates a new, single-AZ instance with default security and parameter
                // groups (RDS API, RestoreDBInstanceToPointInTime): someone or something runs it
                // and wires it, and no existing record names it.
                guard let backups = datastore.backups else { return nil }
                let stated = backups.restoreStated ? "" : ", default"
                return movingWriter(datastore, after: backups.restore + person, "\(datastore.name) restore from backup\(stated)\(who)",
                                    acrossRegions: false, personActing: outcome.needsPerson)
            }
        }

        func personNote(_ datastore: Datastore, _ outcome: WriterOutcome) -> String {
            guard outcome.needsPerson else { return ", automated" }
            return datastore.failover.automatic ? ", manual: no failover.automation named" : ", manual"
        }

        /// How long until writes reach the new writer, given the promotion (or restore) time, as
        /// the generated `writer.<datastore>` record behaves (docs/delivery.md):
        /// - managed: a CNAME to the global writer endpoint, which a cross-region promotion of the
        ///   global database moves: nothing to add;
        /// - alarm: a Route53 failover pair on a CLOUDWATCH_METRIC health check of the generated
        ///   alarm, evaluated in the region the writer moves to with missing data breaching, so it
        ///   fires (two 60 s periods) beside the promotion even when the primary's region is lost;
        /// - manual, and any writer a record does not name yet (a promoted in-region replica, a
        ///   restored cluster): a person re-points the CNAME (unless one is already acting for
        ///   the promotion), then the TTL.
        func movingWriter(_ datastore: Datastore, after promotion: Duration, _ detail: String, acrossRegions: Bool,
                          personActing: Bool) -> (time: Duration, detail: String) {
            let ttl = blueprint.traffic?.ttl ?? .seconds(60)
            let manual = blueprint.assumptions.manualResponse
            switch datastore.failover.writer {
            case .managed where acrossRegions:
                return (promotion, detail + ", managed writer endpoint")
            case .alarm where acrossRegions:
                let name = RecoveryModel.writerAlarmDetection + ttl
                return (max(name, promotion), detail + ", writer alarm \(RecoveryModel.writerAlarmDetection) + TTL \(ttl) beside it")
            default:
                let flip = personActing ? .zero : manual
                // With ARC a manual writer moving region is flipped by routing controls: the same
                // person, the same TTL. ARC changes where the flip runs (its data plane, not a
                // Route 53 edit), not how long the decision takes (docs/recovery-model.md).
                var arc = false
                if case .manual = datastore.failover.writer, acrossRegions, blueprint.traffic?.routingControl == .arc { arc = true }
                let how = arc ? ", ARC routing control" + (personActing ? "" : " flipped by a person") : (personActing ? "" : ", manual writer re-point")
                return (promotion + flip + ttl, detail + how + " + writer TTL \(ttl)")
            }
        }

        /// The scale-out the surviving regions need, or why they cannot carry the load at all.
        func scaling(carriers: [Region], allMustCarry: Bool) -> (term: RTOTerm, unbounded: String?) {
            let demand = service.demand(in: zone)
            var slowest: (time: Duration, detail: String?)?
            var refusals: [String] = []
            var anyCan = false
            for carrier in carriers {
                guard let placement = topology.placement(service: service.name, region: carrier.name) else {
                    refusals.append("\(service.name) does not run in \(carrier.name)")
                    continue
                }
                let sizing = placement.sizing
                // A standby takes the whole zone; an active survivor its region-loss share.
                let load = carrier.role == .standby ? Share(demand) : (sizing.regionLossShare ?? Share(demand))
                let quorum = placement.quorum.map { $0.size(replicas: sizing.replicas) } ?? 0
                let need = max(load.need(perReplica: service.perReplica), quorum)
                // Pods beyond one per zone under required anti-affinity never run.
                let schedulable = { (pods: Int) in
                    ReplicaMath.schedulablePods(replicas: pods, zones: carrier.zones.count, policy: placement.policy.zoneAntiAffinity)
                }
                let ceiling = schedulable(service.scalesOut ? max(sizing.hpaMax, sizing.replicas) : sizing.replicas)
                let running = schedulable(sizing.replicas)
                guard ceiling >= need else {
                    let what = service.scalesOut ? "its autoscaler ceiling is \(ceiling) pods" : "it runs \(ceiling) pods"
                    refusals.append("\(carrier.name) must carry \(load) rps = \(need) pods but \(what)")
                    continue
                }
                anyCan = true
                let steps = running < need ? ScaleUpPolicy.periods(from: running, to: need) : 0
                let a = blueprint.assumptions
                // The HPA counts a pod that is not yet Ready as using 0% of its target when it
                // scales up, so each step waits for the previous step's pods to become Ready
                // (Kubernetes HPA, "Algorithm details"): every step costs a period and a startup.
                let step = Duration.seconds(ScaleUpPolicy.periodSeconds) + a.podStartup
                let time = a.scaleReaction + step * steps
                let ready = running >= need
                // Written only when shown: 8,000 placements' details were most of the RTO model's time.
                let detail = ready ? nil : "\(carrier.name) \(running)→\(need) pods: \(a.scaleReaction) reaction + \(steps) x (\(ScaleUpPolicy.periodSeconds)s HPA period + \(a.podStartup) pod startup)"
                let candidate = (time: ready ? Duration.zero : time, detail: detail)
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

    /// The fixed TTL of an alias record to an Elastic Load Balancing load balancer.
    public static let aliasTTL = Duration.seconds(60)

    // MARK: RPO

    /// The data the writer that takes over may lack, in the state that loses the primary's
    /// zone (its region's first) or its region: `WriterOutcome`'s data at risk, so the RPO row,
    /// `simulate` and the RTO's promotion always name the same copy.
    public static func rpo(_ datastore: Datastore, disruption: Disruption, blueprint: Blueprint) -> RPOResult {
        let copies = DatastoreCopies(datastore, blueprint: blueprint)
        guard let region = copies.region else {
            return RPOResult(datastore: datastore.name, disruption: disruption, loss: nil, reason: "primary region \(datastore.primary) is not declared")
        }
        let outage = disruption == .zone ? Outage(zones: Set(region.zones.prefix(1))) : Outage(regions: [region.name])
        let outcome = WriterOutcome.resolve(copies, blueprint: blueprint, outage: outage)
        let reason: String
        switch outcome.mechanism {
        case .multiAZ(let zone): reason = "sync standby in \(zone)"
        case .inRegionPromotion(let zone, let mode), .crossRegion(let zone, let mode):
            let quorum = copies.syncQuorum < copies.syncRegions.count && outcome.how.contains("any ")
                ? " (any \(copies.syncQuorum) of \(copies.syncRegions.count) acknowledge each commit: promote the most recent)" : ""
            reason = mode == .sync ? "sync replica in \(zone)\(quorum)" : "async replica in \(zone) lags up to \(outcome.dataAtRisk ?? .zero)"
        case .restore:
            let backups = datastore.backups!
            if disruption == .zone {
                reason = "no surviving replica; backups every \(backups.every)"
            } else {
                let stated = backups.copyDelayStated ? "" : " (default)"
                reason = "no replica in another region of its residency zone; backups every \(backups.every) + copy to \(outcome.writerRegion ?? "?") \(backups.copyDelay)\(stated)"
            }
        case .unchanged, .resync, .quorumUnreachable, .lost:
            reason = outcome.how
        }
        return RPOResult(datastore: datastore.name, disruption: disruption, loss: outcome.dataAtRisk, reason: reason)
    }
}

/// Every service's recovery context on one topology, built once: they do not depend on the
/// outage, so `simulate --all-single` reads them for each of its outages instead of rebuilding
/// them per outage (most of its time at 1,000 services).
public struct RecoveryContexts: Sendable {
    private let byKey: [String: RecoveryModel.Context]

    public init(_ topology: Topology) {
        var byKey: [String: RecoveryModel.Context] = [:]
        for service in topology.blueprint.services {
            for zone in service.servedZones where topology.blueprint.residencyZone(zone) != nil {
                byKey["\(service.name)\u{0}\(zone)"] = RecoveryModel.Context(service: service, zone: zone, topology: topology)
            }
        }
        self.byKey = byKey
    }

    func context(service: String, zone: String) -> RecoveryModel.Context? { byKey["\(service)\u{0}\(zone)"] }
}
