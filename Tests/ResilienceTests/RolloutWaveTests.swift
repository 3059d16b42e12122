import BlueprintModel
import Compiler
import Foundation
import Generators
import Resilience
import Testing
import Validation

/// Rollout waves: the derived order, the proof per wave, and the rule that refuses a wave.
@Suite struct RolloutWaveTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ name: String, withoutWaves: Bool = false) throws -> String {
        let text = try String(contentsOf: root.appendingPathComponent("Blueprints/\(name).yaml"), encoding: .utf8)
        guard withoutWaves else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("    wave: ") }.joined(separator: "\n")
    }

    static func analyze(_ text: String) -> Analysis {
        Pipeline.analyze(file: "t.yaml", bytes: Array(text.utf8), today: "2026-11-30")
    }

    static func report(_ text: String) throws -> RolloutReport {
        let topology = Topology(try #require(analyze(text).blueprint))
        return RolloutReport(topology: topology, explanation: Explanation(topology))
    }

    static func waves(_ report: RolloutReport) -> [[String]] { report.plan.waves.map(\.regions) }

    static func findings(_ text: String) -> [String] {
        analyze(text).diagnostics.filter { $0.rule == "rollout-wave-breaks-objective" }.map(\.message)
    }

    // MARK: Derived orders, by hand

    /// Normal shares (demand / active regions of the zone), summed per region:
    /// us 30000+60000+12000+12000 = 114000 / 2 = 57000; eu 67000 / 2 = 33500; apac 34000 / 2 = 17000.
    /// Primaries: us-east-1 (ledger-us), eu-west-1 (ledger-eu), ap-southeast-1 (ledger-apac).
    /// Canary: the lowest of the others, ap-northeast-1 (17000). Then eu-central-1 (33500) and
    /// us-west-2 (57000) share wave 2 (different zones, no failover pair between them); the
    /// three primaries' regions share wave 3 (each ledger fails over inside its own zone).
    @Test func tradingPlatformDerivedOrder() throws {
        let report = try Self.report(try Self.text("trading-platform", withoutWaves: true))
        #expect(report.plan.derived)
        #expect(Self.waves(report) == [["ap-northeast-1"], ["eu-central-1", "us-west-2"], ["ap-southeast-1", "eu-west-1", "us-east-1"]])
        #expect(report.plan.reasons.first == "wave 1 (canary): ap-northeast-1, the lowest-traffic region without a datastore primary (17000 rps)")
        // Proved: every wave holds one region per residency zone, which the sizing survives with a zone lost elsewhere.
        #expect(report.proofs.allSatisfy { $0.breaches.isEmpty })
        // Wave 1 alone, then with each of the 15 zones of the five other regions: 16 states.
        #expect(report.proofs[0].statesChecked == 16)
    }

    /// eu-central-1 is a standby (normal share 0 rps) and holds no primary: the canary.
    /// eu-west-1 holds core-ledger and payment-events: last. Same as the blueprint's waves.
    @Test func neobankDerivedOrder() throws {
        let report = try Self.report(try Self.text("neobank-active-standby", withoutWaves: true))
        #expect(Self.waves(report) == [["eu-central-1"], ["eu-west-1"]])
        #expect(report.plan.reasons.first == "wave 1 (canary): eu-central-1, the lowest-traffic region without a datastore primary (0 rps)")
        #expect(report.proofs.allSatisfy { $0.breaches.isEmpty })
        let given = try Self.report(try Self.text("neobank-active-standby"))
        #expect(Self.waves(given) == Self.waves(report))
    }

    /// Canary ap-southeast-2 (5150 rps, apac's lowest without a primary). eu-central-1 → wave 2;
    /// eu-north-1 cannot join it (two of eu's regions) → wave 3; us-east-2 → wave 2; us-west-2
    /// cannot join us-east-2 → wave 3. Primaries: ap-southeast-1 and eu-west-1 → wave 4;
    /// us-east-1 cannot join eu-west-1 (catalog fails over from us-east-1 to eu-west-1) → wave 5.
    @Test func shopDerivedOrder() throws {
        let report = try Self.report(try Self.text("shop-geo-sharded", withoutWaves: true))
        #expect(Self.waves(report) == [["ap-southeast-2"], ["eu-central-1", "us-east-2"], ["eu-north-1", "us-west-2"],
                                       ["ap-southeast-1", "eu-west-1"], ["us-east-1"]])
        #expect(report.plan.reasons.contains("us-east-1 not in wave 4: it would hold both sides of a failover pair (catalog fails over from us-east-1 to eu-west-1)"))
        #expect(report.proofs.allSatisfy { $0.breaches.isEmpty })
    }

    // MARK: Given waves

    @Test(arguments: ["neobank-active-standby", "shop-geo-sharded", "trading-platform"])
    func theExamplesGivenWavesAreSafe(_ name: String) throws {
        let text = try Self.text(name)
        #expect(Self.findings(text).isEmpty)
        #expect(!(try Self.report(text)).plan.derived)
    }

    /// The shop's waves before this change: wave 3 held eu-central-1 and eu-north-1, two of
    /// eu's three active regions. A bad release there leaves one active region of eu up, and
    /// eu is sized for the loss of one: 2 down → not served. Wave 2 held us-east-1, eu-west-1
    /// and ap-southeast-1, every copy of catalog: the only one left is the backup in us-west-2,
    /// every 1h + copyDelay 60m (the default) = 2h of writes at risk > rpo 5s.
    @Test func theShopsOldWavesBreakObjectives() throws {
        let old: [String: Int] = ["us-east-1": 2, "us-east-2": 1, "us-west-2": 3, "eu-west-1": 2, "eu-central-1": 3,
                                  "eu-north-1": 3, "ap-southeast-1": 2, "ap-southeast-2": 3]
        var region = ""
        let text = try Self.text("shop-geo-sharded").split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("  "), !line.hasPrefix("   "), line.hasSuffix(":") { region = String(line.dropFirst(2).dropLast()) }
            return line.hasPrefix("    wave: ") ? "    wave: \(old[region]!)" : String(line)
        }.joined(separator: "\n")
        let report = try Self.report(text)
        let wave3 = try #require(report.proofs.first { $0.wave.number == 3 })
        #expect(wave3.breaches.contains { $0.message == "storefront users in eu are not served: 2 active regions are down: beyond what the blueprint sizes for (one)" })
        let wave2 = try #require(report.proofs.first { $0.wave.number == 2 })
        let catalog = try #require(wave2.breaches.first { $0.message.hasPrefix("catalog:") })
        #expect(catalog.message == "catalog: 2h0m0s of writes at risk exceeds the RPO objective 5s")
        #expect(catalog.reportedBy == nil)
        let findings = Self.findings(text)
        #expect(findings.count == 2)
        #expect(findings.contains { $0.hasPrefix("rollout wave 3 (ap-southeast-2, eu-central-1, eu-north-1, us-west-2) breaks an objective") })
    }

    // MARK: The rule's hand-made cases

    /// The rule catalogue's base blueprint: eu = [eu-west-1 (wave 1 by default), eu-central-1 (wave 2)],
    /// api 1000 rps at 100 per pod, orders' primary in eu-west-1 with an async copy in eu-central-1.
    static let base = RuleExample.base

    /// Both regions of the two-region zone eu in wave 1: a bad release takes both, no region
    /// of eu is up, api's users are not served. Refused, at eu-central-1's `wave` key (line 15).
    @Test func aWaveHoldingBothRegionsOfATwoRegionZoneIsRefused() throws {
        let text = Self.base.replacingOccurrences(of: "    wave: 2\n", with: "    wave: 1\n")
        let diagnostics = Self.analyze(text).diagnostics.filter { $0.rule == "rollout-wave-breaks-objective" }
        #expect(diagnostics.count == 1)
        let finding = try #require(diagnostics.first)
        #expect(finding.severity == .error)
        #expect(finding.message == "rollout wave 1 (eu-central-1, eu-west-1) breaks an objective with its regions lost to a bad release (outage eu-central-1, eu-west-1): api users in eu are not served: no region of eu is up")
        #expect(finding.mark.line == 15)
        #expect(finding.fix == "split the wave: move eu-central-1 to another wave (a wave may hold one region of eu)")
        // Split (the base: eu-central-1 in wave 2). Each region alone: the other carries the
        // region-loss share 2·1000/2 = 1000 rps = 10 pods, of 15 static replicas (zone-tolerant
        // ceil(10·3/2) = 15), with a zone elsewhere lost: 15 − ceil(15/3) = 10 ≥ 10.
        #expect(Self.findings(Self.base).isEmpty)
        let report = try Self.report(Self.base)
        #expect(report.proofs.map(\.wave.regions) == [["eu-west-1"], ["eu-central-1"]])
        #expect(report.proofs.allSatisfy { $0.breaches.isEmpty })
    }

    /// Rolling: with 500 rps per pod api needs 2 pods for the region-loss share 1000 rps, so
    /// 3 replicas, one per zone (required zone anti-affinity: 2 + 1 for a zone). Its rolling
    /// update replaces in place with maxUnavailable 1: 3 − 1 = 2 pods. With quorum 3 every pod
    /// must be up: 2 < 3.
    @Test func aRollingUpdateBelowQuorumBreaksTheWave() throws {
        let text = Self.base.replacingOccurrences(
            of: "    perReplica: 100\n", with: "    perReplica: 500\n    quorum: 3\n    placement: { zoneAntiAffinity: required }\n")
        let report = try Self.report(text)
        let breach = try #require(report.proofs[0].breaches.first { $0.level == .rolling })
        #expect(breach.message == "api in eu-west-1 keeps 2 pods during its rolling update but needs 3")
        #expect(breach.arithmetic == ["3 running − 1 maxUnavailable = 2 < 3 needed (quorum)"])
        #expect(Self.findings(text).contains { $0.hasPrefix("rollout wave 1 (eu-west-1) breaks an objective during its rolling update") })
    }

    /// The ApplicationSet labels each region with its derived wave and gets one step per wave.
    @Test func theApplicationSetFollowsTheDerivedWaves() throws {
        let topology = Topology(try #require(Self.analyze(try Self.text("trading-platform", withoutWaves: true)).blueprint))
        let file = try #require(ApplicationSetGenerator.file(for: topology))
        #expect(file.contents.contains("Waves (derived from the topology, see REPORT.md): 1 = ap-northeast-1; 2 = eu-central-1, us-west-2; 3 = ap-southeast-1, eu-west-1, us-east-1"))
        #expect(file.contents.components(separatedBy: "key: meridian.dev/wave").count - 1 == 3)
    }
    /// `gitops.bake`: Argo CD has no bake time, so the ApplicationSet carries it as an annotation
    /// for the operator's gate and REPORT.md times it: 3 waves, 2 gaps × 30m = 1h0m0s.
    @Test func aBakeTimeIsAnnotatedAndTimed() throws {
        // The example states 30m; the bake-free text is the same blueprint without that line.
        let stated = try Self.text("trading-platform", withoutWaves: true)
        let unbaked = stated.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("  bake:") }.joined(separator: "\n")
        #expect(unbaked != stated)
        let text = unbaked.replacingOccurrences(of: "  maxUpdate: 1", with: "  bake: 30m\n  maxUpdate: 1")
        let analysis = Self.analyze(text)
        #expect(!analysis.hasErrors, "\(analysis.diagnostics.map(\.message))")
        let topology = Topology(try #require(analysis.blueprint))
        let file = try #require(ApplicationSetGenerator.file(for: topology))
        #expect(file.contents.contains("  annotations:\n    meridian.dev/bake: 30m0s\n"))
        let report = try Self.report(text)
        #expect(report.plan.bake == .seconds(1800) && report.plan.waves.count == 3)
        let report2 = try #require(Pipeline.generate(analysis)?.files.first { $0.path == "REPORT.md" }?.contents)
        #expect(report2.contains("Bake time 30m0s: each wave stays Healthy for 30m0s before the next starts, so the 3 waves take at least 2 × 30m0s = 1h0m0s"))
        // Longer than a week is refused where it is written.
        let tooLong = Self.analyze(text.replacingOccurrences(of: "bake: 30m", with: "bake: 8d"))
        #expect(tooLong.diagnostics.contains { $0.rule == "invalid-value" && $0.path == "gitops.bake" })
        // Without it the report says none is stated.
        let none = try #require(Pipeline.generate(Self.analyze(unbaked))?.files.first { $0.path == "REPORT.md" }?.contents)
        #expect(none.contains("no bake time is stated (gitops.bake)"))
    }
}
