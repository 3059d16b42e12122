import BlueprintModel
import BlueprintYAML
import Compiler
import Diagnostics
import Generators
import Resilience
import Validation

/// What one fuzz input goes through. Both entry points take the bytes exactly as
/// `meridian lint` / `meridian compile` would get them from a file, and never touch the disk.
///
/// A finding is only what the product itself would do wrong: a Swift trap (overflow, bounds,
/// force unwrap), a hang, a memory blow-up, or one of the few output invariants checked below
/// with `precondition`, which libFuzzer reports as a crash like any other trap.
public enum FuzzTargets {
    /// The name every input is analysed under; diagnostics quote it.
    static let file = "Blueprints/fuzz.yaml"
    /// A fixed "today" so that waiver expiry, and with it every run, is reproducible.
    static let today = "2026-01-01"

    /// The lint path: the loader's text check, parse, decode, validate, and every diagnostic format.
    public static func lint(_ bytes: [UInt8]) {
        guard let analysis = analyze(bytes) else { return }
        render(analysis.diagnostics)
    }

    /// The compile path: lint, then, when lint finds no error, generate every output file in memory.
    /// Beyond what compile itself does, each input also goes through the paths no other target
    /// reaches: `diff`'s generation of a blueprint with errors from its sound part, and the
    /// outage commands (`explain`, `simulate`, `drill plan`, `compile --assume-down`) on the
    /// first region and the first zone, in every format.
    public static func compile(_ bytes: [UInt8]) {
        guard let analysis = analyze(bytes) else { return }
        render(analysis.diagnostics)
        outages(analysis)
        if analysis.hasErrors {
            // diff compiles what the refused values leave (Review's BlueprintDiff.Side).
            guard analysis.blueprint != nil, !analysis.rejected.spoilsModel, let topology = analysis.topology else { return }
            // Its YAML described as diff compares it, each service's file generated from its description.
            let described = Pipeline.describe(topology)
            check(described.files + described.serviceFiles.map { $0.generate() })
            return
        }
        guard let generated = Pipeline.generate(analysis) else { return }
        check(generated.files)
        checkReuse(bytes, analysis)
    }

    /// compile's shortcut for an edit of manifest fields only (`Pipeline.reuse`) must give the
    /// findings and topology the rules give: the input is analysed as the edit's result, and the
    /// same blueprint with every service's manifest fields changed stands for the last analysis.
    private static func checkReuse(_ bytes: [UInt8], _ analysis: Analysis) {
        let decoded = Pipeline.decode(file: file, bytes: bytes)
        var then = decoded
        then.blueprint = decoded.blueprint?.mappingServices { service in
            var other = service
            other.image = service.image.isEmpty ? "" : service.image + "-then"
            other.env = Array(service.env.dropLast())
            other.healthPath += "/then"
            other.livenessPath = service.livenessPath == nil ? "/then" : nil
            other.runAsUser = service.runAsUser == 1 ? 2 : 1
            return other
        }
        guard let earlier = Pipeline.EarlierFindings(then, diagnostics: Pipeline.validate(then, today: today).diagnostics),
              let reused = Pipeline.reuse(earlier, for: decoded) else { return }
        precondition(reused.diagnostics == analysis.diagnostics, "findings reused after a manifest-only edit differ from the rules' own")
        precondition(reused.topology?.placements == analysis.topology?.placements, "topology of a reused analysis differs")
    }

    private static func outages(_ analysis: Analysis) {
        guard analysis.blueprint != nil, let topology = analysis.topology, let explanation = analysis.explanation else { return }
        for format in ExplainRenderer.Format.allCases { keep(ExplainRenderer.render(explanation, format: format).utf8.count) }
        let blueprint = topology.blueprint
        guard let region = blueprint.regions.first else { return }
        var outages = [Outage.parse([region.name], in: blueprint).outage]
        if let zone = region.zones.first { outages.append(Outage.parse([zone], in: blueprint).outage) }
        for outage in outages {
            let simulation = Simulation(topology, outage: outage).withholding(explanation)
            for format in SimulationRenderer.Format.allCases {
                keep(SimulationRenderer.render(simulation, blueprint: blueprint.name, format: format, withheld: explanation.withheld).utf8.count)
            }
            let plan = DrillPlan(simulation, blueprint: blueprint)
            for format in DrillRenderer.Format.allCases {
                keep(DrillRenderer.plan(plan, format: format, withheld: explanation.withheld).utf8.count)
            }
        }
        // compile --assume-down REGION, unless it empties a residency zone (compile refuses that).
        let emptied = blueprint.residency.contains { $0.regions.contains(region.name) && $0.regions.allSatisfy { $0 == region.name } }
        guard !analysis.hasErrors, !emptied else { return }
        let down = Topology(blueprint, assumingDown: [region.name])
        check(Pipeline.generate(blueprint, topology: down, explanation: explanation).files)
    }

    /// nil where `SourceLoader` refuses the file before YAML sees it (exit 2: binary or not UTF-8).
    private static func analyze(_ bytes: [UInt8]) -> Analysis? {
        guard bytes.count <= SourceLoader.maximumBytes else { return nil }
        do {
            try SourceLoader.checkText(bytes, path: file)
        } catch {
            return nil
        }
        return Pipeline.analyze(file: file, bytes: bytes, today: today)
    }

    private static let rules = RuleRegistry.descriptors.map {
        RuleMetadata(id: $0.id, summary: $0.summary, rationale: $0.rationale, severity: $0.severity)
    }

    /// Every `lint --format`; each escapes user text its own way.
    private static func render(_ diagnostics: [Diagnostic]) {
        let outputs = [
            TextFormatter.format(diagnostics),
            JSONFormatter.format(diagnostics),
            GitHubFormatter.format(diagnostics),
            SARIFFormatter.format(diagnostics, rules: rules, version: "fuzz"),
        ]
        keep(outputs.reduce(0) { $0 &+ $1.utf8.count })
    }

    /// Invariants `OutputWriter` relies on: it writes each path below `Output/<blueprint>/` and
    /// deletes only files whose first line carries the generated header. A generated YAML file
    /// that libyaml cannot read back means user text broke out of its scalar.
    private static func check(_ files: [GeneratedFile]) {
        var seen = Set<String>()
        for generated in files {
            let components = generated.path.split(separator: "/", omittingEmptySubsequences: false)
            precondition(!generated.path.hasPrefix("/") && !components.contains("") && !components.contains("..")
                         && !components.contains("."), "generated path escapes or is malformed: \(generated.path.debugDescription)")
            precondition(seen.insert(generated.path).inserted, "generated path twice: \(generated.path)")
            precondition(GeneratedHeader.isGenerated(generated.contents[...]), "no generated header: \(generated.path)")
            if generated.path.hasSuffix(".yaml") {
                do {
                    keep(try YAMLParser(file: generated.path).parseDocuments(Array(generated.contents.utf8)).count)
                } catch {
                    preconditionFailure("generated YAML does not parse: \(error)")
                }
            }
            keep(generated.contents.utf8.count)
        }
    }

    /// Keeps results observable so the optimiser cannot drop the work that produced them.
    nonisolated(unsafe) private static var sink = 0
    private static func keep(_ value: Int) { sink &+= value }
}
