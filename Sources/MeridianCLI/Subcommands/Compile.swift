import ArgumentParser
import Compiler
import Diagnostics
import Foundation

struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate blueprints, then write their manifests, delivery and DNS files.",
        discussion: """
            Writes <output>/<blueprint>/… for each blueprint. Nothing is written while any blueprint has \
            errors. Exit codes: 0 written, 1 errors found, 2 bad usage or unreadable input, 3 (--check) \
            committed output is stale.
            """)

    @OptionGroup var inputs: BlueprintInputs

    @Option(name: [.short, .customLong("output")], help: "Output directory.")
    var output = "Output"

    @Flag(help: "Write nothing; exit 3 and list the files that would change.")
    var check = false

    func run() throws {
        let loaded = inputs.load()
        loaded.unreadable.forEach { printError($0.description) }
        let diagnostics = loaded.diagnostics
        if !diagnostics.isEmpty { printError(TextFormatter.format(diagnostics)) }
        if !loaded.unreadable.isEmpty { throw ExitStatus.unreadableInput }
        if diagnostics.hasErrors {
            printError("compile: \(TextFormatter.summary(diagnostics)); nothing written")
            throw ExitStatus.errorsFound
        }
        let analyses = loaded.analyses.filter { $0.blueprint != nil }
        let blueprints = analyses.compactMap(\.blueprint)
        var owners: [String: String] = [:]
        for blueprint in blueprints {
            if let other = owners[blueprint.name] {
                printError("\(blueprint.file): error: blueprint name '\(blueprint.name)' is also used by \(other); both would write \(output)/\(blueprint.name)/")
                throw ExitStatus.errorsFound
            }
            owners[blueprint.name] = blueprint.file
        }

        var stale = 0
        for analysis in analyses {
            guard let blueprint = analysis.blueprint, let generated = Pipeline.generate(analysis) else { continue }
            let writer = OutputWriter(outputDirectory: output, blueprint: blueprint.name)
            if check {
                let changes = writer.changes(generated.files)
                for change in changes {
                    switch change {
                    case .added(let path): print("stale: \(writer.displayPath)/\(path) (missing, would be created)")
                    case .modified(let path): print("stale: \(writer.displayPath)/\(path) (differs from the blueprint)")
                    case .removed(let path): print("stale: \(writer.displayPath)/\(path) (no longer generated, would be removed)")
                    }
                }
                stale += changes.count
            } else {
                generated.notices.forEach { printError($0) }
                do {
                    try writer.write(generated.files)
                } catch {
                    printError("compile: error: \(error)")
                    throw ExitStatus.unreadableInput
                }
                print("wrote \(generated.files.count) files to \(writer.displayPath)")
            }
        }
        if check {
            if stale > 0 {
                printError("compile --check: \(stale) file\(stale == 1 ? "" : "s") out of date; run `meridian compile \(inputs.files.joined(separator: " "))` and commit the result")
                throw ExitStatus.outputStale
            }
            print("compile --check: output is up to date for \(blueprints.count) blueprint\(blueprints.count == 1 ? "" : "s")")
        }
    }
}
