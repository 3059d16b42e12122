import ArgumentParser
import Compiler
import Diagnostics

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
