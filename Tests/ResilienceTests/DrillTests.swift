import BlueprintModel
import Compiler
import Foundation
import Resilience
import Testing

/// Drill plans come from the same recovery terms as explain; grading compares recorded drills.
@Suite struct DrillTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func plan(_ down: [String]) throws -> DrillPlan {
        let path = Self.root.appendingPathComponent("Blueprints/trading-platform.yaml").path
        let analysis = Pipeline.analyze(file: path, bytes: try SourceLoader.load(path), today: "2026-11-30")
        let blueprint = try #require(analysis.blueprint)
        let topology = Topology(blueprint)
        return DrillPlan(Simulation(topology, outage: Outage.parse(down, in: blueprint).outage), blueprint: blueprint)
    }

    func grade(_ name: String) throws -> DrillGrade {
        let file = Self.root.appendingPathComponent("examples/drills/\(name)").path
        let results = try DrillResults.load(file, bytes: try SourceLoader.load(file))
        return DrillGrade(plan: try plan(results.outage), steps: results.steps, dataLossSeconds: results.dataLossSeconds)
    }

    @Test func planStepsAreTheRecoveryTermsOfExplain() throws {
        let plan = try plan(["eu-west-1"])
        // market-data's recovery is the slowest: detect 30s + dns 1m + scale 2m45s + reconnect 30s.
        #expect(plan.plannedRTO == .seconds(30 + 60 + 165 + 30))
        #expect(plan.steps.map(\.name) == ["detect", "promote", "dns", "scale", "reconnect"])
        // ledger-eu's promotion (1m) starts after detection and runs beside market-data's path.
        let promote = try #require(plan.steps.first { $0.name == "promote" })
        #expect(promote.startsAfter == .seconds(30) && promote.expected == .seconds(60))
        #expect(promote.action.contains("failover-global-cluster"))
        #expect(plan.rtoObjective == .seconds(300) && plan.rpoObjective == .seconds(1))
    }

    @Test func aDrillWithinItsPlanPasses() throws {
        let graded = try grade("2026-11-02-trading-eu-west-1.yaml")
        // First start 09:00:00, last end 09:04:34: 274 s, under the 5m objective.
        #expect(graded.measuredRTOSeconds == 274)
        #expect(graded.passed, "\(graded.findings)")
    }

    @Test func aSlowPromotionIsAFinding() throws {
        let graded = try grade("2026-11-23-trading-eu-west-1.yaml")
        // promote: 100 s against 60 s planned = +67%; scale 210 s against 165 s = +27%;
        // 09:00:00 → 09:06:12 = 372 s > 300 s; data loss 1.4 s > 1 s.
        #expect(graded.findings == [
            "promote took 1m40s, 67% over the planned 1m0s",
            "scale took 3m30s, 27% over the planned 2m45s",
            "measured RTO 6m12s exceeds the objective 5m0s",
            "measured data loss 1.4s exceeds the RPO objective 1s",
        ])
    }

    @Test func badResultsAreLocatedErrors() throws {
        let text = "outage: [eu-west-1]\nsteps:\n  - { name: detect, start: 2026-11-02T09:00:00Z, end: yesterday }\n"
        #expect(throws: DrillResults.Failure.self) { try DrillResults.load("r.yaml", bytes: Array(text.utf8)) }
        do {
            _ = try DrillResults.load("r.yaml", bytes: Array(text.utf8))
        } catch let failure as DrillResults.Failure {
            #expect(failure.description.hasPrefix("r.yaml:3:"))
        }
    }

    /// The FIS template is written to the experiment-template request shape; the validator test
    /// (Tests/validators/test_drill_fis.py) checks it against botocore's FIS service model.
    @Test func fisTemplateTargetsTheOutagesSubnets() throws {
        let template = try plan(["us-east-1a", "us-east-1b"]).fisTemplate
        let targets = try #require(template["targets"] as? [String: [String: Any]])
        #expect(Set(targets.keys) == ["subnets-us-east-1a", "subnets-us-east-1b"])
        let actions = try #require(template["actions"] as? [String: [String: Any]])
        #expect(actions.values.allSatisfy { $0["actionId"] as? String == "aws:network:disrupt-connectivity" })
    }
}
