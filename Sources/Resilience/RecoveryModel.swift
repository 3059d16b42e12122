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

        public var disruption: Disruption {
            if case .zoneFailure = self { return .zone }
            return .region
        }

        public var region: String {
            switch self {
            case .zoneFailure(let r), .regionFailure(let r), .datastoreRegionFailure(let r): r
            }
        }

        public var label: String {
            switch self {
            case .zoneFailure(let r): "zone failure in \(r)"
            case .regionFailure(let r): "region failure of \(r)"
            case .datastoreRegionFailure(let r): "region failure of \(r) (datastore primary)"
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
    // MARK: RTO

    public static func rto(service: Service, zone: String, topology: Topology) -> [RTOResult] {
        let blueprint = topology.blueprint
        let assumptions = blueprint.assumptions
        let datastores = topology.dependencies(of: service, serving: zone)
        let zoneRegions = Topology.regions(of: zone, in: blueprint)
        let active = zoneRegions.filter { $0.role == .active }
        let check = blueprint.traffic?.healthCheck
        let interval = check?.interval ?? .seconds(30)
        let threshold = check?.failureThreshold ?? 3
        let detect = RTOTerm(name: "detect", duration: interval * threshold, detail: "\(interval) x \(threshold)")
        let dns = RTOTerm(name: "dns", duration: max(.seconds(60), blueprint.traffic?.ttl ?? .zero), detail: nil)
        let reconnect = RTOTerm(name: "reconnect", duration: assumptions.connectionRefresh, detail: nil)
        var results: [RTOResult] = []

        for region in active {
            // Zone failure: pods in the lost zone drop out of load balancing; in-region promotion.
            let zonePromote = promotion(of: datastores.filter { $0.primary == region.name }, disruption: .zone, blueprint: blueprint)
            results.append(RTOResult(
                service: service.name, residencyZone: zone, event: .zoneFailure(region: region.name),
                terms: [RTOTerm(name: "detect", duration: assumptions.zoneDetection, detail: "zone detection"), zonePromote.term, reconnect],
                unbounded: zonePromote.unbounded))

            // Region failure.
            let survivors = zoneRegions.filter { $0.name != region.name }
            let carriers = active.count >= 2 ? survivors.filter { $0.role == .active } : survivors.filter { $0.role == .standby }
            if carriers.isEmpty {
                results.append(RTOResult(service: service.name, residencyZone: zone, event: .regionFailure(region: region.name),
                                         terms: [], unbounded: "residency zone \(zone) has no other region to take its load"))
                continue
            }
            let promote = promotion(of: datastores.filter { $0.primary == region.name }, disruption: .region, blueprint: blueprint)
            let mustScale = carriers.contains { carrier in
                guard let sizing = topology.placement(service: service.name, region: carrier.name)?.sizing else { return true }
                // A standby takes the whole zone; an active survivor its region-loss share.
                let load = carrier.role == .standby ? Share(service.demand(in: zone)) : (sizing.regionLossShare ?? Share(service.demand(in: zone)))
                return sizing.replicas < load.need(perReplica: service.perReplica)
            }
            let scale = RTOTerm(name: "scale", duration: mustScale ? assumptions.scaleReaction + assumptions.podStartup : .zero,
                                detail: mustScale ? "\(assumptions.scaleReaction) + \(assumptions.podStartup) pod startup" : nil)
            results.append(RTOResult(service: service.name, residencyZone: zone, event: .regionFailure(region: region.name),
                                     terms: [detect, promote.term, dns, scale, reconnect], unbounded: promote.unbounded))
        }

        // Losing the region of a needed datastore's primary, when that region does not serve this zone actively.
        let activeNames = Set(active.map(\.name))
        let primaryRegions = Set(datastores.map(\.primary)).subtracting(activeNames).sorted()
        for region in primaryRegions where blueprint.region(region) != nil {
            let promote = promotion(of: datastores.filter { $0.primary == region }, disruption: .region, blueprint: blueprint)
            results.append(RTOResult(service: service.name, residencyZone: zone, event: .datastoreRegionFailure(region: region),
                                     terms: [promote.term, reconnect], unbounded: promote.unbounded))
        }
        return results
    }

    /// The slowest promotion among `datastores` for a disruption of their primary's region.
    static func promotion(of datastores: [Datastore], disruption: Disruption, blueprint: Blueprint)
        -> (term: RTOTerm, unbounded: String?)
    {
        var slowest = Duration.zero
        var names: [String] = []
        var unbounded: String?
        for datastore in datastores {
            var time: Duration
            switch disruption {
            case .zone:
                time = datastore.failover.promotion.zone
            case .region:
                if hasCopyElsewhere(datastore, blueprint: blueprint, replicasOnly: true) {
                    time = datastore.failover.promotion.region
                } else if let backups = datastore.backups, hasCopyElsewhere(datastore, blueprint: blueprint, replicasOnly: false) {
                    time = backups.restore
                } else {
                    unbounded = "\(datastore.name) has no replica or backup in another region of its residency zone"
                    continue
                }
            }
            if !datastore.failover.automatic { time = time + blueprint.assumptions.manualResponse }
            if time > slowest {
                slowest = time
                names = [datastore.name]
            } else if time == slowest && time > .zero {
                names.append(datastore.name)
            }
        }
        let manual = datastores.contains { !$0.failover.automatic && names.contains($0.name) }
        let detail = names.isEmpty ? nil : names.joined(separator: ", ") + (manual ? ", manual" : "")
        return (RTOTerm(name: "promote", duration: slowest, detail: detail), unbounded)
    }

    /// A replica (or, unless `replicasOnly`, a backup) in a region other than the primary's,
    /// inside the datastore's residency zone.
    static func hasCopyElsewhere(_ datastore: Datastore, blueprint: Blueprint, replicasOnly: Bool) -> Bool {
        let inside = { (region: String) in
            region != datastore.primary && blueprint.isInsideResidency(of: datastore, region)
        }
        if datastore.replicas.contains(where: { inside($0.region) }) { return true }
        return !replicasOnly && (datastore.backups?.regions.contains(where: inside) ?? false)
    }

    // MARK: RPO

    public static func rpo(_ datastore: Datastore, disruption: Disruption, blueprint: Blueprint) -> RPOResult {
        let local: [Datastore.Replica]
        let backupsReach: Bool
        switch disruption {
        case .zone:
            local = datastore.replicas.filter { $0.region == datastore.primary }
            backupsReach = datastore.backups != nil
        case .region:
            local = datastore.replicas.filter { $0.region != datastore.primary && blueprint.isInsideResidency(of: datastore, $0.region) }
            backupsReach = datastore.backups?.regions.contains {
                $0 != datastore.primary && blueprint.isInsideResidency(of: datastore, $0)
            } ?? false
        }
        let place = disruption == .zone ? "in \(datastore.primary)" : "in another region of its residency zone"
        if let sync = local.first(where: { $0.mode == .sync }) {
            return RPOResult(datastore: datastore.name, disruption: disruption, loss: .zero, reason: "sync replica in \(sync.region)")
        }
        if let best = local.min(by: { ($0.lag, $0.region) < ($1.lag, $1.region) }) {
            return RPOResult(datastore: datastore.name, disruption: disruption, loss: best.lag,
                             reason: "async replica in \(best.region) lags up to \(best.lag)")
        }
        if backupsReach, let backups = datastore.backups {
            return RPOResult(datastore: datastore.name, disruption: disruption, loss: backups.every,
                             reason: "no replica \(place); backups every \(backups.every)")
        }
        return RPOResult(datastore: datastore.name, disruption: disruption, loss: nil,
                         reason: "no replica or backup \(place)")
    }
}
