import ArgumentParser
import BlueprintModel
import Compiler
import Diagnostics
import Foundation
import Review
import Validation

enum DiagnosticFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, github
}

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",  // explicit: deriving it from the type name costs a reflection at every start
        abstract: "Validate blueprints without writing anything.",
        discussion: """
            A blueprint that declares no objectives (neither at the top nor per service) gets a note: nothing \
            about availability, RTO or RPO was proved. With --format github, findings on lines changed since \
            --changed-since REF are annotated first (GitHub shows 10 errors, 10 warnings and 10 notices per step) \
            and the summary says how many were not annotated. \
            Exit codes: 0 clean (warnings allowed unless --strict), 1 errors found (with --strict also warnings \
            or no objectives), 2 bad usage or unreadable input.
            """)

    @OptionGroup var inputs: BlueprintInputs

    @Option(help: "Output format: text, json, sarif or github.")
    var format: DiagnosticFormat = .text

    @Flag(help: "Treat warnings, and blueprints with no objectives, as errors for the exit code.")
    var strict = false

    @Option(help: "With --format github: annotate findings on lines changed since this git revision first.")
    var changedSince: String?

    func run() throws {
        let (files, unreadable) = inputs.expanded
        let results = BlueprintSet.lint(files, cache: inputs.analysisCache) { analysis in
            (analysis.blueprint.flatMap(Self.nothingProved).map { [$0] } ?? [])
                + (analysis.blueprint.map { Self.priceFindings($0) } ?? [])
        }
        let failures = unreadable + results.compactMap { result -> UnreadableInput? in
            if case .failure(let error) = result { return error } else { return nil }
        }
        failures.forEach { printError($0.description) }
        let diagnostics = results.flatMap { (try? $0.get()) ?? [] }
        let unproved = diagnostics.filter { $0.rule == Self.noObjectivesRule.id }
        let totals = LintTotals(diagnostics: diagnostics, withheld: Self.withheldCount(diagnostics),
                                files: results.count - results.filter { if case .failure = $0 { true } else { false } }.count)
        switch format {
        case .text:
            print(TextFormatter.format(diagnostics), terminator: "")
            print(TextFormatter.summary(diagnostics, withheld: totals.withheld, files: totals.files))
        case .json: print(JSONFormatter.format(diagnostics, totals: totals), terminator: "")
        case .github: try annotate(diagnostics)
        case .sarif:
            let rules = RuleRegistry.descriptors.map {
                RuleMetadata(id: $0.id, summary: $0.summary, rationale: $0.rationale, severity: $0.severity)
            } + [Self.noObjectivesRule, Self.withheldRule] + Self.priceRules
            print(SARIFFormatter.format(diagnostics, rules: rules, version: Meridian.version, totals: totals), terminator: "")
        }
        if !failures.isEmpty { throw ExitStatus.unreadableInput }
        if diagnostics.hasErrors || (strict && (diagnostics.warningCount > 0 || !unproved.isEmpty)) { throw ExitStatus.errorsFound }
    }

    /// Described for SARIF, so code scanning shows what the note means.
    static let noObjectivesRule = RuleMetadata(
        id: "no-objectives", summary: "A blueprint with no objectives proves nothing about availability, RTO or RPO.",
        rationale: "Every objective rule passes vacuously when there is no objective to check; lint --strict fails such a blueprint.",
        severity: .note)

    /// Described for SARIF: the note that announces a check not made.
    static let withheldRule = RuleMetadata(
        id: Validator.withheldRule, summary: "A check was not made because a value it reads was refused.",
        rationale: "Figures and verdicts that read a rejected value are withheld rather than computed from a guess; each is announced once, at the value that blocked it, so a short list of findings never looks complete when it is not.",
        severity: .note)

    /// Checks withheld: one `check-withheld` note each, and past the per-rule cap the count its
    /// closing "… and N more" note carries (FindingBudget), so a cached analysis counts the same.
    static func withheldCount(_ diagnostics: [Diagnostic]) -> Int {
        diagnostics.filter { $0.rule == Validator.withheldRule }.reduce(0) { total, note in
            let hidden = note.message.hasPrefix("… and ") ? Int(note.message.dropFirst("… and ".count).prefix { $0.isNumber }) : nil
            return total + (hidden ?? 1)
        }
    }

    /// A blueprint without objectives passes every objective rule vacuously; say so rather than look proved.
    static func nothingProved(_ blueprint: Blueprint) -> Diagnostic? {
        let none = Objectives()
        guard blueprint.objectives == none, blueprint.services.allSatisfy({ $0.objectives == none }) else { return nil }
        return Diagnostic(
            .note, rule: "no-objectives",
            message: "blueprint '\(blueprint.name)' declares no objectives, so no availability, RTO or RPO promise was checked",
            file: blueprint.file, mark: blueprint.sourceMap.mark(for: "blueprint"), path: "objectives",
            fix: "add `objectives: { availability: …, rto: …, rpo: … }` (lint --strict fails without them)")
    }

    /// GitHub keeps the first 10 annotations of each kind per step; findings on changed lines go first,
    /// so a pull request's own mistakes are the ones shown, and the rest are counted, not lost.
    func annotate(_ diagnostics: [Diagnostic]) throws {
        let cwd = FileManager.default.currentDirectoryPath
        var changed: [String: Set<Int>] = [:]
        if let changedSince {
            do {
                // git prints paths relative to the current directory (`--relative`), as lint names files.
                for (path, lines) in try GitSource().changedLines(since: changedSince, paths: inputs.files) {
                    changed[Self.canonical(path, in: cwd)] = lines
                }
            } catch {
                printError("meridian lint: \(error)")
                throw ExitStatus.unreadableInput
            }
        }
        let isChanged = { (d: Diagnostic) in changed[Self.canonical(d.file, in: cwd)]?.contains(d.mark.line) ?? false }
        let ordered = diagnostics.filter(isChanged) + diagnostics.filter { !isChanged($0) }
        print(GitHubFormatter.format(ordered), terminator: "")
        let report = AnnotationReport(ordered, onChangedLine: isChanged)
        print(report.logLine)
        if let summary = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !summary.isEmpty {
            do { try report.appendMarkdown(to: summary) } catch {
                // The annotations are out already; a summary that cannot be written is said, not fatal.
                printError("meridian lint: warning: job summary not written: \(error)")
            }
        }
    }

    static func canonical(_ path: String, in directory: String) -> String {
        URL(fileURLWithPath: path.hasPrefix("/") ? path : "\(directory)/\(path)").standardizedFileURL.path
    }
}
