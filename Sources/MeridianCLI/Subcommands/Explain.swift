import ArgumentParser
import Compiler
import Diagnostics
import Generators
import Resilience

extension ExplainRenderer.Format: ExpressibleByArgument {}
extension Diagram.Format: ExpressibleByArgument {}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the arithmetic: capacity, availability, RTO and RPO, and an architecture diagram.",
        discussion: "Works on blueprints with findings too (they are printed on stderr), so you can see why a promise fails.")

    @Argument(help: "A blueprint file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @Option(help: "text, markdown or json.")
    var format: ExplainRenderer.Format = .text

    @Option(help: "Add a diagram: mermaid or dot (Graphviz); with --format json it is the \"diagram\" field.")
    var diagram: Diagram.Format?

    func run() throws {
        let analysis: Analysis
        do {
            analysis = Pipeline.analyze(file: file, bytes: try SourceLoader.load(file))
        } catch {
            printError(error.description)
            throw ExitStatus.unreadableInput
        }
        if !analysis.diagnostics.isEmpty { printError(TextFormatter.format(analysis.diagnostics)) }
        guard let blueprint = analysis.blueprint else { throw ExitStatus.errorsFound }
        let topology = Topology(blueprint)
        let drawing = diagram.map { Diagram.render(topology, format: $0) }
        var rendered = drawing
        if format == .markdown, let text = drawing {
            rendered = diagram == .mermaid ? "```mermaid\n\(text)```\n" : "```dot\n\(text)```\n"
        }
        print(ExplainRenderer.render(Explanation(topology), format: format, diagram: rendered), terminator: "")
    }
}
