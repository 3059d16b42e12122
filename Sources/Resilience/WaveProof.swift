import BlueprintModel

/// Whether the system keeps its objectives while one rollout wave is being released, at two
/// levels (docs/delivery.md, "Rollout waves"):
///
/// - **rolling** — the release is healthy and rolling: in each region of the wave every
///   Deployment has its rolling update's `maxUnavailable` pods out of service
///   (`ReplicaMath.rolloutUnavailable`); no load moves, so every region must still carry its
///   normal share, while any one availability zone elsewhere is lost.
/// - **bad release** — the release is bad: the wave's regions are taken as lost, whole. Route53
///   health checks cannot tell a failing release from a failing region, and a bad release can
///   break what its pods do to their datastores (a migration, poison writes, a connection
///   storm), so the proof does not assume the datastores stay healthy. Combined with the loss
///   of any one availability zone outside the wave, through the same outage evaluation as
///   `simulate` (`Simulation`). A wave that passes is safe however its release fails.
public struct WaveProof: Sendable {
    public enum Level: String, Sendable, CaseIterable {
        case rolling
        case badRelease = "bad release"
    }

    /// One way a wave breaks an objective, with the arithmetic.
    public struct Breach: Sendable, Hashable {
        public var level: Level
        /// The outage evaluated: the wave's regions (bad release) and the zone lost elsewhere.
        public var outage: String
        public var service: String?
        public var residencyZone: String?
        /// What already breaks it without the wave (a single region or zone loss, which the
        /// region- and zone-loss and objective rules speak for); nil when it is the wave's own.
        /// Recovery times are explain's rows, so an RTO over the objective is rto-exceeded's.
        public var reportedBy: String?
        public var message: String
        public var arithmetic: [String]
    }

    public var wave: RolloutPlan.Wave
    /// Outage states evaluated at the bad-release level: the wave alone, and with each zone outside it.
    public var statesChecked: Int
    public var breaches: [Breach]
    /// The smallest spare pod count of a Deployment in the wave during its rolling update:
    /// pods left (replicas − maxUnavailable) − pods needed (normal share, or quorum).
    public var rollingMargin: (service: String, region: String, left: Int, need: Int)?
    /// The worst bad-release state: its label, and its slowest recovery (nil: unbounded).
    public var worstOutage: String
    public var worstRecovery: Duration?
    public var unservedInWorst: Int
    /// Residency zones whose only region is in the wave: no order of waves can keep them
    /// served through a bad release (rule residency-single-region speaks for them).
    public var singleRegionZones: [String]

    public var holds: Bool { breaches.isEmpty }

    /// One proof per wave of `plan`.
    public static func prove(_ plan: RolloutPlan, topology: Topology, explanation: Explanation) -> [WaveProof] {
        let shared = Shared(topology: topology, explanation: explanation)
        return plan.waves.map { prove($0, topology: topology, shared: shared) }
    }

    /// What every wave's proof looks up: the RTO rows of `explain` by event, the strictest RPO
    /// per datastore, and the served (service, residency zone) pairs grouped by what decides
    /// `Simulation.serve`'s verdict, so services sized alike are evaluated once per state.
    struct Shared {
        struct ZoneEvent: Hashable {
            var event: RTOResult.Event
            var zone: String
        }

        /// Per RTO event and residency zone: the slowest recovery (nil: unbounded), in the
        /// order of explain's rows.
        var slowest: [ZoneEvent: Duration?] = [:]
        var events: [ZoneEvent] = []
        var rpoObjectives: [String: PerDisruption<Duration?>] = [:]
        var groups: [[(service: Service, zone: String)]] = []

        /// Per region of the zone, the most zones it can lose and still carry its normal share,
        /// its region-loss share, or the whole zone (the availability model's tolerances): with
        /// the regions' roles, all that decides Simulation.serve's verdict in one state.
        struct RegionShape: Hashable {
            var normal: Int
            var regionLoss: Int
            var wholeZone: Int
        }

        struct Shape: Hashable {
            var zone: String
            var regions: [RegionShape?]
            var datastores: [String]
        }

        init(topology: Topology, explanation: Explanation) {
            let blueprint = topology.blueprint
            // By index: binding each row copied all of its fields.
            let rows = explanation.rto
            for index in rows.indices {
                let key = ZoneEvent(event: rows[index].result.event, zone: rows[index].result.residencyZone)
                switch (slowest[key], rows[index].total) {
                case (nil, let total): slowest[key] = total; events.append(key)
                case (.some(.some(let current)), .some(let total)): slowest[key] = max(current, total)
                default: slowest[key] = .some(nil)
                }
            }
            rpoObjectives = Explanation.strictestRPO(topology)
            var index: [Shape: Int] = [:]
            for service in blueprint.services.sorted(by: { $0.name < $1.name }) {
                for zone in service.servedZones.sorted() where blueprint.residencyZone(zone) != nil {
                    let shape = Self.shape(of: service, zone: zone, topology: topology)
                    if let known = index[shape] {
                        groups[known].append((service, zone))
                    } else {
                        index[shape] = groups.count
                        groups.append([(service, zone)])
                    }
                }
            }
        }

        static func shape(of service: Service, zone: String, topology: Topology) -> Shape {
            let regions = topology.regions(ofZone: zone).map { region -> RegionShape? in
                guard let placement = topology.placement(service: service.name, region: region.name) else { return nil }
                let sizing = placement.sizing, z = region.zones.count, policy = placement.policy.zoneAntiAffinity
                let surge = service.scalesOut ? max(sizing.hpaMax, sizing.replicas) : sizing.replicas
                let quorum = placement.quorum.map { $0.size(replicas: sizing.replicas) } ?? 0
                return RegionShape(
                    normal: ReplicaMath.zoneLossTolerance(replicas: sizing.replicas, zones: z, need: max(sizing.normalNeed, quorum), policy: policy),
                    regionLoss: sizing.regionLossNeed.map {
                        ReplicaMath.zoneLossTolerance(replicas: surge, zones: z, need: max($0, quorum), policy: policy)
                    } ?? -1,
                    wholeZone: ReplicaMath.zoneLossTolerance(
                        replicas: surge, zones: z, need: max(Share(service.demand(in: zone)).need(perReplica: service.perReplica), quorum), policy: policy))
            }
            return Shape(zone: zone, regions: regions, datastores: topology.dependencies(of: service, serving: zone).map(\.name))
        }
    }

    /// Whether an event of explain's RTO rows happens in `outage`: its region lost, or (zone
    /// events) one of its zones lost while the region stands.
    static func happens(_ event: RTOResult.Event, in outage: Outage, blueprint: Blueprint) -> Bool {
        switch event {
        case .regionFailure(let r), .datastoreRegionFailure(let r), .syncReplicaRegionFailure(let r):
            return outage.regions.contains(r)
        case .zoneFailure(let r), .datastoreZoneFailure(let r):
            guard let region = blueprint.region(r), !outage.regions.contains(r) else { return false }
            return outage.downZones(of: region) > 0
        }
    }

    static func prove(_ wave: RolloutPlan.Wave, topology: Topology, shared: Shared) -> WaveProof {
        let blueprint = topology.blueprint
        let inWave = Set(wave.regions)
        var breaches: [Breach] = []

        // Rolling: no load moves; each region keeps its normal share through its own rollout
        // (regions of the wave) or the loss of its worst zone (the others: one zone elsewhere).
        var margin: (service: String, region: String, left: Int, need: Int)?
        for placement in topology.placements where inWave.contains(placement.region) {
            let sizing = placement.sizing
            let policy = placement.policy.zoneAntiAffinity
            let running = ReplicaMath.schedulablePods(replicas: sizing.replicas, zones: placement.zones.count, policy: policy)
            let out = ReplicaMath.rolloutUnavailable(policy)
            let left = max(0, running - out)
            let need = max(sizing.normalNeed, placement.quorum.map { $0.size(replicas: sizing.replicas) } ?? 0)
            if margin == nil || left - need < margin!.left - margin!.need {
                margin = (placement.service, placement.region, left, need)
            }
            if left < need {
                breaches.append(Breach(
                    level: .rolling, outage: "rolling update in \(placement.region)", service: placement.service,
                    residencyZone: placement.residencyZone, reportedBy: nil,
                    message: "\(placement.service) in \(placement.region) keeps \(left) pods during its rolling update but needs \(need)",
                    arithmetic: ["\(running) running − \(out) maxUnavailable = \(left) < \(need) needed (\(need == sizing.normalNeed ? "normal share \(sizing.normalShare) rps / \(perReplica(placement, blueprint)) per pod" : "quorum"))"]))
            }
        }

        // Bad release: the wave's regions lost, with each single zone elsewhere, the wave alone
        // first so a breach that needs no zone loss is reported as the wave's own. Per state,
        // simulate's rules: Simulation.serve once per shape of service, each datastore's writer
        // by WriterOutcome; recovery is explain's RTO rows of the events the state sets off.
        let zonesElsewhere = blueprint.regions.filter { !inWave.contains($0.name) }.flatMap(\.zones)
        let states = [Outage(regions: inWave)] + zonesElsewhere.map { Outage(regions: inWave, zones: [$0]) }
        let singleRegionZones = blueprint.residency.filter { $0.regions.count == 1 && inWave.contains($0.regions[0]) }.map(\.name)
        let groups = shared.groups.filter { !singleRegionZones.contains($0[0].zone) }
        let datastores = blueprint.datastores.sorted { $0.name < $1.name }
        var worst: (severity: (Int, Int, Int), outage: Outage, recovery: Duration?, unserved: Int)?
        var seen: Set<String> = []
        // Each datastore's writer, resolved once per state.
        var resolvedWriters: [Outage: [String: WriterOutcome]] = [:]
        func writers(in outage: Outage) -> [String: WriterOutcome] {
            if let known = resolvedWriters[outage] { return known }
            let resolved = Dictionary(datastores.map { ($0.name, WriterOutcome.resolve($0, blueprint: blueprint, outage: outage)) },
                                      uniquingKeysWith: { a, _ in a })
            resolvedWriters[outage] = resolved
            return resolved
        }
        func writer(_ datastore: Datastore, _ outage: Outage) -> WriterOutcome {
            writers(in: outage)[datastore.name] ?? WriterOutcome.resolve(datastore, blueprint: blueprint, outage: outage)
        }
        // A breach is the wave's own when each single failure the state combines keeps the same
        // users served (the datastore within its RPO): each region of the wave with the same zone
        // elsewhere lost (what a region loss must survive anyway), and that zone alone. Otherwise
        // a single region or zone loss already breaks it: the region- and zone-loss rules' finding.
        var alone: [String: Bool] = [:]
        func servedAlone(_ group: Int, _ outage: Outage) -> Bool {
            let key = "\(group)\u{0}" + outage.label
            if let known = alone[key] { return known }
            let (service, zone) = groups[group][0]
            let served = Simulation.serve(service, zone: zone, topology: topology, outage: outage) { writer($0, outage) }.served
            alone[key] = served
            return served
        }
        func singleFailures(of outage: Outage) -> [Outage] {
            outage.regions.sorted().map { Outage(regions: [$0], zones: outage.zones) } + outage.zones.sorted().map { Outage(zones: [$0]) }
        }
        func rpoWithin(_ datastore: Datastore, _ outage: Outage) -> (Bool, WriterOutcome, Duration?) {
            let failover = writer(datastore, outage)
            let objective = shared.rpoObjectives[datastore.name]?[outage.regions.isEmpty ? .zone : .region]
            let within = !failover.changesWriter || objective.map { limit in failover.dataAtRisk.map { $0 <= limit } ?? false } ?? true
            return (within, failover, objective)
        }
        for outage in states {
            var unserved = 0, missed = 0
            var slowest: Duration? = .zero
            let stateWriters = writers(in: outage)
            for (group, members) in groups.enumerated() {
                let (first, zone) = members[0]
                guard !Simulation.serve(first, zone: zone, topology: topology, outage: outage,
                             writer: { stateWriters[$0.name] ?? writer($0, outage) }).served else { continue }
                unserved += members.count
                let own = singleFailures(of: outage).allSatisfy { servedAlone(group, $0) }
                for (service, zone) in members {
                    guard seen.insert("unserved \(own) \(service.name) \(zone)").inserted else { continue }
                    let outcome = Simulation.serve(service, zone: zone, topology: topology, outage: outage) { writer($0, outage) }
                    breaches.append(Breach(
                        level: .badRelease, outage: outage.label, service: service.name, residencyZone: zone,
                        reportedBy: own ? nil : "a single region or zone loss",
                        message: "\(service.name) users in \(zone) are not served: \(outcome.why)",
                        arithmetic: outcome.carriers.filter { $0.ceiling < $0.need || $0.podsLeft < $0.need }.map {
                            "\($0.region) carrying \($0.share) rps: \($0.podsLeft) pods left, \($0.ceiling) reachable < \($0.need) needed"
                        }))
                }
            }
            for key in shared.events where !singleRegionZones.contains(key.zone) && happens(key.event, in: outage, blueprint: blueprint) {
                if let total = shared.slowest[key] ?? nil, let current = slowest { slowest = max(current, total) } else { slowest = nil }
            }
            for datastore in datastores {
                let (within, failover, objective) = rpoWithin(datastore, outage)
                guard !within else { continue }
                missed += 1
                let own = singleFailures(of: outage).allSatisfy { rpoWithin(datastore, $0).0 }
                guard seen.insert("rpo \(own) \(datastore.name)").inserted else { continue }
                let loss = failover.dataAtRisk.map { "\($0)" } ?? "unbounded"
                breaches.append(Breach(
                    level: .badRelease, outage: outage.label, service: nil, residencyZone: datastore.residency,
                    reportedBy: own ? nil : "a single region or zone loss",
                    message: "\(datastore.name): \(loss) of writes at risk exceeds the RPO objective \(objective.map { "\($0)" } ?? "-")",
                    arithmetic: [failover.how]))
            }
            // Lower is worse: unserved first, then missed objectives, then the slowest recovery.
            let severity = (-unserved, -missed, slowest.map { -$0.milliseconds } ?? Int.min)
            if worst == nil || severity < worst!.severity { worst = (severity, outage, slowest, unserved) }
        }
        return WaveProof(
            wave: wave, statesChecked: states.count, breaches: breaches, rollingMargin: margin,
            worstOutage: worst?.outage.label ?? "", worstRecovery: worst.map { $0.recovery } ?? .zero,
            unservedInWorst: worst?.unserved ?? 0, singleRegionZones: singleRegionZones)
    }

    private static func perReplica(_ placement: Placement, _ blueprint: Blueprint) -> Int {
        blueprint.service(placement.service)?.perReplica ?? 0
    }

    /// One line: `wave 2 (us-east-1, eu-west-1): holds — 18 states; worst: eu-west-1, us-east-1, us-west-2a, recovery 4m45s; rolling margin …`
    public var summary: String {
        var parts = ["\(statesChecked) bad-release state\(statesChecked == 1 ? "" : "s")"]
        parts.append("worst \(worstOutage): " + (unservedInWorst > 0 ? "\(unservedInWorst) unserved" : "recovery \(worstRecovery.map { "\($0)" } ?? "unbounded")"))
        if let margin = rollingMargin {
            parts.append("rolling: \(margin.service) in \(margin.region) keeps \(margin.left) pods, needs \(margin.need)")
        }
        if !singleRegionZones.isEmpty {
            parts.append("\(singleRegionZones.joined(separator: ", ")): single region, not provable by waves")
        }
        return "wave \(wave.number) (\(wave.regions.joined(separator: ", "))): \(holds ? "holds" : "breaks \(breaches.count)") — " + parts.joined(separator: "; ")
    }
}

/// A blueprint's rollout plan with the proof of each wave: what `explain`, REPORT.md and `diff` show.
public struct RolloutReport: Sendable {
    public var plan: RolloutPlan
    public var proofs: [WaveProof]

    public init(topology: Topology, explanation: Explanation) {
        plan = RolloutPlan(topology.blueprint)
        proofs = WaveProof.prove(plan, topology: topology, explanation: explanation)
    }

    /// `holds; worst recovery 4m45s (eu-west-1, us-west-2a)` or `breaks: 4 unserved (…)`.
    public static func verdict(_ proof: WaveProof) -> String {
        let own = proof.breaches.filter { $0.reportedBy == nil }.count
        let state = proof.unservedInWorst > 0
            ? "\(proof.unservedInWorst) unserved"
            : "worst recovery \(proof.worstRecovery.map { "\($0)" } ?? "unbounded")"
        return (own == 0 ? "holds" : "breaks (\(own))") + "; \(state) (\(proof.worstOutage))"
    }
}
