import Compiler
import Diagnostics
import Foundation

/// What `lint --format github` could and could not show as annotations.
struct AnnotationReport {
    /// GitHub keeps 10 error, 10 warning and 10 notice annotations per step (and 50 per job); the
    /// rest are dropped without a word. Documented in actions/toolkit, docs/problem-matchers.md.
    static let perStepLimit = 10
    /// The step summary holds at most 1 MiB; this many rows stay far below it.
    static let summaryRows = 1_000

    struct Row {
        var diagnostic: Diagnostic
        var annotated: Bool
        var onChangedLine: Bool
    }

    var rows: [Row] = []

    /// `ordered` is in the order the annotations were printed.
    init(_ ordered: [Diagnostic], onChangedLine: (Diagnostic) -> Bool) {
        var shown: [Severity: Int] = [:]
        for diagnostic in ordered {
            let annotated = shown[diagnostic.severity, default: 0] < Self.perStepLimit
            if annotated { shown[diagnostic.severity, default: 0] += 1 }
            rows.append(Row(diagnostic: diagnostic, annotated: annotated, onChangedLine: onChangedLine(diagnostic)))
        }
    }

    static func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    func counts(_ rows: [Row]) -> String {
        let parts = [(Severity.error, "error"), (.warning, "warning"), (.note, "note")].compactMap { severity, noun -> String? in
            let count = rows.filter { $0.diagnostic.severity == severity }.count
            return count == 0 ? nil : Self.counted(count, noun)
        }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    var notAnnotated: [Row] { rows.filter { !$0.annotated } }

    var logLine: String {
        if rows.isEmpty { return "meridian lint: no findings" }
        var line = "meridian lint: \(counts(rows)) (\(rows.filter(\.onChangedLine).count) on changed lines)"
        if notAnnotated.isEmpty { return line + "; all annotated" }
        line += "; not annotated, because GitHub shows \(Self.perStepLimit) of each kind per step: \(counts(notAnnotated))"
        return line + " (all are listed in the job summary and in the SARIF upload)"
    }

    var markdown: String {
        var out = "### meridian lint\n\nFindings: \(counts(rows)); \(rows.filter(\.onChangedLine).count) on lines this change touched.\n"
        if !notAnnotated.isEmpty {
            out += "\n**Not annotated:** \(counts(notAnnotated)) (GitHub shows \(Self.perStepLimit) annotations of each kind per step).\n"
        }
        guard !rows.isEmpty else { return out }
        out += "\n| annotated | changed line | severity | location | rule | message |\n|---|---|---|---|---|---|\n"
        // Messages quote blueprint text: the shared Markdown escape keeps each finding one row.
        let cell = Markdown.text
        for row in rows.prefix(Self.summaryRows) {
            let d = row.diagnostic
            out += "| \(row.annotated ? "yes" : "no") | \(row.onChangedLine ? "yes" : "") | \(d.severity.rawValue) | \(cell("\(d.file):\(d.mark.line):\(d.mark.column)")) | `\(d.rule)` | \(cell(d.message)) |\n"
        }
        if rows.count > Self.summaryRows { out += "\n… \(rows.count - Self.summaryRows) more in the SARIF upload.\n" }
        return out
    }

    /// GitHub renders `$GITHUB_STEP_SUMMARY` as Markdown on the run's page; steps append to it.
    /// Through `UserFile`: a symbolic link or FIFO at that path is refused, not written through.
    func appendMarkdown(to path: String) throws {
        try UserFile.append(path, markdown + "\n")
    }
}
