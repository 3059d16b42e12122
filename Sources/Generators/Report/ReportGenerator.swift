import Cost
import Resilience

/// `REPORT.md`: objectives against what the topology achieves, with the architecture diagram.
public enum ReportGenerator {
    /// `rollout`: the analysis's wave proofs when they were made from this topology and explanation.
    public static func file(for topology: Topology, explanation: Explanation, rollout: RolloutReport? = nil) -> GeneratedFile {
        let header = GeneratedHeader.lines(blueprint: topology.blueprint.name).joined(separator: " ")
        // An unreadable override file is lint's error (price-override-unreadable); the report then keeps the committed prices.
        let catalogue = (try? PriceCatalogue.resolve(for: topology.blueprint).get()) ?? .committed
        let contents = ExplainRenderer.markdownUTF8(explanation, diagram: (.mermaid, Diagram.render(topology, format: .mermaid)),
                                                    cost: CostModel(catalogue: catalogue).report(topology),
                                                    rollout: rollout ?? RolloutReport(topology: topology, explanation: explanation),
                                                    preamble: "<!-- \(header) -->\n\n" + outageBanner(topology))
        return GeneratedFile(path: "REPORT.md", utf8: contents)
    }

    /// What an outage-mode compile changed, first thing in the report, so nobody mistakes it
    /// for the normal output.
    static func outageBanner(_ topology: Topology) -> String {
        guard !topology.assumedDown.isEmpty else { return "" }
        let down = topology.assumedDown.sorted().map { "`\($0)`" }.joined(separator: ", ")
        let one = topology.assumedDown.count == 1
        return "> [!WARNING]\n> **Outage mode.** This output assumes \(down) \(one ? "is" : "are") down "
            + "(`meridian compile --assume-down`): surviving regions run their region-loss share now, and the Argo CD "
            + "rollout leaves the lost \(one ? "region" : "regions") out. Compile without `--assume-down` to return to normal.\n\n"
    }
}
