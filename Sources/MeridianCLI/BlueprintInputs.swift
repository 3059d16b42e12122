import ArgumentParser
import Compiler
import Cost
import Generators
import BlueprintModel
import Diagnostics
import Resilience

/// The blueprint files a command reads, shared by every subcommand that takes them.
struct BlueprintInputs: ParsableArguments {
    @Argument(help: "Blueprint files (YAML), or folders: every *.yaml/*.yml file directly inside.",
              completion: .file(extensions: ["yaml", "yml"]))
    var files: [String]

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Answer unchanged blueprints from the cache (default on).",
        discussion: "MERIDIAN_CACHE_DIR, else $XDG_CACHE_HOME/meridian or ~/.cache/meridian; MERIDIAN_CACHE=off disables it."))
    var cache = true

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one blueprint file") }
    }

    /// The files given, folders expanded to the blueprints inside them.
    var expanded: (files: [String], unreadable: [UnreadableInput]) { BlueprintSet.expand(files) }

    /// The analysis cache, unless --no-cache or the environment turns it off.
    var analysisCache: AnalysisCache? { cache ? AnalysisCache() : nil }

    struct Loaded {
        var analyses: [Analysis]
        var unreadable: [UnreadableInput]
        var diagnostics: [Diagnostic] { analyses.flatMap(\.diagnostics) }
    }

    /// Reads and analyses every file (in parallel, uncached); unreadable ones are collected, not
    /// fatal, so all are reported.
    func load() -> Loaded {
        let (files, unreadable) = expanded
        var loaded = Loaded(analyses: [], unreadable: unreadable)
        for outcome in BlueprintSet.analyse(files, cache: nil, context: "") {
            switch outcome {
            case .unreadable(let error): loaded.unreadable.append(error)
            case .analysed(let analysis, _, _): loaded.analyses.append(analysis)
            case .remembered, .released: break  // neither without a cache nor without boundMemory
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

    /// `whenTopologyIsBuilt`: see `Pipeline.analyze`.
    init(_ file: String, whenTopologyIsBuilt: ((Blueprint, Topology) -> Void)? = nil) throws {
        do {
            analysis = Pipeline.analyze(file: file, bytes: try SourceLoader.load(file), whenTopologyIsBuilt: whenTopologyIsBuilt)
        } catch {
            printError(error.description)
            throw ExitStatus.unreadableInput
        }
        if !analysis.diagnostics.isEmpty { printError(TextFormatter.format(analysis.diagnostics)) }
        guard let blueprint = analysis.blueprint else { throw ExitStatus.errorsFound }
        self.blueprint = blueprint
        topology = analysis.topology ?? Topology(blueprint)
        FreedByExit.keep(self)
    }

    /// The checks withheld because a value they read has an error, after the tables (text or
    /// Markdown), so an empty or short table is never mistaken for a complete one.
    func withheldSection(markdown: Bool) -> String {
        ExplainRenderer.withheldSection(analysis.explanation?.withheld ?? [], markdown: markdown)
    }

    /// Exit 1 once the output is printed when the blueprint has errors: what was printed is
    /// what could be computed, not a clean bill.
    func failIfErrors() throws {
        if analysis.hasErrors { throw ExitStatus.errorsFound }
    }
}

/// The price catalogue for a blueprint: committed, its `cost.prices` file, then `--prices`. An
/// unreadable override file is a bad input (exit 2), named.
func resolvedCatalogue(_ blueprint: Blueprint, flag: String?) throws -> PriceCatalogue {
    try resolvedCatalogue(PriceCatalogue.resolve(for: blueprint, flag: flag))
}

/// A resolved catalogue, or its error printed and exit 2.
func resolvedCatalogue<Resolved>(_ resolved: Result<Resolved, PriceCatalogue.LoadError>) throws -> Resolved {
    switch resolved {
    case .success(let catalogue): return catalogue
    case .failure(let error):
        printError("error: \(error.description)")
        throw ExitStatus.unreadableInput
    }
}

/// Values the process keeps until it exits, which frees them all at once: taking a 1,000-service
/// model apart object by object at the end of a command cost explain 30-45 million instructions
/// (measured with callgrind) for memory the kernel reclaims anyway. Read and written on the main
/// thread only.
enum FreedByExit {
    nonisolated(unsafe) private static var kept: [Any] = []

    static func keep(_ value: Any) { kept.append(value) }
}
