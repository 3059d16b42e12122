import ArgumentParser
import Compiler
import Cost
import Diagnostics
import Foundation
import Optimizer
import Resilience

struct Optimize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Find the cheapest design that keeps every objective, and the cost of each level of promise.",
        discussion: """
            Searches the moves docs/cost.md lists (capacity static/elastic, a replica dropped or made sync/async, a \
            backup copy dropped or taken more often, 30s or 10s health checks, ARC on or off), analysing each design \
            as lint does. Heuristic (a greedy local search): the design it proposes lints with no error and costs no \
            more than the input, and no single further move makes it cheaper; a cheaper design that needs several \
            moves at once may be missed. Prints the frontier (the cheapest design seen for each level of promise) \
            and the winning change as a unified diff; --patch FILE writes it for `git apply`. --budget N also \
            answers the reverse question: the strongest promise found that costs at most N a month. \
            Exit codes: 0 a design that keeps every objective was found, 1 none (the input misses objectives and \
            no move repairs them), 2 unreadable file or bad usage.
            """)

    @Argument(help: "A blueprint file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @Option(help: "Monthly budget in the catalogue's currency: also show the strongest promise that fits it.")
    var budget: Double?

    @Option(help: "Write the winning change as a unified diff to this file (git apply / patch -p1).")
    var patch: String?

    @Option(help: "A price override file, applied after the blueprint's cost.prices (docs/cost.md).")
    var prices: String?

    @Option(help: "text or json.")
    var format: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument { case text, json }

    func validate() throws {
        if let budget, !(budget > 0 && budget < 1e12) { throw ValidationError("--budget must be a positive amount below 10^12") }
    }

    func run() throws {
        let bytes: [UInt8]
        do {
            bytes = try SourceLoader.load(file)
        } catch {
            printError(error.description)
            throw ExitStatus.unreadableInput
        }
        let text = String(decoding: bytes, as: UTF8.self)
        // The override file is read once; a bad one is a bad input (exit 2), like explain's.
        guard let blueprint = Pipeline.analyze(file: file, bytes: bytes).blueprint else {
            printError(TextFormatter.format(Pipeline.analyze(file: file, bytes: bytes).diagnostics))
            throw ExitStatus.errorsFound
        }
        let base = try resolvedCatalogue(blueprint, flag: prices)
        let optimizer = Optimizer(file: file, today: Pipeline.today(), catalogue: base)
        guard let result = optimizer.run(text, budget: budget.map { Decimal($0) }) else {
            printError(TextFormatter.format(Pipeline.analyze(file: file, bytes: bytes).diagnostics))
            throw ExitStatus.errorsFound
        }
        let diff = result.best.map { UnifiedDiff.render(old: text, new: $0.text, path: file) } ?? ""
        if let patch {
            do {
                try UserFile.write(patch, diff)
            } catch {
                printError("meridian optimize: cannot write \(patch): \(error)")
                throw ExitStatus.unreadableInput
            }
        }
        switch format {
        case .text: printText(OptimizeRenderer.text(result, file: file, diff: diff, budget: budget.map { Decimal($0) }))
        case .json: print(OptimizeRenderer.json(result, diff: diff), terminator: "")
        }
        if result.best == nil { throw ExitStatus.errorsFound }
    }
}
