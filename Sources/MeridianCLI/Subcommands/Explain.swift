import ArgumentParser
import BlueprintModel
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
        let early = format.diagramOnly != nil ? nil : EarlyCost(flag: prices, renderText: format == .text)
        let loaded = try PhaseTimings.measure("load and analyse") { try AnalysedBlueprint(file, whenTopologyIsBuilt: early?.start) }
        let (analysis, blueprint, topology) = (loaded.analysis, loaded.blueprint, loaded.topology)
        if let only = format.diagramOnly {
            printText(Diagram.render(topology, format: only))
            return try loaded.failIfErrors()
        }
        let report = ExplainRenderer.Format(rawValue: format.rawValue) ?? .text
        let drawing = diagram.map { (format: $0, source: Diagram.render(topology, format: $0)) }
        // Priced while the rules ran (a blueprint whose analysis stopped before its topology, now);
        // the tables are written meanwhile and wait for it only at the end.
        let catalogue = try resolvedCatalogue(early?.catalogue ?? PriceCatalogue.resolve(for: blueprint, flag: prices))
        let work = early?.work ?? EarlyCost.pricing(topology, catalogue, renderText: format == .text)
        let explanation = analysis.explanation ?? Explanation(topology)
        let rollout = analysis.rollout ?? RolloutReport(topology: topology, explanation: explanation)
        if report == .json {
            // Written in pieces: the JSON of 1,000 services × 8 regions is 22 MB.
            JSONText.serialize(ExplainRenderer.jsonValue(explanation, diagram: drawing?.source, cost: { work.value.report }, rollout: rollout),
                               into: writeStandardOutput)
            return try loaded.failIfErrors()
        }
        if report == .text {
            let sections = PhaseTimings.measure("explain text") {
                ExplainRenderer.textSections(explanation, diagram: drawing, costText: { work.value.text ?? [] }, rollout: rollout)
            }
            // Each section ends at a line's end, so escaping it alone escapes what the whole text would.
            PhaseTimings.measure("terminal escaping and write") {
                for section in sections { writeStandardOutput(TerminalText.lines(utf8: section)) }
            }
        } else {
            print(ExplainRenderer.render(explanation, format: report, diagram: drawing, cost: work.value.report, rollout: rollout), terminator: "")
        }
        try loaded.failIfErrors()
    }
}

/// explain's cost section, priced on another core as soon as the analysis has its figures: the
/// rollout proofs and rules that follow leave that core mostly idle, and pricing 8,000 placements
/// takes as long as writing the other tables.
private final class EarlyCost: @unchecked Sendable {
    struct Priced: Sendable {
        var report: CostReport
        /// The text section, when the text format is asked for.
        var text: [UInt8]?
    }

    let flag: String?
    let renderText: Bool
    /// Both set by `start`, which the analysis calls on the thread that reads them once it returns.
    private(set) var catalogue: Result<PriceCatalogue, PriceCatalogue.LoadError>?
    private(set) var work: Parallel.Background<Priced>?

    init(flag: String?, renderText: Bool) {
        self.flag = flag
        self.renderText = renderText
    }

    /// Resolves the catalogue here (its error is reported once the analysis is printed) and,
    /// when it resolves, starts pricing.
    func start(_ blueprint: Blueprint, _ topology: Topology) {
        let resolved = PriceCatalogue.resolve(for: blueprint, flag: flag)
        catalogue = resolved
        if case .success(let catalogue) = resolved { work = Self.pricing(topology, catalogue, renderText: renderText) }
    }

    static func pricing(_ topology: Topology, _ catalogue: PriceCatalogue, renderText: Bool) -> Parallel.Background<Priced> {
        Parallel.Background {
            let report = PhaseTimings.measure("cost report (second core)") { CostModel(catalogue: catalogue).report(topology) }
            let text = renderText ? PhaseTimings.measure("cost text (second core)") { CostRenderer.textUTF8(report) } : nil
            return Priced(report: report, text: text)
        }
    }
}
