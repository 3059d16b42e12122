import BlueprintModel
import Cost
import Resilience

/// `REPORT.md`: objectives against what the topology achieves, with the architecture diagram.
public enum ReportGenerator {
    /// `rollout`: the analysis's wave proofs when they were made from this topology and explanation.
    public static let path = "REPORT.md"

    /// `inPieces`: made a section at a time whenever its bytes are read (`GeneratedFile.forEachPiece`),
    /// so the writer never holds it whole; otherwise made now, in one buffer.
    public static func file(for topology: Topology, explanation: Explanation, rollout: RolloutReport? = nil,
                            inPieces: Bool = false) -> GeneratedFile {
        let header = GeneratedHeader.lines(blueprint: topology.blueprint.name).joined(separator: " ")
        let preamble = "<!-- \(header) -->\n\n" + outageBanner(topology)
        let rollout = rollout ?? RolloutReport(topology: topology, explanation: explanation)
        // An unreadable override file is lint's error (price-override-unreadable); the report then keeps the committed prices.
        let cost: @Sendable () -> CostReport = { CostModel(catalogue: (try? PriceCatalogue.resolve(for: topology.blueprint).get()) ?? .committed).report(topology) }
        let diagram: @Sendable () -> (format: Diagram.Format, source: String) = { (.mermaid, Diagram.render(topology, format: .mermaid)) }
        guard !inPieces else {
            return GeneratedFile(path: path) { emit in
                ExplainRenderer.markdownPieces(explanation, diagram: diagram, cost: cost, rollout: rollout, preamble: preamble, emit: emit)
            }
        }
        let contents = ExplainRenderer.markdownUTF8(explanation, diagram: diagram(), cost: cost(), rollout: rollout, preamble: preamble)
        return GeneratedFile(path: path, utf8: contents)
    }

    /// The blueprint as REPORT.md reads it: with the fields only the manifests and a few rules read
    /// cleared (`Blueprint.manifestFieldsCleared`). Two blueprints with equal inputs make the same
    /// report, so an image bump can keep REPORT.md (`PreviousOutput`); `ReportInputsTests` changes
    /// each of these fields in the examples and compares the reports. A price override file is read
    /// from disk, so a blueprint naming one has no inputs (its report is always made).
    public static func inputs(of blueprint: Blueprint) -> Blueprint? {
        guard blueprint.cost.prices == nil, blueprint.rejected == RejectedParts() else { return nil }
        return blueprint.manifestFieldsCleared
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
