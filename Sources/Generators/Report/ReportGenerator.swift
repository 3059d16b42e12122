import Resilience

/// `REPORT.md`: objectives against what the topology achieves, with the architecture diagram.
public enum ReportGenerator {
    public static func file(for topology: Topology, explanation: Explanation) -> GeneratedFile {
        let header = GeneratedHeader.lines(blueprint: topology.blueprint.name).joined(separator: " ")
        let body = ExplainRenderer.markdown(explanation, diagram: (.mermaid, Diagram.render(topology, format: .mermaid)))
        return GeneratedFile(path: "REPORT.md", contents: "<!-- \(header) -->\n\n" + body)
    }
}
