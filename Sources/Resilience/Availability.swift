import BlueprintModel

/// Steady-state availability of one service for one residency zone, computed exactly by
/// enumerating the up/down states of every region and availability zone involved.
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

public enum AvailabilityModel {
    /// Truncated (never rounded up) percentage text with four decimals: 0.9998999 -> "99.9899%".
    public static func percent(_ value: Double) -> String {
        let scaled = (value * 1_000_000 + 1e-7).rounded(.down)
        let whole = Int(scaled) / 10_000
        let fraction = Int(scaled) % 10_000
        let digits = String(fraction)
        return "\(whole).\(String(repeating: "0", count: 4 - digits.count))\(digits)%"
    }

    public static func minutes(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) min/year"
    }

    public static func evaluate(service: Service, zone: String, topology: Topology) -> AvailabilityResult {
        let blueprint = topology.blueprint
        let regionUp = blueprint.assumptions.regionAvailability.fraction
        let zoneUp = blueprint.assumptions.zoneAvailability.fraction
        let demand = service.demand(in: zone)
        let zoneRegions = Topology.regions(of: zone, in: blueprint)
        let datastores = topology.dependencies(of: service, serving: zone)

        // Every region whose state matters, in a fixed order.
        var involved = zoneRegions.map(\.name)
        for datastore in datastores {
            for region in [datastore.primary] + datastore.replicas.map(\.region) where !involved.contains(region) {
                if blueprint.region(region) != nil { involved.append(region) }
            }
        }

        /// What a region's state means for this service, reduced to a few booleans.
        /// Packed into one word: millions of these are hashed for a large blueprint.
        struct Outcome: Hashable {
            var bits: UInt64 = 0

            private func flag(_ bit: Int) -> Bool { bits & (1 << UInt64(bit)) != 0 }
            private mutating func set(_ bit: Int, _ value: Bool) {
                if value { bits |= 1 << UInt64(bit) } else { bits &= ~(1 << UInt64(bit)) }
            }

            var up: Bool { get { flag(0) } set { set(0, newValue) } }
            var carriesNormal: Bool { get { flag(1) } set { set(1, newValue) } }
            var carriesRegionLoss: Bool { get { flag(2) } set { set(2, newValue) } }
            var carriesWholeZone: Bool { get { flag(3) } set { set(3, newValue) } }
            /// For the datastore at `index` whose primary is here: a primary or sync AZ is up.
            func primaryServing(_ index: Int) -> Bool { index < 60 && flag(4 + index) }
            mutating func setPrimaryServing(_ index: Int, _ value: Bool) { if index < 60 { set(4 + index, value) } }
        }

        let active = zoneRegions.filter { $0.role == .active }
        let n = active.count
        let need = { (share: Share) in share.need(perReplica: service.perReplica) }

        func outcomes(of regionName: String) -> [(Outcome, Double)] {
            guard let region = blueprint.region(regionName) else { return [(Outcome(), 1)] }
            let z = region.zones.count
            let placement = topology.placement(service: service.name, region: regionName)
            let replicas = placement?.sizing.replicas ?? 0
            // Elastic capacity scales out after a region loss: that costs RTO, not availability.
            let surgeReplicas = service.capacity == .elastic ? (placement?.sizing.hpaMax ?? replicas) : replicas
            let primaryZones: [[Int]] = datastores.map { datastore in
                guard datastore.primary == regionName else { return [] }
                // The primary takes the first zone, in-region replicas the following ones; sync ones keep serving.
                var holders = [0]
                for (offset, replica) in datastore.replicas.filter({ $0.region == regionName }).enumerated()
                where replica.mode == .sync && offset + 1 < z {
                    holders.append(offset + 1)
                }
                return holders
            }
            var result: [Outcome: Double] = [Outcome(): 1 - regionUp]
            for mask in 0..<(1 << z) {
                var probability = regionUp
                var down = 0
                for index in 0..<z {
                    if mask & (1 << index) != 0 {
                        down += 1
                        probability *= 1 - zoneUp
                    } else {
                        probability *= zoneUp
                    }
                }
                let pods = ReplicaMath.survivingPods(replicas: replicas, zones: z, downZones: down)
                let surgePods = ReplicaMath.survivingPods(replicas: surgeReplicas, zones: z, downZones: down)
                var outcome = Outcome()
                outcome.up = true
                if let sizing = placement?.sizing {
                    outcome.carriesNormal = pods >= sizing.normalNeed
                    outcome.carriesRegionLoss = sizing.regionLossNeed.map { surgePods >= $0 } ?? false
                    outcome.carriesWholeZone = surgePods >= need(Share(demand))
                }
                for (offset, holders) in primaryZones.enumerated() {
                    outcome.setPrimaryServing(offset, !holders.isEmpty && holders.contains { mask & (1 << $0) == 0 })
                }
                result[outcome, default: 0] += probability
            }
            return result.map { ($0.key, $0.value) }
        }

        // Joint distribution over the involved regions' outcomes (regions are independent).
        var joint: [[Outcome]: Double] = [[]: 1]
        for region in involved {
            var next: [[Outcome]: Double] = [:]
            let regionOutcomes = outcomes(of: region)
            for (prefix, p) in joint {
                for (outcome, q) in regionOutcomes {
                    next[prefix + [outcome], default: 0] += p * q
                }
            }
            joint = next
        }

        let index = Dictionary(uniqueKeysWithValues: involved.enumerated().map { ($1, $0) })
        func computeServed(_ state: [Outcome]) -> Bool {
            let activeStates = active.compactMap { index[$0.name].map { state[$0] } }
            let up = activeStates.filter(\.up)
            if up.count == n && n > 0 && up.allSatisfy(\.carriesNormal) { return true }
            if n >= 2 && up.count == n - 1 && up.allSatisfy(\.carriesRegionLoss) { return true }
            if up.isEmpty {
                return zoneRegions.filter { $0.role == .standby }.contains { region in
                    index[region.name].map { state[$0].up && state[$0].carriesWholeZone } ?? false
                }
            }
            return false
        }
        func dataServed(_ state: [Outcome]) -> Bool {
            datastores.enumerated().allSatisfy { offset, datastore in
                if let primary = index[datastore.primary], state[primary].up, state[primary].primaryServing(offset) { return true }
                guard datastore.failover.automatic else { return false }
                return datastore.replicas.contains { replica in
                    replica.region != datastore.primary && blueprint.isInsideResidency(of: datastore, replica.region)
                        && (index[replica.region].map { state[$0].up } ?? false)
                }
            }
        }

        var both = 0.0, compute = 0.0, data = 0.0
        for (state, p) in joint {
            let c = computeServed(state), d = dataServed(state)
            if c { compute += p }
            if d { data += p }
            if c && d { both += p }
        }
        return AvailabilityResult(service: service.name, residencyZone: zone, availability: both, compute: compute, data: data,
                                  regions: involved)
    }

}
