import BlueprintModel

/// Requests per second as an exact fraction, so `demand / n` never picks up floating-point
/// error before it is rounded up into pods.
public struct Share: Hashable, Sendable, CustomStringConvertible {
    public var numerator: Int
    public var denominator: Int

    public init(_ numerator: Int, over denominator: Int = 1) {
        precondition(denominator > 0)
        self.numerator = numerator
        self.denominator = denominator
    }

    public static let zero = Share(0)

    /// Pods needed to carry this share: ceil(share / perReplica), 0 for no load. Saturates
    /// instead of trapping; the decoder's bounds keep real inputs far from the limits.
    public func need(perReplica: Int) -> Int {
        guard numerator > 0, perReplica > 0 else { return 0 }
        let (divisor, overflow) = denominator.multipliedReportingOverflow(by: perReplica)
        if overflow { return 1 }
        return numerator / divisor + (numerator % divisor == 0 ? 0 : 1)
    }

    public var requestsPerSecond: Double { Double(numerator) / Double(denominator) }

    public var description: String {
        // Integer arithmetic keeps the text identical on every platform: two decimals, truncated.
        guard numerator % denominator != 0 else { return "\(numerator / denominator)" }
        let hundredths = (numerator % denominator) * 100 / denominator
        return "\(numerator / denominator).\(hundredths < 10 ? "0" : "")\(hundredths)"
    }
}

/// The sizing arithmetic of one service in one region (spec section 4, "Shares" and "Replicas").
public enum ReplicaMath {
    /// The least R such that losing the fullest zone (ceil(R/z) pods, with the spread
    /// `maxSkew: 1`) still leaves `need` pods. With one zone there is nothing to tolerate.
    ///
    /// Closed form: R − ceil(R/z) = floor(R·(z−1)/z), so the least R is ceil(need·z/(z−1)).
    ///
    /// Under required zone anti-affinity each zone holds at most one pod, so losing a zone costs
    /// one pod: need + 1 (which only fits when the region has that many zones).
    public static func zoneTolerant(need: Int, zones: Int, policy: PlacementPolicy.ZoneAntiAffinity = .spread) -> Int {
        guard zones > 1 else { return max(need, 1) }
        guard need > 0 else { return 0 }
        if policy == .required { return need == Int.max ? need : need + 1 }
        let (scaled, overflow) = need.multipliedReportingOverflow(by: zones)
        if overflow { return Int.max }
        return scaled / (zones - 1) + (scaled % (zones - 1) == 0 ? 0 : 1)
    }

    /// The most pods any one zone holds: ceil(R/z) under the spread (`maxSkew: 1`), one under
    /// required zone anti-affinity.
    public static func podsPerZone(replicas: Int, zones: Int, policy: PlacementPolicy.ZoneAntiAffinity = .spread) -> Int {
        guard zones > 0, replicas > 0 else { return 0 }
        if policy == .required { return 1 }
        return replicas / zones + (replicas % zones == 0 ? 0 : 1)
    }

    /// Pods that can be scheduled at all: under required zone anti-affinity, one per zone; the
    /// rest stay Pending.
    public static func schedulablePods(replicas: Int, zones: Int, policy: PlacementPolicy.ZoneAntiAffinity = .spread) -> Int {
        policy == .required ? min(replicas, zones) : replicas
    }

    /// Pods a Deployment's rolling update takes out of service at once (its strategy's
    /// `maxUnavailable`): with one pod per zone there is no free zone for a surge pod, so pods
    /// are replaced in place one at a time; otherwise Meridian surges first and takes none.
    public static func rolloutUnavailable(_ policy: PlacementPolicy.ZoneAntiAffinity) -> Int {
        policy == .required ? 1 : 0
    }

    /// Pods left in a region with `downZones` of its `zones` lost, in the worst case.
    public static func survivingPods(replicas: Int, zones: Int, downZones: Int, policy: PlacementPolicy.ZoneAntiAffinity = .spread) -> Int {
        guard zones > 0 else { return 0 }
        let running = schedulablePods(replicas: replicas, zones: zones, policy: policy)
        let (lost, overflow) = podsPerZone(replicas: running, zones: zones, policy: policy).multipliedReportingOverflow(by: max(0, downZones))
        return overflow ? 0 : max(0, running - lost)
    }

    /// The most zones a region of `zones` zones running `replicas` pods can lose while at least
    /// `need` pods survive: `zones` when nothing is needed, -1 when not even all zones suffice.
    public static func zoneLossTolerance(replicas: Int, zones: Int, need: Int, policy: PlacementPolicy.ZoneAntiAffinity = .spread) -> Int {
        guard need > 0 else { return zones }
        let running = schedulablePods(replicas: replicas, zones: zones, policy: policy)
        guard zones > 0, running >= need else { return -1 }
        let perZone = podsPerZone(replicas: running, zones: zones, policy: policy)
        return min(zones, (running - need) / perZone)
    }

    public struct Input: Sendable {
        public var demand: Int
        public var activeRegions: Int
        public var role: RegionRole
        public var within: WithinZoneRouting
        public var capacity: CapacityMode
        public var perReplica: Int
        public var zones: Int
        public var pinnedReplicas: Int?
        public var pinnedMaxReplicas: Int?
        public var zoneAntiAffinity: PlacementPolicy.ZoneAntiAffinity = .spread
        public var quorum: Quorum? = nil

        public init(demand: Int, activeRegions: Int, role: RegionRole = .active, within: WithinZoneRouting = .latency,
                    capacity: CapacityMode = .static, perReplica: Int, zones: Int,
                    pinnedReplicas: Int? = nil, pinnedMaxReplicas: Int? = nil) {
            self.demand = demand
            self.activeRegions = activeRegions
            self.role = role
            self.within = within
            self.capacity = capacity
            self.perReplica = perReplica
            self.zones = zones
            self.pinnedReplicas = pinnedReplicas
            self.pinnedMaxReplicas = pinnedMaxReplicas
        }
    }

    public struct Sizing: Hashable, Sendable {
        /// What the region carries when all of its zone's active regions are up.
        public var normalShare: Share
        /// What it carries when another region of the zone is lost; nil for a lone active region.
        public var regionLossShare: Share?
        /// What the Deployment is sized for: region-loss share when static, normal when elastic.
        public var provisionedShare: Share
        public var replicas: Int
        public var hpaMin: Int
        public var hpaMax: Int
        public var pdbMaxUnavailable: Int
        /// The share the PDB keeps served during voluntary disruptions.
        public var protectedShare: Share

        public var normalNeed: Int
        public var regionLossNeed: Int?
        public var provisionedNeed: Int
    }

    public static func size(_ input: Input) -> Sizing {
        let n = input.activeRegions
        let normal: Share
        let regionLoss: Share?
        switch input.role {
        case .active:
            normal = n > 0 ? Share(input.demand, over: n) : .zero
            if n >= 2 {
                regionLoss = input.within == .weighted
                    ? Share(input.demand, over: n - 1)
                    // Latency routing sends a lost region's users to one neighbour: 2·demand/n, at most all of it.
                    : Share(n >= 2 ? input.demand.multipliedClamped(by: 2) : input.demand, over: n)
            } else {
                regionLoss = nil
            }
        case .standby:
            normal = .zero
            regionLoss = Share(input.demand)
        }
        let provisioned = input.capacity == .static ? (regionLoss ?? normal) : normal
        let need = { (share: Share) in share.need(perReplica: input.perReplica) }

        let policy = input.zoneAntiAffinity
        var replicas = zoneTolerant(need: need(provisioned), zones: input.zones, policy: policy)
        if input.role == .standby { replicas = max(replicas, input.zones) }
        // A majority-voting group needs at least three members, and an odd count: a fourth
        // member raises the majority without surviving more losses.
        if input.quorum == .majority {
            replicas = max(replicas, 3)
            if replicas % 2 == 0 { replicas += 1 }
        }
        if let pin = input.pinnedReplicas { replicas = pin }

        var hpaMax = max(replicas, regionLoss.map { zoneTolerant(need: need($0), zones: input.zones, policy: policy) } ?? replicas)
        // One pod per zone: a ceiling above the zone count would only add Pending pods.
        if policy == .required { hpaMax = max(replicas, min(hpaMax, input.zones)) }
        if let pin = input.pinnedMaxReplicas { hpaMax = pin }

        let protected = replicas >= need(provisioned) ? provisioned : normal
        var maxUnavailable = max(0, replicas - need(protected))
        // A voting group keeps its quorum through voluntary disruptions.
        if let quorum = input.quorum { maxUnavailable = max(0, min(maxUnavailable, replicas - quorum.size(replicas: replicas))) }

        return Sizing(
            normalShare: normal, regionLossShare: regionLoss, provisionedShare: provisioned,
            replicas: replicas, hpaMin: replicas, hpaMax: hpaMax, pdbMaxUnavailable: maxUnavailable,
            protectedShare: protected, normalNeed: need(normal), regionLossNeed: regionLoss.map(need),
            provisionedNeed: need(provisioned))
    }
}

extension ReplicaMath {
    /// Sizing during a known regional outage: a surviving active region runs its region-loss
    /// share now, and a standby whose zone has no active region left runs the whole zone, each
    /// zone-tolerant — the replicas, the HPA floor and the PDB follow. Unchanged when the
    /// region's zone lost nothing.
    public static func raisedForOutage(_ sizing: Sizing, input: Input, activeUp: Int) -> Sizing {
        let share: Share
        switch input.role {
        case .active:
            guard activeUp < input.activeRegions, let loss = sizing.regionLossShare else { return sizing }
            share = loss
        case .standby:
            guard activeUp == 0 else { return sizing }
            share = Share(input.demand)
        }
        let need = share.need(perReplica: input.perReplica)
        let target = zoneTolerant(need: need, zones: input.zones, policy: input.zoneAntiAffinity)
        guard target > sizing.replicas else { return sizing }
        var raised = sizing
        raised.replicas = target
        raised.hpaMin = target
        raised.hpaMax = max(sizing.hpaMax, target)
        raised.provisionedShare = share
        raised.provisionedNeed = need
        raised.protectedShare = share
        raised.pdbMaxUnavailable = max(0, target - need)
        if let quorum = input.quorum { raised.pdbMaxUnavailable = max(0, min(raised.pdbMaxUnavailable, target - quorum.size(replicas: target))) }
        return raised
    }
}

extension Int {
    /// `self * factor`, pinned to Int.max / Int.min instead of trapping on overflow.
    func multipliedClamped(by factor: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: factor)
        guard overflow else { return product }
        return (self < 0) == (factor < 0) ? .max : .min
    }
}
