import ArgumentParser
import Compiler
import Diagnostics
import Foundation
import Review

extension DiffRenderer.Format: ExpressibleByArgument {}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what a blueprint change does to generated resources, to availability, RTO and RPO, and to findings.",
        discussion: """
            Two forms: `meridian diff OLD NEW` compares two blueprint files; `meridian diff --base REF [FILE…]` \
            compares each blueprint as of git revision REF with the working tree (default: every Blueprints/*.yaml \
            at the repository root, on either side). Both sides are compiled in memory; nothing is written. \
            Markdown is kept under --max-bytes for a pull-request comment: objective deltas first, then \
            resource details cut with "… N more"; --full-output FILE writes the whole diff. \
            Exit codes: 0, 2 bad usage, unreadable file, no repository or unknown revision.
            """)

    @Option(help: "Compare with this git revision (e.g. origin/main).")
    var base: String?

    @Argument(help: "OLD NEW, or with --base the blueprints to compare.")
    var files: [String] = []

    @Option(help: "text (coloured on a terminal), markdown (for a pull-request comment) or json.")
    var format: DiffRenderer.Format = .text

    @Option(help: "Largest Markdown output in bytes (0: no limit). The default fits a GitHub comment (65,536 characters).")
    var maxBytes = MarkdownBudget.pullRequestComment

    @Option(help: "Also write the whole diff, in the same format and never shortened, to this file.")
    var fullOutput: String?

    func validate() throws {
        if base == nil && files.count != 2 {
            throw ValidationError("give OLD and NEW blueprint files, or --base REF")
        }
        if maxBytes < 0 { throw ValidationError("--max-bytes must be 0 (no limit) or more") }
    }

    func run() throws {
        let today = Pipeline.today()
        var diffs: [BlueprintDiff] = []
        if let base {
            diffs = try compareWithRevision(base, today: today)
        } else {
            let old = try readable(files[0]), new = try readable(files[1])
            diffs.append(BlueprintDiff.comparing(label: "\(files[0]) → \(files[1])", old: (files[0], old), new: (files[1], new), today: today))
        }
        if let fullOutput {
            do {
                try UserFile.write(fullOutput, DiffRenderer.render(diffs, format: format))
            } catch {
                printError("meridian diff: cannot write \(fullOutput): \(error)")
                throw ExitStatus.unreadableInput
            }
        }
        let color = format == .text && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let budget = maxBytes > 0 ? MarkdownBudget(maxBytes: maxBytes, elsewhere: elsewhere) : nil
        let rendered = DiffRenderer.render(diffs, format: format, color: color, markdownBudget: budget)
        // Coloured text escapes each piece itself (DiffRenderer's `paint`); the colours are its own.
        if format == .text && !color { printText(rendered) } else { print(rendered, terminator: "") }
    }

    /// Where a shortened comment sends its reader for the rest.
    var elsewhere: String {
        if ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" { return "see the job summary" }
        if let fullOutput { return "see \(fullOutput)" }
        return "run `meridian diff` with `--max-bytes 0` for all"
    }

    /// Paths are resolved against the repository root, so the command means the same from any
    /// subdirectory; labels are root-relative, as in a pull request's file list.
    func compareWithRevision(_ base: String, today: String) throws -> [BlueprintDiff] {
        let git = GitSource()
        let root: String
        do {
            try git.verify(base)
            root = try git.repositoryRoot()
        } catch {
            printError("meridian diff: \(error)")
            throw ExitStatus.unreadableInput
        }
        var paths: [String] = []
        if files.isEmpty {
            let folder = "Blueprints"
            let current = ((try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(folder)")) ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.map { "\(folder)/\($0)" }
            paths = Array(Set(current + (try git.files(inRootRelative: folder, at: base)))).sorted()
            if paths.isEmpty {
                printError("meridian diff: no blueprints in \(root)/\(folder)/, neither now nor at '\(base)'; name the files to compare")
                throw ExitStatus.unreadableInput
            }
        } else {
            for file in files {
                guard let path = git.rootRelative(file, root: root) else {
                    printError("meridian diff: \(file) is outside the repository at \(root)")
                    throw ExitStatus.unreadableInput
                }
                paths.append(path)
            }
        }
        let based: [Result<[UInt8]?, GitSource.Failure>]
        do {
            based = try git.contents(ofRootRelative: paths, at: base, limit: SourceLoader.maximumBytes)
        } catch {
            printError("meridian diff: \(error)")
            throw ExitStatus.unreadableInput
        }
        // Every input is read (and refused) in path order first; then the blueprints are compared
        // side by side, the results kept in path order.
        let inputs = try zip(paths, based).map { path, result -> (path: String, old: [UInt8]?, new: [UInt8]?) in
            let old: [UInt8]?
            do {
                old = try result.get()
                if let old { try SourceLoader.checkText(old, path: "\(path) at '\(base)'") }
            } catch {
                printError("meridian diff: \(error)")
                throw ExitStatus.unreadableInput
            }
            let absolute = "\(root)/\(path)"
            let new = FileManager.default.fileExists(atPath: absolute) ? try readable(absolute) : nil
            if old == nil && new == nil {
                printError("meridian diff: \(path) exists neither in the working tree nor at '\(base)'")
                throw ExitStatus.unreadableInput
            }
            return (path, old, new)
        }
        return Parallel.map(inputs.count) { index in
            let (path, old, new) = inputs[index]
            // Unchanged bytes make the same side twice: it is worked out once (a pull request in a
            // repository of thousands of blueprints usually changes a few).
            if let old, old == new {
                let side = BlueprintDiff.Side(file: path, bytes: old, today: today)
                return BlueprintDiff(label: path, old: side, new: side)
            }
            return BlueprintDiff.comparing(label: path, old: (path, old), new: (path, new), today: today)
        }
    }

    func readable(_ path: String) throws -> [UInt8] {
        do { return try SourceLoader.load(path) } catch {
            printError(error.description)
            throw ExitStatus.unreadableInput
        }
    }
}
