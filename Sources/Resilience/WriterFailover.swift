import BlueprintModel

/// Where the copies of one datastore sit. The primary takes its region's first zone; in-region
/// replicas take the following zones, one each, in declaration order; an in-region replica past
/// the last zone has no zone of its own and no figure counts it (`copies-exceed-zones` reports
/// it). Copies in other regions span their region's zones (an Aurora secondary cluster, a
/// cross-region read replica): they count by their region's state.
public struct DatastoreCopies: Sendable {
    public struct Local: Sendable, Hashable {
        public var mode: ReplicationMode
        public var lag: Duration
        /// Index into the primary region's `zones`.
        public var zoneIndex: Int
    }

    public let datastore: Datastore
    public let region: Region?
    public let local: [Local]
    /// Copies in other regions inside the datastore's residency zone, first per region.
    public let elsewhere: [Datastore.Replica]
    /// Regions outside the primary's whose sync copy a commit must reach.
    public let syncRegions: [String]
    /// How many of them must acknowledge each commit (`syncQuorum`, or all of them).
    public let syncQuorum: Int

    public init(_ datastore: Datastore, blueprint: Blueprint) {
        self.datastore = datastore
        let region = blueprint.region(datastore.primary)
        self.region = region
        let zones = region?.zones.count ?? 0
        var local: [Local] = []
        var offset = 0
        var elsewhere: [Datastore.Replica] = []
        var sync: [String] = []
        for replica in datastore.replicas {
            if replica.region == datastore.primary {
                offset += 1
                if offset < zones { local.append(Local(mode: replica.mode, lag: replica.lag, zoneIndex: offset)) }
                continue
            }
            if replica.mode == .sync && !sync.contains(replica.region) { sync.append(replica.region) }
            if blueprint.isInsideResidency(of: datastore, replica.region) && !elsewhere.contains(where: { $0.region == replica.region }) {
                elsewhere.append(replica)
            }
        }
        self.local = local
        self.elsewhere = elsewhere
        syncRegions = sync
        syncQuorum = datastore.syncQuorum ?? sync.count
    }

    /// Zones (by index) that keep writes going inside the region: the primary's, an in-region
    /// sync standby's (the engine's own Multi-AZ failover), and, when failover is automated, an
    /// in-region replica's (its automation promotes it; availability counts automated failover
    /// as instantaneous).
    public var writerZones: [Int] {
        [0] + local.filter { $0.mode == .sync || datastore.failover.isAutomated }.map(\.zoneIndex)
    }

    /// `syncQuorum` larger than the sync replicas that can vote: commits can never complete.
    public var quorumUnreachable: Bool { syncQuorum > syncRegions.count }
}

/// What one outage state does to one datastore's writer: which copy writes, how it gets there,
/// whether a person is needed, and the data it may lack. The one computation that `explain`'s
/// RTO and RPO rows, the availability model's single-state rule, `simulate` and `drill plan`
/// read (docs/recovery-model.md, "The writer in one outage state").
public struct WriterOutcome: Sendable {
    public enum Mechanism: Sendable, Hashable {
        /// The primary writes on, its sync quorum answering.
        case unchanged
        /// The engine's own Multi-AZ failover to the in-region sync standby in this zone.
        case multiAZ(zone: String)
        /// An in-region replica is promoted into a standalone writer (RDS reboots it; the writer
        /// name must be pointed at it).
        case inRegionPromotion(zone: String, mode: ReplicationMode)
        /// A copy in another region of the residency zone is promoted.
        case crossRegion(region: String, mode: ReplicationMode)
        /// A restore from backup into a new cluster in this region.
        case restore(region: String)
        /// The writer is alive but commits wait for a sync replica in a lost region until the
        /// sync set is reconfigured.
        case resync(regions: [String])
        /// `syncQuorum` can never be met.
        case quorumUnreachable
        /// No copy survives inside the residency zone, or the primary's region is not declared.
        case lost
    }

    public var datastore: String
    public var mechanism: Mechanism
    /// Where writes go afterwards; nil when nowhere.
    public var writerRegion: String?
    /// Whether this takes a person (a promotion, restore or resync that no named automation runs).
    public var needsPerson: Bool
    /// Writes the new writer may not have; nil: unbounded.
    public var dataAtRisk: Duration?
    /// Why, in a few words (shown by simulate, drill plan and the RPO row).
    public var how: String

    /// The availability model's rule for this state: the writer is alive, or a failover that
    /// needs no person (counted as instantaneous) brings it back. Restores and manual steps do not.
    public var servesWrites: Bool {
        switch mechanism {
        case .unchanged, .multiAZ: true
        case .inRegionPromotion, .crossRegion, .resync: !needsPerson
        case .restore, .quorumUnreachable, .lost: false
        }
    }

    public var changesWriter: Bool { mechanism != .unchanged }

    public static func resolve(_ datastore: Datastore, blueprint: Blueprint, outage: Outage) -> WriterOutcome {
        resolve(DatastoreCopies(datastore, blueprint: blueprint), blueprint: blueprint, outage: outage)
    }

    public static func resolve(_ copies: DatastoreCopies, blueprint: Blueprint, outage: Outage) -> WriterOutcome {
        let datastore = copies.datastore
        let automated = datastore.failover.isAutomated
        let byWhom = automated ? "automated" : "manual"
        func outcome(_ mechanism: Mechanism, _ writer: String?, person: Bool, loss: Duration?, _ how: String) -> WriterOutcome {
            WriterOutcome(datastore: datastore.name, mechanism: mechanism, writerRegion: writer, needsPerson: person,
                          dataAtRisk: loss, how: how)
        }
        guard let region = copies.region else {
            return outcome(.lost, nil, person: false, loss: nil, "primary region \(datastore.primary) is not declared")
        }
        if copies.quorumUnreachable {
            return outcome(.quorumUnreachable, nil, person: false, loss: nil,
                           "commits can never complete: syncQuorum \(copies.syncQuorum) > \(copies.syncRegions.count) sync replicas outside \(region.name)")
        }
        let regionUp = outage.isUp(region.name)
        if regionUp {
            let zoneUp = { (index: Int) in index < region.zones.count && !outage.zones.contains(region.zones[index]) }
            var writerZone: (index: Int, mechanism: Mechanism, person: Bool, loss: Duration, how: String)?
            if zoneUp(0) {
                writerZone = (0, .unchanged, false, .zero, "unchanged")
            } else if let standby = copies.local.first(where: { $0.mode == .sync && zoneUp($0.zoneIndex) }) {
                let zone = region.zones[standby.zoneIndex]
                writerZone = (standby.zoneIndex, .multiAZ(zone: zone), false, .zero, "automatic Multi-AZ failover to the standby in \(zone)")
            } else if let replica = copies.local.first(where: { zoneUp($0.zoneIndex) }) {
                let zone = region.zones[replica.zoneIndex]
                let loss = replica.mode == .sync ? .zero : replica.lag
                writerZone = (replica.zoneIndex, .inRegionPromotion(zone: zone, mode: replica.mode), !automated, loss,
                              "\(byWhom) promotion of the in-region \(replica.mode.rawValue) replica in \(zone) into a standalone writer")
            }
            if let writerZone {
                // Commits of a live writer still wait for the sync replicas in other regions.
                let lost = copies.syncRegions.filter { !outage.isUp($0) }
                if copies.syncRegions.count - lost.count < copies.syncQuorum {
                    let how = "blocked: commits wait for the sync replica in \(lost.joined(separator: ", ")) until "
                        + (automated ? "the automation takes it out of the sync set" : "a person takes it out of the sync set")
                    return outcome(.resync(regions: lost), region.name, person: !automated || writerZone.person, loss: writerZone.loss, how)
                }
                return outcome(writerZone.mechanism, region.name, person: writerZone.person, loss: writerZone.loss, writerZone.how)
            }
        }
        // A surviving copy in another region of its residency zone: sync first, then least lag.
        let candidates = copies.elsewhere.filter { outage.isUp($0.region) }
            .sorted { ($0.mode == .sync ? 0 : 1, $0.lag, $0.region) < ($1.mode == .sync ? 0 : 1, $1.lag, $1.region) }
        if let best = candidates.first {
            var how = "\(byWhom) promotion of the \(best.mode.rawValue) replica in \(best.region)"
            if best.mode == .sync, copies.syncQuorum < copies.syncRegions.count {
                how += " (any \(copies.syncQuorum) of \(copies.syncRegions.count) acknowledge each commit: promote the most recent)"
            }
            return outcome(.crossRegion(region: best.region, mode: best.mode), best.region, person: !automated,
                           loss: best.mode == .sync ? .zero : best.lag, how)
        }
        if let backups = datastore.backups {
            let stated = backups.restoreStated ? "" : ", default"
            if regionUp {
                // The region's backup storage spans its zones and survives a zone loss: restore there.
                return outcome(.restore(region: region.name), region.name, person: !automated, loss: backups.every,
                               "\(byWhom) restore from the region's backups (\(backups.restore)\(stated)); backups every \(backups.every)")
            }
            if let target = backups.regions.first(where: {
                $0 != datastore.primary && outage.isUp($0) && blueprint.isInsideResidency(of: datastore, $0)
            }) {
                let copy = backups.copyDelayStated ? "" : " (default)"
                return outcome(.restore(region: target), target, person: !automated, loss: backups.every + backups.copyDelay,
                               "\(byWhom) restore from backup in \(target) (\(backups.restore)\(stated)); backups every \(backups.every) + copy \(backups.copyDelay)\(copy)")
            }
        }
        let place = regionUp ? "that survives the lost zones" : "in another region of its residency zone"
        return outcome(.lost, nil, person: false, loss: nil, "no replica or backup \(place)")
    }
}
