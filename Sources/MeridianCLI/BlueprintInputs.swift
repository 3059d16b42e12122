import ArgumentParser
import Compiler
import BlueprintModel
import Diagnostics
import Resilience

/// The blueprint files a command reads, shared by every subcommand that takes them.
struct BlueprintInputs: ParsableArguments {
    @Argument(help: "Blueprint files (YAML).", completion: .file(extensions: ["yaml", "yml"]))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one blueprint file") }
    }

    struct Loaded {
        var analyses: [Analysis]
        var unreadable: [UnreadableInput]
        var diagnostics: [Diagnostic] { analyses.flatMap(\.diagnostics) }
    }

    /// Reads and analyses every file; unreadable ones are collected, not fatal, so all are reported.
    func load() -> Loaded {
        var loaded = Loaded(analyses: [], unreadable: [])
        for file in files {
            do {
                let bytes = try SourceLoader.load(file)
                loaded.analyses.append(PhaseTimings.measure("analyze (parse, decode, rules, availability)") {
                    Pipeline.analyze(file: file, bytes: bytes)
                })
            } catch {
                loaded.unreadable.append(error)
            }
        }
        return loaded
    }
}

/// One blueprint, analysed as lint sees it, for the commands that explain it (explain, simulate,
/// drill). Findings go to stderr; an unreadable file exits 2, a file that is no blueprint exits 1.
struct AnalysedBlueprint {
    var analysis: Analysis
    var blueprint: Blueprint
    /// The validated part of the blueprint, as lint saw it; nothing is computed twice.
    var topology: Topology

    init(_ file: String) throws {
        do {
            analysis = Pipeline.analyze(file: file, bytes: try SourceLoader.load(file))
        } catch {
            printError(error.description)
            throw ExitStatus.unreadableInput
        }
        if !analysis.diagnostics.isEmpty { printError(TextFormatter.format(analysis.diagnostics)) }
        guard let blueprint = analysis.blueprint else { throw ExitStatus.errorsFound }
        self.blueprint = blueprint
        topology = analysis.topology ?? Topology(blueprint)
    }
}
