import ArgumentParser
import Diagnostics
import Foundation

@main
struct Meridian: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meridian",
        abstract: "Compile multi-region Kubernetes blueprints and prove they keep their availability, RTO and RPO promises.",
        version: Meridian.version,
        subcommands: [Compile.self, Lint.self, Diff.self, Explain.self, Simulate.self, Drill.self, Rules.self, Schema.self])

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
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
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

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
