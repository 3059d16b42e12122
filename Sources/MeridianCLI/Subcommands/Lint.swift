import ArgumentParser
import Compiler
import Diagnostics
import Validation

enum DiagnosticFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, github
}

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate blueprints without writing anything.",
        discussion: "Exit codes: 0 clean (warnings allowed unless --strict), 1 errors found, 2 bad usage or unreadable input.")

    @OptionGroup var inputs: BlueprintInputs

    @Option(help: "Output format: text, json, sarif or github.")
    var format: DiagnosticFormat = .text

    @Flag(help: "Treat warnings as errors for the exit code.")
    var strict = false

    func run() throws {
        let loaded = inputs.load()
        loaded.unreadable.forEach { printError($0.description) }
        let diagnostics = loaded.diagnostics
        switch format {
        case .text: print(TextFormatter.format(diagnostics), terminator: "")
        case .json: print(JSONFormatter.format(diagnostics), terminator: "")
        case .github: print(GitHubFormatter.format(diagnostics), terminator: "")
        case .sarif:
            let rules = RuleRegistry.descriptors.map {
                RuleMetadata(id: $0.id, summary: $0.summary, rationale: $0.rationale, severity: $0.severity)
            }
            print(SARIFFormatter.format(diagnostics, rules: rules, version: Meridian.version), terminator: "")
        }
        if !loaded.unreadable.isEmpty { throw ExitStatus.unreadableInput }
        if diagnostics.hasErrors || (strict && diagnostics.warningCount > 0) { throw ExitStatus.errorsFound }
    }
}
