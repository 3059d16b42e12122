import BlueprintModel

/// The order in which Argo CD rolls a release out to the regions: the blueprint's `wave:`
/// values when any region states one, otherwise an order derived from the topology.
public struct RolloutPlan: Sendable, Hashable {
    public struct Wave: Sendable, Hashable {
        /// The ApplicationSet step's label value; given waves keep the blueprint's numbers.
        public var number: Int
        public var regions: [String]
    }

    public var waves: [Wave]
    /// True when no region states a `wave:` and the order was derived.
    public var derived: Bool
    /// Why the order is what it is: one line per decision of the derivation, or, for given
    /// waves, where they depart from the derivation's rules.
    public var reasons: [String]
    /// `gitops.bake`: how long each wave stays Healthy before the next starts; nil when not stated.
    public var bake: Duration? = nil

    public func wave(of region: String) -> Int? {
        waves.first { $0.regions.contains(region) }?.number
    }

    public init(_ blueprint: Blueprint) {
        bake = blueprint.gitops?.bake
        if blueprint.regions.contains(where: \.waveStated) {
            let numbers = Set(blueprint.regions.map(\.wave)).sorted()
            waves = numbers.map { number in Wave(number: number, regions: blueprint.regions.filter { $0.wave == number }.map(\.name).sorted()) }
            derived = false
            reasons = Self.departures(of: waves, in: blueprint)
        } else {
            (waves, reasons) = Self.derive(blueprint)
            derived = true
        }
    }

    // MARK: The derivation's rules

    /// Regions that hold the primary (the writer) of some datastore.
    static func primaryRegions(_ blueprint: Blueprint) -> Set<String> {
        Set(blueprint.datastores.map(\.primary).filter { blueprint.region($0) != nil })
    }

    /// Pairs of regions one of which takes over from the other: a datastore's primary and each
    /// region it can be promoted to, and a residency zone's active regions and its standbys.
    public static func failoverPairs(_ blueprint: Blueprint) -> [(String, String, why: String)] {
        var pairs: [(String, String, why: String)] = []
        for datastore in blueprint.datastores {
            for replica in datastore.replicas where replica.region != datastore.primary
            && blueprint.isInsideResidency(of: datastore, replica.region) && blueprint.region(replica.region) != nil {
                pairs.append((datastore.primary, replica.region, "\(datastore.name) fails over from \(datastore.primary) to \(replica.region)"))
            }
        }
        for zone in blueprint.residency {
            let regions = zone.regions.compactMap { blueprint.region($0) }
            for active in regions where active.role == .active {
                for standby in regions where standby.role == .standby {
                    pairs.append((active.name, standby.name, "\(standby.name) is the standby of \(active.name) in \(zone.name)"))
                }
            }
        }
        return pairs
    }

    /// Why `regions` may not form one wave, or nil. The blueprint is sized for the loss of one
    /// region per residency zone, so a wave takes at most one region of each.
    static func conflict(_ regions: [String], in blueprint: Blueprint) -> String? {
        for zone in blueprint.residency where zone.regions.count >= 2 {
            let inWave = zone.regions.filter(regions.contains)
            if inWave.count == zone.regions.count {
                return "it would hold every region of residency zone \(zone.name) (\(inWave.joined(separator: ", ")))"
            }
            if inWave.count >= 2 {
                return "it would hold \(inWave.joined(separator: " and ")) of residency zone \(zone.name), which is sized for the loss of one region"
            }
        }
        for pair in failoverPairs(blueprint) where regions.contains(pair.0) && regions.contains(pair.1) {
            return "it would hold both sides of a failover pair (\(pair.why))"
        }
        return nil
    }

    /// Requests per second a region serves with every region up: the sum of its normal shares.
    static func traffic(of region: String, in topology: Topology) -> Double {
        topology.placements(inRegion: region).reduce(0) { $0 + $1.sizing.normalShare.requestsPerSecond }
    }

    static func rps(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return hundredths % 100 == 0 ? "\(hundredths / 100) rps" : "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) rps"
    }

    /// The derived order:
    /// 1. a canary wave of the lowest-traffic region that holds no datastore primary;
    /// 2. the other regions without a primary, lowest traffic first, each in the earliest wave
    ///    it does not conflict with (`conflict`);
    /// 3. regions holding a primary last, in waves of their own after those, the same way.
    static func derive(_ blueprint: Blueprint) -> ([Wave], [String]) {
        let topology = Topology(blueprint)
        let primaries = primaryRegions(blueprint)
        let load = Dictionary(uniqueKeysWithValues: blueprint.regions.map { ($0.name, traffic(of: $0.name, in: topology)) })
        let byTraffic = blueprint.regions.map(\.name).sorted { (load[$0]!, $0) < (load[$1]!, $1) }
        var groups: [[String]] = []
        var reasons: [String] = []
        let candidates = byTraffic.filter { !primaries.contains($0) }
        if let canary = candidates.first {
            groups.append([canary])
            reasons.append("wave 1 (canary): \(canary), the lowest-traffic region without a datastore primary (\(rps(load[canary]!)))")
        } else if !byTraffic.isEmpty {
            reasons.append("no canary wave: every region holds a datastore primary")
        }
        func place(_ regions: [String], from first: Int, kind: (String) -> String) {
            for region in regions {
                var placed = false
                for index in first..<groups.count {
                    if let why = conflict(groups[index] + [region], in: blueprint) {
                        reasons.append("\(region) not in wave \(index + 1): \(why)")
                        continue
                    }
                    groups[index].append(region)
                    reasons.append("wave \(index + 1): \(region) (\(kind(region)), \(rps(load[region]!)))")
                    placed = true
                    break
                }
                if !placed {
                    groups.append([region])
                    reasons.append("wave \(groups.count): \(region) (\(kind(region)), \(rps(load[region]!)))")
                }
            }
        }
        place(Array(candidates.dropFirst()), from: groups.count) { _ in "no primary" }
        let primaryRegions = byTraffic.filter { primaries.contains($0) }
        if !primaryRegions.isEmpty {
            reasons.append("regions holding a datastore primary go last: \(primaryRegions.joined(separator: ", "))")
        }
        place(primaryRegions, from: groups.count) { region in
            "primary of " + blueprint.datastores.filter { $0.primary == region }.map(\.name).joined(separator: ", ")
        }
        let waves = groups.enumerated().map { Wave(number: $0.offset + 1, regions: $0.element.sorted()) }
        return (waves, reasons)
    }

    /// Where given waves depart from the rules the derivation follows (not errors in
    /// themselves: the proof decides whether a wave breaks an objective).
    static func departures(of waves: [Wave], in blueprint: Blueprint) -> [String] {
        var lines: [String] = []
        let primaries = primaryRegions(blueprint)
        if let first = waves.first, waves.count >= 2 {
            let writers = first.regions.filter(primaries.contains)
            if !writers.isEmpty {
                let names = blueprint.datastores.filter { writers.contains($0.primary) }.map(\.name).joined(separator: ", ")
                lines.append("wave \(first.number) is the canary but holds the primary of \(names) (\(writers.joined(separator: ", ")))")
            }
        }
        for wave in waves {
            if let why = conflict(wave.regions, in: blueprint) { lines.append("wave \(wave.number): \(why.replacingFirst("it would hold", with: "holds"))") }
        }
        if let lastPlain = waves.lastIndex(where: { !$0.regions.allSatisfy(primaries.contains) && $0.regions.contains { !primaries.contains($0) } }),
           let firstPrimary = waves.firstIndex(where: { $0.regions.contains(where: primaries.contains) }), firstPrimary < lastPlain {
            lines.append("primaries' regions are not last: wave \(waves[firstPrimary].number) holds \(waves[firstPrimary].regions.filter(primaries.contains).joined(separator: ", ")) before wave \(waves[lastPlain].number)")
        }
        return lines
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}
