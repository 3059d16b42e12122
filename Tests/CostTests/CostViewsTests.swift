import Compiler
import Cost
import Foundation
import Generators
import Resilience
import Review
import Testing

/// The cost beside the other views: diff's monthly delta and simulate's outage-mode bill.
@Suite struct CostViewsTests {
    func source(_ name: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent("Blueprints/\(name).yaml"), encoding: .utf8)
    }

    /// accounts-api demand 4,000 → 5,000 rps: 21 → 26 pods in each of the two regions, 5 pods × 1 vCPU ×
    /// 730 h × ($0.0535 in eu-west-1 + $0.048 in eu-central-1) = $370.475; 1,000 rps more in eu-west-1 ×
    /// 0.3 × 4,096 B × 3,600 s ÷ 10⁹ = 4.42368 GB/h × 730 = 3,229.2864 GB × ($0.008 LCU + $0.09 egress)
    /// = $316.4700672; delta $686.9450672 on $7,605.15395904 (CostTests).
    @Test func diffShowsTheMonthlyDeltaInThePullRequestComment() throws {
        let old = try source("neobank-active-standby")
        let new = old.replacingOccurrences(of: "demand: { eu: 4000 }", with: "demand: { eu: 5000 }")
        #expect(new != old)
        let diff = BlueprintDiff(label: "neobank", old: .init(file: "a.yaml", bytes: Array(old.utf8), today: "2026-12-02"),
                                 new: .init(file: "b.yaml", bytes: Array(new.utf8), today: "2026-12-02"))
        let delta = try #require(diff.cost.new) - (try #require(diff.cost.old))
        #expect(micro(delta) == decimal("686.945067"))
        let comment = DiffRenderer.render([diff], format: .markdown, markdownBudget: MarkdownBudget(maxBytes: 2_000, elsewhere: "see the job summary"))
        #expect(comment.contains("**Monthly cost:** +\\$686.95/month (\\$7,605.15 → \\$8,292.10)"))
        #expect(comment.utf8.count <= 2_000)
    }

    /// simulate --down prices the outage-mode topology and says how far it is above normal.
    @Test func simulateCarriesTheOutageModeCost() throws {
        let (blueprint, topology, _) = try analysed("trading-platform")
        let (outage, _) = Outage.parse(["us-east-1"], in: blueprint)
        let model = CostModel()
        let cost = (outage: model.report(Topology(blueprint, assumingDown: outage.regions)), normal: model.report(topology))
        let text = SimulationRenderer.render(Simulation(topology, outage: outage), blueprint: blueprint.name, format: .text, cost: cost)
        #expect(text.contains("Cost in outage mode"))
        #expect(text.contains("while us-east-1 is down, " + Money.signedDollars(cost.outage.total - cost.normal.total)))
        // The lost region serves nobody: none of its user traffic is billed twice.
        #expect(cost.outage.lines.filter { $0.region == "us-east-1" && $0.category == .transfer && $0.item == "user traffic out" }.allSatisfy { $0.quantity == 0 })
        let json = SimulationRenderer.render(Simulation(topology, outage: outage), blueprint: blueprint.name, format: .json, cost: cost)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect((object["cost"] as? [String: Any])?["deltaMonthly"] != nil)
    }
}
