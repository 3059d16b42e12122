import ArgumentParser
import Compiler
import Foundation
import Review

extension DiffRenderer.Format: ExpressibleByArgument {}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a blueprint change does to generated resources, to availability, RTO and RPO, and to findings.",
        discussion: """
            Two forms: `meridian diff OLD NEW` compares two blueprint files; `meridian diff --base REF [FILE…]` \
            compares each blueprint as of git revision REF with the working tree (default: every Blueprints/*.yaml \
            on either side). Both sides are compiled in memory; nothing is written. Exit code 0.
            """)

    @Option(help: "Compare with this git revision (e.g. origin/main).")
    var base: String?

    @Argument(help: "OLD NEW, or with --base the blueprints to compare.")
    var files: [String] = []

    @Option(help: "text (coloured on a terminal), markdown (for a pull-request comment) or json.")
    var format: DiffRenderer.Format = .text

    func validate() throws {
        if base == nil && files.count != 2 {
            throw ValidationError("give OLD and NEW blueprint files, or --base REF")
        }
    }

    func run() throws {
        let today = Pipeline.today()
        var diffs: [BlueprintDiff] = []
        if let base {
            let git = GitSource()
            do { try git.verify(base) } catch {
                printError("meridian diff: \(error)")
                throw ExitStatus.unreadableInput
            }
            var paths = files
            if paths.isEmpty {
                let current = ((try? FileManager.default.contentsOfDirectory(atPath: "Blueprints")) ?? [])
                    .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.map { "Blueprints/\($0)" }
                paths = Array(Set(current + (try git.files(in: "Blueprints", at: base)))).sorted()
            }
            for path in paths {
                let old = try git.contents(of: path, at: base)
                let new = FileManager.default.fileExists(atPath: path) ? try readable(path) : nil
                diffs.append(BlueprintDiff(label: path, old: .init(file: path, bytes: old, today: today),
                                           new: .init(file: path, bytes: new, today: today)))
            }
        } else {
            let old = try readable(files[0]), new = try readable(files[1])
            diffs.append(BlueprintDiff(label: "\(files[0]) → \(files[1])", old: .init(file: files[0], bytes: old, today: today),
                                       new: .init(file: files[1], bytes: new, today: today)))
        }
        let color = format == .text && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        print(DiffRenderer.render(diffs, format: format, color: color), terminator: "")
    }

    func readable(_ path: String) throws -> [UInt8] {
        do { return try SourceLoader.load(path) } catch {
            printError(error.description)
            throw ExitStatus.unreadableInput
        }
    }
}
