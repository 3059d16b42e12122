import ArgumentParser
import Compiler
import Diagnostics

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate blueprints without writing anything.",
        discussion: "Exit codes: 0 clean (warnings allowed unless --strict), 1 errors found, 2 bad usage or unreadable input.")

    @OptionGroup var inputs: BlueprintInputs

    @Flag(help: "Treat warnings as errors for the exit code.")
    var strict = false

    func run() throws {
        let loaded = inputs.load()
        loaded.unreadable.forEach { printError($0.description) }
        let diagnostics = loaded.diagnostics
        print(TextFormatter.format(diagnostics), terminator: "")
        if !loaded.unreadable.isEmpty { throw ExitStatus.unreadableInput }
        if diagnostics.hasErrors || (strict && diagnostics.warningCount > 0) { throw ExitStatus.errorsFound }
    }
}
