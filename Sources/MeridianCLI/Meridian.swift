import ArgumentParser
import Diagnostics
import Foundation

@main
struct Meridian: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meridian",
        abstract: "Compile multi-region Kubernetes blueprints and prove they keep their availability, RTO and RPO promises.",
        version: Meridian.version,
        subcommands: [Compile.self, Lint.self, Diff.self, Explain.self, Simulate.self, Drill.self, Optimize.self, Rules.self, Schema.self])

    static let version = "0.1.0"

    /// Usage errors exit 2 (the spec's code for bad usage), not ArgumentParser's 64.
    static func main() {
        PhaseTimings.start()
        do {
            var command = try parseAsRoot()
            try command.run()
            PhaseTimings.report()
        } catch {
            PhaseTimings.report()
            let code = exitCode(for: error)
            if code == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            // ArgumentParser's own messages quote the arguments given: escaped like every other.
            if code != .success, case let message = fullMessage(for: error), !message.isEmpty {
                printError(message)
                Foundation.exit(code.rawValue)
            }
            exit(withError: error)
        }
    }
}

enum ExitStatus {
    static let errorsFound = ExitCode(1)
    static let unreadableInput = ExitCode(2)
    static let outputStale = ExitCode(3)
}

/// Standard error, one escaping for every line: messages quote command-line arguments, file
/// names and drill results, and none of it may drive the terminal or the CI log
/// (`TerminalText.lines`; already escaped text passes unchanged).
func printError(_ text: String) {
    let safe = TerminalText.lines(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    FileHandle.standardError.write(Data((safe + "\n").utf8))
}

/// Text-format results on standard output, through the same escaping as `printError`: every
/// piece of user text in them is escaped where it is rendered, and this pass guarantees it for
/// what a renderer missed (JSON, SARIF, Markdown and coloured output carry their own escaping).
func printText(_ text: String) {
    print(TerminalText.lines(text), terminator: "")
}
