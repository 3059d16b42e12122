import BlueprintModel
import Foundation
import Compiler
import Resilience
import Testing

/// The polynomial availability model must equal the definition: the probability, summed over
/// every joint up/down state of every involved region and zone, that compute and data are both
/// served. This brute force is written from the definition (docs/blueprint.md, "Availability")
/// and shares nothing with the model but the sizing (replica counts) it reads from Topology.
enum BruteForce {
    struct Figures { var both = 0.0, compute = 0.0, data = 0.0 }

    static func availability(service: Service, zone: String, topology t: Topology) -> Figures {
        let bp = t.blueprint
        let aR = bp.assumptions.regionAvailability.fraction, aZ = bp.assumptions.zoneAvailability.fraction
        let zoneRegions = Topology.regions(of: zone, in: bp)
        let datastores = t.dependencies(of: service, serving: zone)
        var involved = zoneRegions.map(\.name)
        for d in datastores { for r in [d.primary] + d.replicas.map(\.region) where !involved.contains(r) && bp.region(r) != nil { involved.append(r) } }
        let zonesOf = involved.map { bp.region($0)!.zones.count }
        // A state: per region, nil when the region is down, else the set of down zones as a bit mask.
        var figures = Figures()
        func visit(_ i: Int, _ state: [Int?], _ p: Double) {
            if i == involved.count {
                let c = compute(state), d = data(state)
                if c { figures.compute += p }
                if d { figures.data += p }
                if c && d { figures.both += p }
                return
            }
            visit(i + 1, state + [nil], p * (1 - aR))
            let z = zonesOf[i]
            for mask in 0..<(1 << z) {
                var q = aR
                for b in 0..<z { q *= mask & (1 << b) != 0 ? 1 - aZ : aZ }
                visit(i + 1, state + [mask], p * q)
            }
        }
        func pods(_ replicas: Int, _ z: Int, _ mask: Int) -> Int {
            // Required zone anti-affinity: one pod in each of min(R, z) zones, the rest Pending.
            if service.placement.zoneAntiAffinity == .required { return max(0, min(replicas, z) - mask.nonzeroBitCount) }
            let perZone = (replicas + z - 1) / z
            return max(0, replicas - mask.nonzeroBitCount * perZone)
        }
        let quorum = { (r: String) in t.placement(service: service.name, region: r).flatMap { p in service.quorum.map { $0.size(replicas: p.sizing.replicas) } } ?? 0 }
        func compute(_ state: [Int?]) -> Bool {
            let active = zoneRegions.filter { $0.role == .active }
            let n = active.count
            func placement(_ r: String) -> Placement? { t.placement(service: service.name, region: r) }
            let upActive = active.filter { state[involved.firstIndex(of: $0.name)!] != nil }
            func left(_ r: Region, surge: Bool) -> Int {
                guard let p = placement(r.name), let mask = state[involved.firstIndex(of: r.name)!] else { return 0 }
                // A voting service's members are its static replicas: the autoscaler adds no voters.
                let replicas = surge && service.capacity == .elastic && service.quorum == nil ? max(p.sizing.hpaMax, p.sizing.replicas) : p.sizing.replicas
                return pods(replicas, r.zones.count, mask)
            }
            if n > 0 && upActive.count == n && active.allSatisfy({ r in placement(r.name).map { left(r, surge: false) >= max($0.sizing.normalNeed, quorum(r.name)) } ?? false }) {
                return true
            }
            if n >= 2 && upActive.count == n - 1
                && upActive.allSatisfy({ r in placement(r.name).flatMap { p in p.sizing.regionLossNeed.map { left(r, surge: true) >= max($0, quorum(r.name)) } } ?? false }) {
                return true
            }
            if upActive.isEmpty {
                let wholeNeed = Share(service.demand(in: zone)).need(perReplica: service.perReplica)
                return zoneRegions.filter { $0.role == .standby }.contains { r in
                    state[involved.firstIndex(of: r.name)!] != nil && placement(r.name) != nil && left(r, surge: true) >= max(wholeNeed, quorum(r.name))
                }
            }
            return false
        }
        func data(_ state: [Int?]) -> Bool {
            datastores.allSatisfy { d in
                guard let pi = involved.firstIndex(of: d.primary) else { return false }
                // Failover without a person needs automation the blueprint names.
                let automated = d.failover.automatic && d.failover.automation != nil
                var voters: [String] = []
                for r in d.replicas where r.mode == .sync && r.region != d.primary && !voters.contains(r.region) { voters.append(r.region) }
                // More acknowledgements than voters: no commit ever completes.
                if let quorum = d.syncQuorum, quorum > voters.count { return false }
                let z = zonesOf[pi]
                var writerAlive = false
                if let mask = state[pi] {
                    // Primary in zone 0, in-region copies in zones 1, 2, …; sync ones take over by
                    // the engine's Multi-AZ failover, any one when named automation promotes it.
                    var holders = [0]
                    for (k, r) in d.replicas.filter({ $0.region == d.primary }).enumerated()
                    where (r.mode == .sync || automated) && k + 1 < z { holders.append(k + 1) }
                    writerAlive = holders.contains { mask & (1 << $0) == 0 }
                }
                if writerAlive {
                    var syncRegions: [String] = []
                    for r in d.replicas where r.mode == .sync && r.region != d.primary && !syncRegions.contains(r.region) { syncRegions.append(r.region) }
                    let up = syncRegions.filter { r in involved.firstIndex(of: r).map { state[$0] != nil } ?? false }.count
                    // Short of the quorum, automation re-forms it; a human takes too long to count.
                    return up >= (d.syncQuorum ?? syncRegions.count) || automated
                }
                guard automated else { return false }
                return d.replicas.contains { r in
                    r.region != d.primary && bp.isInsideResidency(of: d, r.region) && (involved.firstIndex(of: r.region).map { state[$0] != nil } ?? false)
                }
            }
        }
        visit(0, [], 1)
        return figures
    }
}

/// A small deterministic generator (SplitMix64), so a failing case can be replayed by its seed.
struct SeededRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func bool() -> Bool { next() & 1 == 0 }
}

func randomBlueprint(seed: UInt64) -> String {
    var rng = SeededRandom(state: seed)
    let regionCount = rng.int(1...3)
    var regionNames = (0..<regionCount).map { "r\($0)" }
    let abroad = rng.bool() ? "x0" : nil
    var lines = ["blueprint: random", "assumptions: { regionAvailability: 99.\(rng.int(0...9))%, zoneAvailability: 9\(rng.int(5...9)).\(rng.int(0...9))% }"]
    lines.append("residency: { j: [\(regionNames.joined(separator: ", "))]\(abroad.map { ", k: [\($0)]" } ?? "") }")
    if let abroad { regionNames.append(abroad) }
    lines.append("regions:")
    var zones: [String: Int] = [:]
    for (i, r) in regionNames.enumerated() {
        let z = rng.int(1...3)
        zones[r] = z
        let role = r != "x0" && i > 0 && rng.int(0...2) == 0 ? "standby" : "active"
        let zoneList = (0..<z).map { "\(r)\(Character(UnicodeScalar(97 + $0)!))" }.joined(separator: ", ")
        lines.append("  \(r): { zones: [\(zoneList)], cluster: { name: c\(i), server: \"https://c\(i)\" }, role: \(role), wave: \(i + 1) }")
    }
    let capacity = rng.bool() ? "static" : "elastic"
    let usesDatastores = rng.int(0...2)
    let uses = (0..<usesDatastores).map { "d\($0)" }
    lines.append("services:")
    var pins = ""
    if rng.int(0...3) == 0 { pins = ", replicas: { r0: \(rng.int(1...6)) }" }
    if rng.int(0...3) == 0 { pins += ", placement: { zoneAntiAffinity: \(rng.bool() ? "required" : "preferred") }" }
    if rng.int(0...3) == 0 { pins += ", quorum: \(rng.bool() ? "majority" : "2")" }
    lines.append("  api: { image: x/api:1.0.0, port: 8080, demand: { j: \(rng.int(1...900)) }, perReplica: \(rng.int(50...400)), capacity: \(capacity), uses: [\(uses.joined(separator: ", "))]\(pins) }")
    if !uses.isEmpty {
        lines.append("datastores:")
        for name in uses {
            let primary = regionNames[rng.int(0...(regionNames.count - 1))]
            var replicas: [String] = []
            var localCopies = 0
            for r in regionNames where rng.bool() {
                if r == primary {
                    guard localCopies + 1 < zones[r]! else { continue }
                    localCopies += 1
                }
                let mode = rng.bool() ? "sync" : "async"
                replicas.append("{ region: \(r), mode: \(mode) }")
            }
            let global = rng.int(0...3) == 0
            let residency = global ? "" : "residency: \(primary == "x0" ? "k" : "j"), "
            let quorum = rng.int(0...2) == 0 ? ", syncQuorum: 1" : ""
            let automation = rng.int(0...3) == 0 ? "" : ", automation: lambda-failover"
            lines.append("  \(name): { \(residency)primary: \(primary), replicas: [\(replicas.joined(separator: ", "))], failover: { automatic: \(rng.bool())\(automation) }\(quorum) }")
        }
    }
    return lines.joined(separator: "\n") + "\n"
}

/// The random design of `seed`, decoded (an issue is recorded when it does not decode).
func randomTopology(seed: UInt64) -> (Topology, String)? {
    let text = randomBlueprint(seed: seed)
    let analysis = Pipeline.analyze(file: "random.yaml", bytes: Array(text.utf8), today: "2026-11-30")
    guard let blueprint = analysis.blueprint else {
        Issue.record("seed \(seed) did not decode:\n\(text)\n\(analysis.diagnostics)")
        return nil
    }
    return (Topology(blueprint), text)
}

@Suite struct AvailabilityExactnessTests {
    /// 300 random small designs (standbys, elastic services, pins, in-region and cross-region
    /// sync and async copies, global datastores, a datastore abroad): the polynomial model and
    /// the brute-force sum over all 2^(regions + zones) states agree to 1e-12.
    @Test(arguments: 0..<6)
    func polynomialModelEqualsBruteForce(batch: Int) throws {
        var compared = 0
        for seed in UInt64(batch * 50)..<UInt64(batch * 50 + 50) {
            guard let (t, text) = randomTopology(seed: seed) else { continue }
            let blueprint = t.blueprint
            let service = blueprint.services[0]
            let model = AvailabilityModel.evaluate(service: service, zone: "j", topology: t)
            let brute = BruteForce.availability(service: service, zone: "j", topology: t)
            #expect(abs(model.availability - brute.both) < 1e-12, "seed \(seed):\n\(text)")
            #expect(abs(model.compute - brute.compute) < 1e-12, "seed \(seed):\n\(text)")
            #expect(abs(model.data - brute.data) < 1e-12, "seed \(seed):\n\(text)")
            compared += 1
        }
        #expect(compared == 50)
    }

    func regions(_ count: Int, zones: Int, prefix: String = "r") -> (names: [String], yaml: String) {
        let names = (0..<count).map { "\(prefix)\($0)" }
        let yaml = names.enumerated().map { i, r in
            let zoneList = (0..<zones).map { "\(r)\(Character(UnicodeScalar(97 + $0)!))" }.joined(separator: ", ")
            return "  \(r): { zones: [\(zoneList)], cluster: { name: c\(i), server: \"https://c\(i)\" } }"
        }.joined(separator: "\n")
        return (names, yaml)
    }

    /// Twelve active regions of three zones in one residency zone (the old enumeration took
    /// minutes and gigabytes here). Regions are exchangeable, so the figure has a closed form:
    /// with u_N = P(a region is up and keeps its normal share) and u_L the same for its
    /// region-loss share, compute = u_N^12 + 12·(1 − aR)·u_L^11. Each u is a binomial sum over the
    /// number of its zones down: u = aR · Σ_{d ≤ tolerance} C(3, d)·(1−aZ)^d·aZ^(3−d).
    @Test func twelveRegionsMatchTheBinomialClosedForm() throws {
        let (names, yaml) = regions(12, zones: 3)
        let text = """
            blueprint: twelve
            residency: { j: [\(names.joined(separator: ", "))] }
            regions:
            \(yaml)
            services:
              api: { image: x/api:1.0.0, port: 8080, demand: { j: 12000 }, perReplica: 100 }

            """
        let t = try topology(text)
        let sizing = try #require(t.placement(service: "api", region: "r0")).sizing
        // Normal share 1000 rps → 10 pods; region-loss share 2·12000/12 = 2000 → 20 pods;
        // static, so R = T(20) = ceil(20·3/2) = 30 pods, 10 per zone.
        #expect(sizing.normalNeed == 10 && sizing.regionLossNeed == 20 && sizing.replicas == 30)
        let aR = 0.9995, aZ = 0.999, down = 1 - aZ
        // Normal: 30 − 10d ≥ 10 ⟺ d ≤ 2. Region loss: 30 − 10d ≥ 20 ⟺ d ≤ 1.
        let uN = aR * (aZ * aZ * aZ + 3 * down * aZ * aZ + 3 * down * down * aZ)
        let uL = aR * (aZ * aZ * aZ + 3 * down * aZ * aZ)
        let expected = pow(uN, 12) + 12 * (1 - aR) * pow(uL, 11)
        let result = AvailabilityModel.evaluate(service: t.blueprint.services[0], zone: "j", topology: t)
        #expect(abs(result.availability - expected) < 1e-12)
        #expect(result.regions.count == 12)
    }

    /// The same design shrunk to three regions is checked by the brute force: the model that
    /// gives the twelve-region figure is the model that equals the full enumeration.
    @Test func threeRegionEquivalentMatchesBruteForce() throws {
        let (names, yaml) = regions(3, zones: 3)
        let text = """
            blueprint: three
            residency: { j: [\(names.joined(separator: ", "))] }
            regions:
            \(yaml)
            services:
              api: { image: x/api:1.0.0, port: 8080, demand: { j: 3000 }, perReplica: 100, uses: [g] }
            datastores:
              g:
                primary: r0
                replicas: [{ region: r0, mode: sync }, { region: r1, mode: async }, { region: r2, mode: async }]
                failover: { automatic: true }

            """
        let t = try topology(text)
        let model = AvailabilityModel.evaluate(service: t.blueprint.services[0], zone: "j", topology: t)
        let brute = BruteForce.availability(service: t.blueprint.services[0], zone: "j", topology: t)
        #expect(abs(model.availability - brute.both) < 1e-12)
    }

    /// A global datastore replicated to twelve regions (DynamoDB global tables style) and thirty
    /// regions of six zones: both finish (the old model never did) with the closed-form data
    /// figure: data is lost only when the primary's writer is gone and all eleven other copies'
    /// regions are down.
    @Test func globalDatastoreOverTwelveRegions() throws {
        let (names, yaml) = regions(12, zones: 6)
        let replicas = names.map { "{ region: \($0), mode: \($0 == "r0" ? "sync" : "async") }" }.joined(separator: ", ")
        let text = """
            blueprint: global
            residency: { j: [\(names.joined(separator: ", "))] }
            regions:
            \(yaml)
            services:
              api: { image: x/api:1.0.0, port: 8080, demand: { j: 12000 }, perReplica: 100, uses: [table] }
            datastores:
              table: { primary: r0, replicas: [\(replicas)], failover: { automatic: true, promotion: 30s, automation: lambda } }

            """
        let t = try topology(text)
        let result = AvailabilityModel.evaluate(service: t.blueprint.services[0], zone: "j", topology: t)
        let aR = 0.9995, down = 0.001
        // Writer alive: region up and one of zone a (primary) or zone b (sync copy) up.
        let writerAlive = aR * (1 - down * down)
        let expectedData = writerAlive + (1 - writerAlive) * (1 - pow(1 - aR, 11))
        #expect(abs(result.data - expectedData) < 1e-12)
    }

    @Test func thirtyRegionsOfSixZonesFinish() throws {
        let (names, yaml) = regions(30, zones: 6)
        let text = """
            blueprint: thirty
            residency: { j: [\(names.joined(separator: ", "))] }
            regions:
            \(yaml)
            services:
              api: { image: x/api:1.0.0, port: 8080, demand: { j: 30000 }, perReplica: 100, capacity: elastic }

            """
        let t = try topology(text)
        let result = AvailabilityModel.evaluate(service: t.blueprint.services[0], zone: "j", topology: t)
        #expect(result.availability > 0.99 && result.availability <= 1)
        #expect(result.regions.count == 30)
    }

    /// Commits wait for a cross-region sync replica: while its region is down, writes block
    /// (unless the blueprint says any one of several is enough).
    @Test func crossRegionSyncReplicaBlocksCommitsWhenItsRegionIsDown() throws {
        func data(_ quorum: String) throws -> Double {
            let text = """
                blueprint: sync
                residency: { j: [a, b, c] }
                regions:
                  a: { zones: [a1, a2], cluster: { name: a, server: "https://a" } }
                  b: { zones: [b1, b2], cluster: { name: b, server: "https://b" } }
                  c: { zones: [c1, c2], cluster: { name: c, server: "https://c" } }
                services:
                  api: { image: x/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [db] }
                datastores:
                  db: { residency: j, primary: a, replicas: [{ region: b, mode: sync }, { region: c, mode: sync }]\(quorum) }

                """
            let t = try topology(text)
            return AvailabilityModel.evaluate(service: t.blueprint.services[0], zone: "j", topology: t).data
        }
        let aR = 0.9995, writer = aR * (1 - 0.001)   // one zone holds the primary; no in-region copy
        // Manual failover (the default): data is served only by the primary, with both sync peers up (all)…
        #expect(abs(try data("") - writer * aR * aR) < 1e-12)
        // …or with at least one of the two up (any 1 of 2).
        #expect(abs(try data(", syncQuorum: 1") - writer * (1 - (1 - aR) * (1 - aR))) < 1e-12)
    }

    @Test func zoneTolerantCountIsTheLeastSufficientOne() {
        for zones in 2...7 {
            for need in 0...200 {
                let r = ReplicaMath.zoneTolerant(need: need, zones: zones)
                let perZone = (r + zones - 1) / zones
                #expect(r - perZone >= need)
                if r > 0 { #expect((r - 1) - ((r - 1 + zones - 1) / zones) < need) }
            }
        }
        // Closed form: no loop, so a trillion pods is instant.
        #expect(ReplicaMath.zoneTolerant(need: 1_000_000_000_000, zones: 3) == 1_500_000_000_000)
        #expect(ReplicaMath.zoneTolerant(need: Int.max / 2, zones: 3) == Int.max)
    }
}
