import ArgumentParser
import Compiler
import Cost
import Diagnostics
import Generators
import Resilience

extension Diagram.Format: ExpressibleByArgument {}

struct Explain: ParsableCommand {
    /// The report formats plus the two diagram languages, which print the diagram alone so it pipes
    /// straight into `dot -Tsvg` or `mmdc`.
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case text, markdown, json, dot, mermaid

        var diagramOnly: Diagram.Format? { Diagram.Format(rawValue: rawValue) }
    }

    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show the arithmetic: capacity, availability, RTO and RPO, and an architecture diagram.",
        discussion: """
            Works on blueprints with findings too (they are printed on stderr), so you can see why a promise fails; \
            with errors it prints every table that can still be computed, each withheld row with the value that \
            blocked it, and exits 1. \
            `--format dot` and `--format mermaid` print only the diagram: \
            `meridian explain FILE --format dot | dot -Tsvg > architecture.svg`.
            """)

    @Argument(help: "A blueprint file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @Option(help: "text, markdown or json; dot or mermaid for the diagram alone.")
    var format: Format = .text

    @Option(help: "Add a diagram to the report: mermaid or dot (Graphviz); with --format json it is the \"diagram\" field.")
    var diagram: Diagram.Format?

    @Option(help: "A price override file (the catalogue's JSON format), applied after the blueprint's cost.prices.")
    var prices: String?

    func validate() throws {
        if let only = format.diagramOnly, let diagram, diagram != only {
            throw ValidationError("--format \(format.rawValue) prints a \(only.rawValue) diagram; drop --diagram \(diagram.rawValue)")
        }
    }

    func run() throws {
        let loaded = try PhaseTimings.measure("load and analyse") { try AnalysedBlueprint(file) }
        let (analysis, blueprint, topology) = (loaded.analysis, loaded.blueprint, loaded.topology)
        if let only = format.diagramOnly {
            printText(Diagram.render(topology, format: only))
            return try loaded.failIfErrors()
        }
        let report = ExplainRenderer.Format(rawValue: format.rawValue) ?? .text
        let drawing = diagram.map { (format: $0, source: Diagram.render(topology, format: $0)) }
        let model = CostModel(catalogue: try PhaseTimings.measure("price catalogue") { try resolvedCatalogue(blueprint, flag: prices) })
        let cost: ExplainRenderer.CostSource = { model.report(topology) }
        let explanation = analysis.explanation ?? Explanation(topology)
        let rollout = analysis.rollout ?? RolloutReport(topology: topology, explanation: explanation)
        if report == .json {
            // Written in pieces: the JSON of 1,000 services × 8 regions is 22 MB.
            JSONText.serialize(ExplainRenderer.jsonValue(explanation, diagram: drawing?.source, cost: cost, rollout: rollout),
                               into: writeStandardOutput)
            return try loaded.failIfErrors()
        }
        if report == .text {
            let text = PhaseTimings.measure("explain text") { ExplainRenderer.textUTF8(explanation, diagram: drawing, cost: cost, rollout: rollout) }
            let safe = PhaseTimings.measure("terminal escaping") { TerminalText.lines(utf8: text) }
            PhaseTimings.measure("write") { writeStandardOutput(safe) }
        } else {
            print(ExplainRenderer.render(explanation, format: report, diagram: drawing, cost: cost(), rollout: rollout), terminator: "")
        }
        try loaded.failIfErrors()
    }
}
