import Foundation

/// Documentation of a rule as the SARIF `rules` array needs it.
public struct RuleMetadata: Sendable {
    public var id: String
    public var summary: String
    public var rationale: String
    public var severity: Severity

    public init(id: String, summary: String, rationale: String, severity: Severity) {
        self.id = id
        self.summary = summary
        self.rationale = rationale
        self.severity = severity
    }
}

private func json(_ value: Any) -> String {
    return JSONText.serialize(value)
}

/// What lint counted over all its files: the closing summary of every format.
public struct LintTotals: Sendable {
    public var errors: Int
    public var warnings: Int
    /// Checks not made because a value they read was refused.
    public var withheld: Int
    public var files: Int

    public init(diagnostics: [Diagnostic], withheld: Int, files: Int) {
        errors = diagnostics.errorCount
        warnings = diagnostics.warningCount
        self.withheld = withheld
        self.files = files
    }

    var object: [String: Int] { ["errors": errors, "warnings": warnings, "withheld": withheld, "files": files] }
}

/// `{"diagnostics": [...], "summary": {"errors": N, "warnings": N, "withheld": N, "files": N}}`
public enum JSONFormatter {
    public static func format(_ diagnostics: [Diagnostic], totals: LintTotals? = nil) -> String {
        let items: [[String: Any]] = diagnostics.map { d in
            var item: [String: Any] = [
                "file": d.file, "line": d.mark.line, "column": d.mark.column, "severity": d.severity.rawValue,
                "rule": d.rule, "message": d.message, "path": d.path,
                "notes": d.notes.map { note -> [String: Any] in
                    var n: [String: Any] = ["message": note.message]
                    if let mark = note.mark { n["line"] = mark.line; n["column"] = mark.column }
                    return n
                },
            ]
            if let fix = d.fix { item["fix"] = fix }
            return item
        }
        let summary = totals?.object ?? ["errors": diagnostics.errorCount, "warnings": diagnostics.warningCount]
        return json(["diagnostics": items, "summary": summary])
    }
}

/// SARIF 2.1.0, as GitHub code scanning ingests it.
public enum SARIFFormatter {
    public static func format(_ diagnostics: [Diagnostic], rules: [RuleMetadata], version: String, totals: LintTotals? = nil) -> String {
        let index = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        let level = { (s: Severity) in s == .error ? "error" : s == .warning ? "warning" : "note" }
        let driverRules: [[String: Any]] = rules.map { rule in
            [
                "id": rule.id,
                "name": rule.id,
                "shortDescription": ["text": rule.summary],
                "fullDescription": ["text": rule.rationale],
                "help": ["text": "\(rule.summary)\n\n\(rule.rationale)\n\nRun `meridian rules \(rule.id)` for examples."],
                "defaultConfiguration": ["level": level(rule.severity)],
            ]
        }
        func location(_ file: String, _ line: Int, _ column: Int) -> [String: Any] {
            ["physicalLocation": [
                "artifactLocation": ["uri": URIReference.path(file)],
                "region": ["startLine": line, "startColumn": column],
            ]]
        }
        let results: [[String: Any]] = diagnostics.map { d in
            var text = d.message
            for note in d.notes { text += "\n" + note.message }
            if let fix = d.fix { text += "\nfix: " + fix }
            var result: [String: Any] = [
                "ruleId": d.rule,
                "level": level(d.severity),
                "message": ["text": text],
                "locations": [location(d.file, d.mark.line, d.mark.column)],
            ]
            if let ruleIndex = index[d.rule] { result["ruleIndex"] = ruleIndex }
            let related = d.notes.enumerated().compactMap { offset, note -> [String: Any]? in
                guard let mark = note.mark else { return nil }
                var entry = location(d.file, mark.line, mark.column)
                entry["id"] = offset
                entry["message"] = ["text": note.message]
                return entry
            }
            if !related.isEmpty { result["relatedLocations"] = related }
            return result
        }
        var run: [String: Any] = [
            "tool": ["driver": [
                "name": "meridian", "version": version,
                "informationUri": "https://github.com/meridian-dev/meridian", "rules": driverRules,
            ]],
            "results": results,
        ]
        // lint's summary (errors, warnings, checks withheld, files) as a run property bag (SARIF 2.1.0 §3.8).
        if let totals { run["properties"] = ["summary": totals.object] }
        return json([
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [run],
        ])
    }
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`.
/// The runner reads one command per line and unescapes `%25`, `%0D`, `%0A` in the message and
/// additionally `%3A`, `%2C` in properties, as @actions/core's `escapeData`/`escapeProperty`
/// write them (https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts).
/// Each piece of text first goes through `TerminalText.escaped`, so only the line breaks
/// Meridian puts between message, notes and fix survive as `%0A`, and no ESC sequence reaches
/// the annotation or the log.
public enum GitHubFormatter {
    public static func format(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { d in
            let command = d.severity == .error ? "error" : d.severity == .warning ? "warning" : "notice"
            var lines = [d.message] + d.notes.map(\.message)
            if let fix = d.fix { lines.append("fix: " + fix) }
            let message = lines.map(TerminalText.escaped).joined(separator: "\n")
            let file = property(TerminalText.escaped(d.file)), title = property(TerminalText.escaped(d.rule))
            return "::\(command) file=\(file),line=\(d.mark.line),col=\(d.mark.column),title=\(title)::\(escape(message))\n"
        }.joined()
    }

    /// By scalar: Foundation's `replacingOccurrences` compares grapheme clusters, so it misses a
    /// `\n` or `%` that a following combining mark or variation selector joins.
    static func escape(_ text: String) -> String { percentEncoding(text, "%\r\n") }

    static func property(_ text: String) -> String { percentEncoding(text, "%\r\n:,") }

    private static func percentEncoding(_ text: String, _ reserved: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if reserved.unicodeScalars.contains(scalar) {
                out += URIReference.percentEncoded(UInt8(scalar.value))
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
