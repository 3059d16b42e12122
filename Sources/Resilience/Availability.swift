import BlueprintModel

/// Steady-state availability of one service for one residency zone, computed exactly.
///
/// Components that share a region fail with it, so the answer is never a plain product of
/// per-component figures: a service and its datastore in the same region are one bet, not two.
public struct AvailabilityResult: Sendable {
    public var service: String
    public var residencyZone: String
    /// P(compute served ∧ data served).
    public var availability: Double
    /// P(compute served) and P(data served) alone, to show which side limits.
    public var compute: Double
    public var data: Double
    public var regions: [String]

    public var downtimeMinutesPerYear: Double { (1 - availability) * 525_600 }
}

/// The exact model, in polynomial time.
///
/// Regions fail independently of each other, and the zones of one region independently given
/// the region is up. Two observations keep the exact sum small:
/// - inside a region, zones that play the same part (the same datastore copies, or none) are
///   exchangeable, so a region's states are counted by *how many* zones of each kind are down,
///   weighted by binomial coefficients, instead of enumerating 2^z zone subsets;
/// - what the rest of the computation needs from the regions seen so far is a handful of
///   counters and flags (how many active regions are down, whether every surviving one still
///   carries its share, which datastores are still undecided), so the regions are folded one by
///   one into a distribution over that summary — a dynamic program whose state space does not
///   grow with the number of regions.
/// The result equals the sum over every joint up/down state (`ObjectiveMathTests` checks it
/// against such a brute-force enumeration).
public enum AvailabilityModel {
    /// Truncated (never rounded up) percentage text with four decimals: 0.9998999 -> "99.9899%".
    public static func percent(_ value: Double) -> String {
        let clamped = min(max(value, 0), 1)
        let scaled = (clamped * 1_000_000 + 1e-7).rounded(.down)
        let whole = Int(scaled) / 10_000
        let fraction = Int(scaled) % 10_000
        let digits = String(fraction)
        return "\(whole).\(String(repeating: "0", count: 4 - digits.count))\(digits)%"
    }

    public static func minutes(_ value: Double) -> String {
        let tenths = Int((min(max(value, 0), 525_600) * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) min/year"
    }

    public static func evaluate(service: Service, zone: String, topology: Topology) -> AvailabilityResult {
        evaluate(service: service, zone: zone, topology: topology, cache: nil)
    }

    /// With a cache, services whose sizing reduces to the same thresholds over the same regions
    /// and datastores share one evaluation (a thousand services on one topology cost a few).
    public static func evaluate(service: Service, zone: String, topology: Topology, cache: AvailabilityCache?) -> AvailabilityResult {
        let problem = Problem(service: service, zone: zone, topology: topology)
        let figures: Figures
        if let cache {
            if let known = cache.lookup(problem.key) {
                figures = known
            } else {
                figures = problem.solve()
                cache.store(problem.key, figures)
            }
        } else {
            figures = problem.solve()
        }
        return AvailabilityResult(service: service.name, residencyZone: zone, availability: figures.both, compute: figures.compute,
                                  data: figures.data, regions: problem.regionNames)
    }

    /// The model's rule evaluated on one outage state instead of summed over all of them:
    /// whether compute and data are served while exactly `outage` is down. `simulate`'s verdict
    /// for that state must equal it (SimulationTests checks every single-region and single-zone
    /// outage of random designs).
    public static func serves(service: Service, zone: String, topology: Topology, in outage: Outage) -> (compute: Bool, data: Bool) {
        let figures = Problem(service: service, zone: zone, topology: topology).solve(in: outage, blueprint: topology.blueprint)
        return (figures.compute > 0.5, figures.data > 0.5)
    }

    struct Figures: Sendable {
        var both: Double
        var compute: Double
        var data: Double
    }
}

/// Remembers solved availability problems by their reduced description.
/// The key holds everything the figures depend on and nothing else, so one cache serves every
/// topology a process analyses: `optimize`'s designs differ in a few services, a fleet's
/// blueprints in their names, and each repeats the others' problems. Bounded: past `capacity`
/// entries it starts over, so hostile input cannot grow it without end.
public final class AvailabilityCache: @unchecked Sendable {
    private var solved: [AvailabilityModel.ProblemKey: AvailabilityModel.Figures] = [:]
    private let lock = PThreadMutex()
    static let capacity = 100_000

    /// The process's cache.
    public static let shared = AvailabilityCache()

    public init() {}

    func lookup(_ key: AvailabilityModel.ProblemKey) -> AvailabilityModel.Figures? {
        lock.withLock { solved[key] }
    }

    func store(_ key: AvailabilityModel.ProblemKey, _ figures: AvailabilityModel.Figures) {
        lock.withLock {
            if solved.count >= Self.capacity { solved.removeAll(keepingCapacity: true) }
            solved[key] = figures
        }
    }
}

/// A tiny mutex without Foundation (the Resilience module stays Foundation-free).
final class PThreadMutex: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AvailabilityModel {
    /// Everything the figures depend on, and nothing else: the key of the cache.
    struct ProblemKey: Hashable, Sendable {
        var zoneAvailability: Double
        var regionAvailability: Double
        var regions: [RegionPart]
        var datastores: [DatastorePart]
    }

    /// One involved region, reduced to what matters for this service and zone.
    struct RegionPart: Hashable, Sendable {
        var zones: Int
        var kind: Kind
        /// The most zones the region can lose and still carry the normal share, its region-loss
        /// share, or the whole zone's demand (-1: not even with every zone up; -2: never applies).
        var normalTolerance: Int
        var regionLossTolerance: Int
        var wholeZoneTolerance: Int
        /// Per datastore whose primary is here: the zone indices holding the primary or an
        /// in-region sync copy (either keeps writes going inside the region).
        var writerZones: [[Int]]

        enum Kind: Hashable, Sendable { case active, standby, other }
    }

    /// One datastore the service needs, by the positions of its regions in `regions`.
    struct DatastorePart: Hashable, Sendable {
        var primary: Int?
        /// Which entry of the primary region's `writerZones` is this datastore's.
        var writerSlot: Int
        /// Regions whose sync copy a commit must reach (outside the primary's region), and how
        /// many of them must be up for commits to go on.
        var syncRegions: [Int]
        var syncQuorum: Int
        /// Regions inside its residency zone (other than the primary's) that hold a copy it can
        /// fail over to automatically; empty when failover is manual.
        var failoverRegions: [Int]
        /// Failover automation also takes an unreachable sync replica out of the commit quorum
        /// (after detection), so writes resume without a human.
        var automatic: Bool
    }

    struct Problem {
        var key: ProblemKey
        var regionNames: [String]
        var activeCount: Int

        init(service: Service, zone: String, topology: Topology) {
            // `topology.blueprint` is read in place: a local copy of the blueprint retained every
            // field of it, once per service and zone.
            let zoneRegions = topology.regions(ofZone: zone)
            let datastores = topology.dependencies(of: service, serving: zone)
            let demand = service.demand(in: zone)

            var names: [String] = []
            var position: [String: Int] = [:]
            func involve(_ name: String) -> Int? {
                if let known = position[name] { return known }
                guard topology.blueprint.region(name) != nil else { return nil }
                position[name] = names.count
                names.append(name)
                return names.count - 1
            }
            for region in zoneRegions { _ = involve(region.name) }
            for datastore in datastores {
                _ = involve(datastore.primary)
                for replica in datastore.replicas { _ = involve(replica.region) }
            }

            var parts: [RegionPart] = names.map { name in
                let region = topology.blueprint.region(name)!
                let z = region.zones.count
                var part = RegionPart(zones: z, kind: .other, normalTolerance: -2, regionLossTolerance: -2, wholeZoneTolerance: -2,
                                      writerZones: [])
                if let placement = topology.placement(service: service.name, region: name), placement.residencyZone == zone {
                    let sizing = placement.sizing
                    part.kind = region.role == .active ? .active : .standby
                    // Elastic capacity scales out after a region loss: that costs RTO, not availability.
                    let surge = service.scalesOut ? max(sizing.hpaMax, sizing.replicas) : sizing.replicas
                    let policy = placement.policy.zoneAntiAffinity
                    // A voting service serves only while its quorum is up, whatever the load needs.
                    let quorum = placement.quorum.map { $0.size(replicas: sizing.replicas) } ?? 0
                    part.normalTolerance = ReplicaMath.zoneLossTolerance(replicas: sizing.replicas, zones: z,
                                                                         need: max(sizing.normalNeed, quorum), policy: policy)
                    part.regionLossTolerance = sizing.regionLossNeed.map {
                        ReplicaMath.zoneLossTolerance(replicas: surge, zones: z, need: max($0, quorum), policy: policy)
                    } ?? -1
                    part.wholeZoneTolerance = ReplicaMath.zoneLossTolerance(
                        replicas: surge, zones: z, need: max(Share(demand).need(perReplica: service.perReplica), quorum), policy: policy)
                } else if zoneRegions.contains(where: { $0.name == name }) {
                    // A region of the zone that runs nothing (no placement): it carries nothing.
                    part.kind = region.role == .active ? .active : .standby
                    part.normalTolerance = -1
                    part.regionLossTolerance = -1
                    part.wholeZoneTolerance = -1
                }
                return part
            }

            var datastoreParts: [DatastorePart] = []
            for datastore in datastores {
                let copies = DatastoreCopies(datastore, blueprint: topology.blueprint)
                // Commits that can never complete: never served, whatever survives.
                let unreachable = copies.quorumUnreachable
                let primary = unreachable ? nil : position[datastore.primary]
                var slot = 0
                if let primary, copies.region != nil {
                    slot = parts[primary].writerZones.count
                    parts[primary].writerZones.append(copies.writerZones)
                }
                let syncRegions = unreachable ? [] : copies.syncRegions.compactMap { position[$0] }
                let automated = datastore.failover.isAutomated
                let failoverRegions = automated && !unreachable ? copies.elsewhere.compactMap { position[$0.region] } : []
                datastoreParts.append(DatastorePart(primary: primary, writerSlot: slot, syncRegions: syncRegions.sorted(),
                                                    syncQuorum: unreachable ? 0 : copies.syncQuorum,
                                                    failoverRegions: failoverRegions.sorted(), automatic: automated))
            }

            key = ProblemKey(zoneAvailability: topology.blueprint.assumptions.zoneAvailability.fraction,
                             regionAvailability: topology.blueprint.assumptions.regionAvailability.fraction,
                             regions: parts, datastores: datastoreParts)
            regionNames = names
            activeCount = parts.filter { $0.kind == .active }.count
        }

        func solve() -> Figures {
            AvailabilityModel.solve(key, activeCount: activeCount) { part in
                outcomes(of: part, zoneUp: key.zoneAvailability, regionUp: key.regionAvailability)
            }
        }

        /// The same rule on one state: each region's outcome is certain (probability 1).
        func solve(in outage: Outage, blueprint: Blueprint) -> Figures {
            var index = 0
            return AvailabilityModel.solve(key, activeCount: activeCount) { part in
                defer { index += 1 }
                let region = blueprint.region(regionNames[index])!
                guard outage.isUp(region.name) else { return [(RegionOutcome(up: false, downZones: part.zones, writersUp: 0), 1)] }
                let down = Set(region.zones.indices.filter { outage.zones.contains(region.zones[$0]) })
                var writers: UInt64 = 0
                for (slot, zones) in part.writerZones.enumerated() where slot < 64 && zones.contains(where: { $0 < part.zones && !down.contains($0) }) {
                    writers |= 1 << UInt64(slot)
                }
                return [(RegionOutcome(up: true, downZones: down.count, writersUp: writers), 1)]
            }
        }
    }
}

// MARK: - The dynamic program

extension AvailabilityModel {
    /// What one region's state means: up or not, how many of its zones are down, and for each
    /// datastore whose primary is here whether a writer zone survives.
    struct RegionOutcome {
        var up: Bool
        var downZones: Int
        /// Bit i: datastore slot i (in `writerZones` order) still has a writer zone up.
        var writersUp: UInt64
    }

    /// The distribution of a region's outcomes, zones grouped by the datastores they hold.
    static func outcomes(of part: RegionPart, zoneUp: Double, regionUp: Double) -> [(RegionOutcome, Double)] {
        let z = part.zones
        // Each zone's signature: the datastore slots for which it is a writer zone.
        var signatures = [UInt64](repeating: 0, count: z)
        for (slot, zones) in part.writerZones.enumerated() where slot < 64 {
            for zone in zones where zone < z { signatures[zone] |= 1 << UInt64(slot) }
        }
        var classSizes: [UInt64: Int] = [:]
        for signature in signatures { classSizes[signature, default: 0] += 1 }
        let classes = classSizes.sorted { $0.key < $1.key }

        var result: [(RegionOutcome, Double)] = [(RegionOutcome(up: false, downZones: z, writersUp: 0), 1 - regionUp)]
        // Walk every combination of "k zones down in class c", with binomial weights.
        var partial: [(down: Int, writers: UInt64, weight: Double)] = [(0, 0, regionUp)]
        for (signature, size) in classes {
            var next: [(Int, UInt64, Double)] = []
            next.reserveCapacity(partial.count * (size + 1))
            for (down, writers, weight) in partial {
                for k in 0...size {
                    let p = weight * binomial(size, k) * power(1 - zoneUp, k) * power(zoneUp, size - k)
                    next.append((down + k, k < size ? writers | signature : writers, p))
                }
            }
            partial = next
        }
        for (down, writers, weight) in partial {
            result.append((RegionOutcome(up: true, downZones: down, writersUp: writers), weight))
        }
        return result
    }

    /// The running summary of the regions folded so far. Packed so it hashes cheaply.
    struct Summary: Hashable {
        /// Active regions of the zone that are down, counted up to 2 (only 0, 1 and "more" matter).
        var activeDown: UInt8 = 0
        var anyActiveUp = false
        /// Every active region that is up carries its normal share / its region-loss share.
        var upActiveCarryNormal = true
        var upActiveCarryRegionLoss = true
        /// Some standby region is up and can take the whole zone.
        var standbyCarries = false
        /// Some datastore is already known to be unavailable.
        var dataLost = false
        /// Per datastore: 0 primary not seen yet, 1 primary alive, 2 primary dead, 3 decided (served).
        var primary: [UInt8]
        /// Per datastore: sync regions up so far (capped at the quorum), and whether a failover
        /// target is up.
        var syncUp: [UInt8]
        var failoverUp: [Bool]
    }

    /// The summaries reached so far with their probabilities, in the order first reached. Sums are
    /// taken in that order, which depends only on the problem: a Dictionary's order changes with
    /// each process's hash seed, and with it the last digit of a floating-point availability
    /// (`explain --format json` printed 0.9999967520007494 or …496 for the same blueprint).
    struct Distribution {
        private(set) var summaries: [Summary] = []
        private(set) var weights: [Double] = []
        private var index: [Summary: Int] = [:]

        init(capacity: Int = 1) {
            summaries.reserveCapacity(capacity)
            weights.reserveCapacity(capacity)
            index.reserveCapacity(capacity)
        }

        var count: Int { summaries.count }
        var entries: Zip2Sequence<[Summary], [Double]> { zip(summaries, weights) }

        mutating func add(_ summary: Summary, _ weight: Double) {
            if let slot = index[summary] {
                weights[slot] += weight
            } else {
                index[summary] = summaries.count
                summaries.append(summary)
                weights.append(weight)
            }
        }
    }

    static func solve(_ key: ProblemKey, activeCount n: Int, outcomesOf: (RegionPart) -> [(RegionOutcome, Double)]) -> Figures {
        let datastores = key.datastores
        // The last region each datastore depends on: after it the datastore is decided.
        var lastRegion = [Int](repeating: -1, count: datastores.count)
        for (index, datastore) in datastores.enumerated() {
            lastRegion[index] = ([datastore.primary ?? -1] + datastore.syncRegions + datastore.failoverRegions).max() ?? -1
        }
        var initial = Summary(primary: datastores.map { $0.primary == nil ? 2 : 0 }, syncUp: datastores.map { _ in 0 },
                              failoverUp: datastores.map { _ in false })
        // A datastore whose primary is not a declared region and has nothing to fail over to
        // is never available: decide it before any region.
        settle(&initial, datastores: datastores, lastRegion: lastRegion, through: -1)
        var distribution = Distribution()
        distribution.add(initial, 1)

        for (regionIndex, part) in key.regions.enumerated() {
            let outcomes = outcomesOf(part)
            var next = Distribution(capacity: distribution.count * 4)
            for (summary, p) in distribution.entries {
                for (outcome, q) in outcomes where q > 0 {
                    var s = summary
                    apply(outcome, of: part, at: regionIndex, to: &s, datastores: datastores)
                    settle(&s, datastores: datastores, lastRegion: lastRegion, through: regionIndex)
                    next.add(s, p * q)
                }
            }
            distribution = next
        }

        var both = 0.0, compute = 0.0, data = 0.0
        for (summary, p) in distribution.entries {
            let c = computeServed(summary, activeCount: n)
            let d = !summary.dataLost
            if c { compute += p }
            if d { data += p }
            if c && d { both += p }
        }
        return Figures(both: both, compute: compute, data: data)
    }

    static func apply(_ outcome: RegionOutcome, of part: RegionPart, at regionIndex: Int, to s: inout Summary, datastores: [DatastorePart]) {
        let d = outcome.downZones
        switch part.kind {
        case .active:
            if outcome.up {
                s.anyActiveUp = true
                if d > part.normalTolerance { s.upActiveCarryNormal = false }
                if d > part.regionLossTolerance { s.upActiveCarryRegionLoss = false }
            } else if s.activeDown < 2 {
                s.activeDown += 1
            }
        case .standby:
            if outcome.up && d <= part.wholeZoneTolerance { s.standbyCarries = true }
        case .other:
            break
        }
        for (index, datastore) in datastores.enumerated() where s.primary[index] != 3 {
            if datastore.primary == regionIndex {
                let writerUp = outcome.up && outcome.writersUp & (1 << UInt64(min(datastore.writerSlot, 63))) != 0
                s.primary[index] = writerUp ? 1 : 2
            }
            if outcome.up {
                if datastore.syncRegions.contains(regionIndex) && Int(s.syncUp[index]) < datastore.syncQuorum { s.syncUp[index] += 1 }
                if datastore.failoverRegions.contains(regionIndex) { s.failoverUp[index] = true }
            }
        }
    }

    /// Decides every datastore whose outcome is known, folding it into `dataLost`, so the
    /// summary forgets what no longer matters and equal situations merge.
    static func settle(_ s: inout Summary, datastores: [DatastorePart], lastRegion: [Int], through regionIndex: Int) {
        for (index, datastore) in datastores.enumerated() where s.primary[index] != 3 {
            let state = s.primary[index]
            let quorumMet = Int(s.syncUp[index]) >= datastore.syncQuorum
            var served: Bool?
            // An alive primary keeps writing while its sync quorum answers; commits block otherwise.
            if state == 1 && quorumMet { served = true }
            // A dead primary is replaced by a copy in another region of its residency zone.
            if state == 2 && s.failoverUp[index] { served = true }
            if served == nil && regionIndex >= lastRegion[index] {
                // A live writer short of its sync quorum blocks commits until the quorum is
                // re-formed: by the automation (counted as up, like an automatic failover) or a human.
                served = state == 1 && datastore.automatic
            }
            guard let served else { continue }
            if !served { s.dataLost = true }
            s.primary[index] = 3
            s.syncUp[index] = 0
            s.failoverUp[index] = false
        }
    }

    static func computeServed(_ s: Summary, activeCount n: Int) -> Bool {
        if n > 0 && s.activeDown == 0 && s.upActiveCarryNormal { return true }
        if n >= 2 && s.activeDown == 1 && s.upActiveCarryRegionLoss { return true }
        if !s.anyActiveUp { return s.standbyCarries }
        return false
    }

    static func binomial(_ n: Int, _ k: Int) -> Double {
        guard k >= 0 && k <= n else { return 0 }
        var result = 1.0
        for i in 0..<min(k, n - k) { result = result * Double(n - i) / Double(i + 1) }
        return result
    }

    static func power(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<max(0, exponent) { result *= base }
        return result
    }
}
