import ArgumentParser
import BlueprintModel
import Cost
import Compiler
import Diagnostics
import Generators
import Resilience

extension SimulationRenderer.Format: ExpressibleByArgument {}

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "What if a region or zone is down? Who is served, which copy writes, how long recovery takes.",
        discussion: """
            Exit 0 when every objective holds in the scenario, 1 when one does not (so it can gate a \
            pipeline) or the blueprint has errors (the tables that can be computed are printed, withheld checks \
            listed with their cause), 2 for unreadable input or unknown names. The figures are explain's, for that disruption.
            """)

    @Argument(help: "A blueprint file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @Option(name: .customLong("down"), help: "Failed regions and/or zones, comma-separated; repeatable.")
    var down: [String] = []

    @Flag(help: "Tabulate every single-region and single-zone outage, worst first.")
    var allSingle = false

    @Option(help: "text, markdown or json.")
    var format: SimulationRenderer.Format = .text

    @Option(help: "A price override file for the outage-mode cost (docs/cost.md).")
    var prices: String?

    func validate() throws {
        if down.isEmpty == !allSingle { throw ValidationError("give --down REGION|ZONE[,…] or --all-single") }
    }

    func run() throws {
        let loaded = try AnalysedBlueprint(file)
        let (blueprint, topology) = (loaded.blueprint, loaded.topology)
        if allSingle {
            // One outage per core at a time; each keeps only its row.
            let outages = Simulation.singleOutages(topology)
            let contexts = RecoveryContexts(topology)
            let explanation = loaded.analysis.explanation
            let summaries = Simulation.worstFirst(Parallel.map(outages.count) {
                Simulation(topology, outage: outages[$0], contexts: contexts).withholding(explanation).summary
            })
            print(SimulationRenderer.renderAll(summaries, blueprint: blueprint.name, format: format), terminator: "")
            if format != .json { print(loaded.withheldSection(markdown: format == .markdown), terminator: "") }
            try loaded.failIfErrors()
            if !summaries.allSatisfy(\.holds) { throw ExitStatus.errorsFound }
            return
        }
        let (outage, unknown) = Outage.parse(down, in: blueprint)
        if !unknown.isEmpty {
            let known = blueprint.regions.map(\.name) + blueprint.regions.flatMap(\.zones)
            let hints = unknown.map { name in
                "'\(TerminalText.escaped(name))' is neither a region nor a zone of \(blueprint.name)" + (Suggestion.closest(to: name, among: known).map { "; did you mean '\($0)'?" } ?? "")
            }
            printError("meridian simulate: " + hints.joined(separator: "\n"))
            throw ExitStatus.unreadableInput
        }
        let model = CostModel(catalogue: try resolvedCatalogue(blueprint, flag: prices))
        let explanation = loaded.analysis.explanation
        // The scenario and the two bills (in the outage, and normally) are independent: all at once.
        let (simulation, bills) = Parallel.both({ Simulation(topology, outage: outage).withholding(explanation) }, {
            Parallel.both({ model.report(Topology(topology.blueprint, assumingDown: outage.regions)) }, { model.report(topology) })
        })
        let cost = (outage: bills.0, normal: bills.1)
        print(SimulationRenderer.render(simulation, blueprint: blueprint.name, format: format, cost: cost,
                                        withheld: loaded.analysis.explanation?.withheld ?? []), terminator: "")
        if format != .json { print(loaded.withheldSection(markdown: format == .markdown), terminator: "") }
        try loaded.failIfErrors()
        if !simulation.holds { throw ExitStatus.errorsFound }
    }
}
