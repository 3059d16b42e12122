import BlueprintModel

/// Which recoveries from the loss of one availability zone are carried by what already runs, and
/// which need something launched while the zone is down. Launches are what fails first in a large
/// event: AWS's control planes (EC2 RunInstances, RDS instance creation, node groups) can be
/// impaired exactly then — for hours in us-east-1 in October 2025 — so the Builders' Library
/// ("Static stability using Availability Zones") pre-provisions enough in every zone that losing
/// one needs no new capacity. `explain` lists every row; rule `zone-loss-needs-launch` warns on the
/// rows that launch.
public enum StaticStability {
    public struct ZoneLossRow: Sendable, Hashable {
        public enum Subject: Sendable, Hashable {
            /// A service's pods in an active region.
            case pods(service: String)
            /// A datastore's writer, when the primary's zone is lost.
            case writer(datastore: String)
        }

        public var region: String
        public var subject: Subject
        /// What must already be running before the zone is lost, so that its loss needs nothing new.
        public var mustRun: String
        /// What the recovery launches during the event; nil when the running capacity carries it.
        public var launches: String?

        public var name: String {
            switch subject {
            case .pods(let service): service
            case .writer(let datastore): datastore
            }
        }

        /// `pods` or `writer`.
        public var kind: String {
            switch subject {
            case .pods: "pods"
            case .writer: "writer"
            }
        }
    }

    public static func zoneLoss(_ topology: Topology) -> [ZoneLossRow] {
        let blueprint = topology.blueprint
        var rows: [ZoneLossRow] = []
        for placement in topology.placements where placement.role == .active && placement.zones.count > 1 {
            let sizing = placement.sizing
            let z = placement.zones.count
            let policy = placement.policy.zoneAntiAffinity
            let need = max(sizing.normalNeed, placement.quorum?.size(replicas: sizing.replicas) ?? 0)
            guard need > 0 else { continue }
            let left = ReplicaMath.survivingPods(replicas: sizing.replicas, zones: z, downZones: 1, policy: policy)
            let perZone = ReplicaMath.podsPerZone(replicas: sizing.replicas, zones: z, policy: policy)
            let mustRun = "\(sizing.replicas) pods, at most \(perZone) per zone: \(left) left after losing one of \(z) zones, \(need) needed"
            rows.append(ZoneLossRow(
                region: placement.region, subject: .pods(service: placement.service), mustRun: mustRun,
                launches: left >= need ? nil : "\(need - left) more pods (HPA scale-out, or the lost zone's pods rescheduled after eviction), on nodes that may have to be launched"))
        }
        rows += blueprint.datastores.sorted(by: { $0.name < $1.name }).compactMap { writerRow($0, blueprint: blueprint) }
        return rows
    }

    /// The writer's recovery from losing the zone its primary runs in (the first of its region's
    /// zones), as WriterOutcome — the recovery model's one decision per outage state — takes it.
    static func writerRow(_ datastore: Datastore, blueprint: Blueprint) -> ZoneLossRow? {
        guard let zone = blueprint.region(datastore.primary)?.zones.first else { return nil }
        let outcome = WriterOutcome.resolve(datastore, blueprint: blueprint, outage: Outage(zones: [zone]))
        let row = { (mustRun: String, launches: String?) in
            ZoneLossRow(region: datastore.primary, subject: .writer(datastore: datastore.name), mustRun: mustRun, launches: launches)
        }
        switch outcome.mechanism {
        case .multiAZ(let standby):
            return row("the sync standby in \(standby), taking over in place (Multi-AZ)", nil)
        case .inRegionPromotion(let replica, let mode):
            return row("the in-region \(mode.rawValue) replica in \(replica), promoted", nil)
        case .crossRegion(let region, let mode):
            return row("the \(mode.rawValue) replica in \(region), promoted across regions", nil)
        case .restore:
            return row("nothing: no copy survives \(zone)",
                       "a new database instance restored from a backup (\(datastore.backups?.restore.description ?? "")), launched during the event")
        case .unchanged, .resync, .quorumUnreachable, .lost:
            // The writer lives on, or nothing brings it back (rules other than this one report that).
            return row(outcome.how, nil)
        }
    }
}
